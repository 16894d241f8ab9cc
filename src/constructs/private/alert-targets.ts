import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
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

function base(rule: events.IRuleRef, delivery: Delivery) {
  targets.addToDeadLetterQueueResourcePolicy(rule, delivery.deadLetterQueue);
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
