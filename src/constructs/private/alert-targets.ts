import { ArnFormat, Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Delivery settings every target gets: EventBridge retries for up to 24 h (185 attempts, the
 * maxima) and then writes the event to an encrypted dead-letter queue in the rule's Region.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export interface Delivery {
  readonly deadLetterQueue: sqs.IQueue;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

export function deliveryFor(queue: sqs.IQueue): Delivery {
  return { deadLetterQueue: queue, retryAttempts: 185, maxEventAge: Duration.hours(24) };
}

/** An SSE-encrypted, TLS-only dead-letter queue. */
export function createDeadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the EventBridge targets; its depth is alarmed.',
  });
  return queue;
}

const deadLetterSources = new WeakMap<sqs.IQueue, string[]>();

/**
 * Lets EventBridge send the failed events of `rule` to `queue`: ONE statement per queue whose
 * `ArnEquals aws:SourceArn` lists every rule using it (the per-rule statements CDK adds would pass
 * SQS's 20-statement policy quota with a few principals in one stack).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
 */
function allowDeadLetters(rule: events.IRuleRef, queue: sqs.IQueue): void {
  let sources = deadLetterSources.get(queue);
  if (sources === undefined) {
    const list: string[] = [];
    sources = list;
    deadLetterSources.set(queue, list);
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeRulesDeadLetters',
        actions: ['sqs:SendMessage'],
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        resources: [queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => list }) } },
      }),
    );
  }
  const arn = rule.ruleRef.ruleArn;
  if (!sources.includes(arn)) sources.push(arn);
}

function base(rule: events.IRuleRef, delivery: Delivery) {
  allowDeadLetters(rule, delivery.deadLetterQueue);
  return {
    deadLetterConfig: { arn: delivery.deadLetterQueue.queueArn },
    retryPolicy: {
      maximumRetryAttempts: delivery.retryAttempts,
      maximumEventAgeInSeconds: delivery.maxEventAge.toSeconds(),
    },
  };
}

function ruleArn(rule: events.IRuleRef): string {
  return rule.ruleRef.ruleArn;
}

/**
 * A CDK target (API destination, queue, function) with our delivery settings: the dead-letter queue
 * is granted through `allowDeadLetters` (one statement per queue), not the CDK target's per-rule one.
 */
export class WithDelivery implements events.IRuleTarget {
  constructor(
    private readonly inner: events.IRuleTarget,
    private readonly delivery: Delivery,
  ) {}

  bind(rule: events.IRule, id?: string): events.RuleTargetConfig {
    return { ...this.inner.bind(rule, id), ...base(rule, this.delivery) };
  }
}

/**
 * SNS target whose topic-policy statement only lets EventBridge publish on behalf of this rule
 * (`aws:SourceArn`), unlike `targets.SnsTopic`, which allows any rule.
 */
export class TopicTarget implements events.IRuleTarget {
  constructor(
    private readonly topic: sns.ITopic,
    private readonly delivery: Delivery,
    private readonly input?: events.RuleTargetInput,
  ) {}

  bind(rule: events.IRuleRef): events.RuleTargetConfig {
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        resources: [this.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': ruleArn(rule) } },
      }),
    );
    return {
      ...base(rule, this.delivery),
      arn: this.topic.topicArn,
      input: this.input,
      targetResource: this.topic,
    };
  }
}

/**
 * Event-bus target (same or other Region) with the retry policy and dead-letter queue the CDK
 * target does not expose. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
export class BusTarget implements events.IRuleTarget {
  constructor(
    private readonly busArn: string,
    private readonly role: iam.IRole,
    private readonly delivery: Delivery,
  ) {}

  bind(rule: events.IRuleRef): events.RuleTargetConfig {
    return { ...base(rule, this.delivery), arn: this.busArn, role: this.role };
  }
}

/**
 * CloudWatch Logs target without the custom-resource Lambda `targets.CloudWatchLogGroup` installs:
 * the log group's resource policy (AWS::Logs::ResourcePolicy) lets EventBridge write to it.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions
 */
export class LogGroupTarget implements events.IRuleTarget {
  constructor(
    private readonly logGroup: logs.ILogGroup,
    private readonly delivery: Delivery,
  ) {}

  bind(rule: events.IRuleRef): events.RuleTargetConfig {
    ensureLogGroupPolicy(this.logGroup);
    // The target ARN is the log group's without the trailing `:*` of its `Arn` attribute.
    const arn = Stack.of(this.logGroup).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: this.logGroup.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return { ...base(rule, this.delivery), arn, targetResource: this.logGroup };
  }
}

const POLICY_ID = 'EventBridgeWritePolicy';

function ensureLogGroupPolicy(logGroup: logs.ILogGroup): void {
  if (!(logGroup instanceof Construct) || logGroup.node.tryFindChild(POLICY_ID)) return;
  new logs.ResourcePolicy(logGroup, POLICY_ID, {
    policyStatements: [
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        principals: [
          new iam.ServicePrincipal('events.amazonaws.com'),
          new iam.ServicePrincipal('delivery.logs.amazonaws.com'),
        ],
        resources: [`${logGroup.logGroupArn}`],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(logGroup).account } },
      }),
    ],
  });
}
