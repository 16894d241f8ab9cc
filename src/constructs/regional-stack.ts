import { Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BreakGlassValidationError } from './errors.js';
import { failedInvocations, failureAlarm } from './private/alarms.js';
import { addForwardingRule, lazyForwardingRule } from './private/alert-forward.js';
import { createDeadLetterQueue } from './private/alert-targets.js';
import { checkQuotasAtSynth } from './private/quotas.js';

/** Properties of {@link BreakGlassRegionalStack}. */
export interface BreakGlassRegionalStackProps extends StackProps {
  /** The stack holding the central bus; this stack deploys after it. */
  readonly mainStack: Stack;
}

/**
 * The stack of one non-main Region: rules on that Region's default bus that forward break-glass
 * events (ways in, session actions, alarm state changes) to the central bus in the main Region.
 * One per Region per main stack, shared by every `BreakGlassLoginAlert` / `BreakGlassLogActions`
 * of that main stack; get it with {@link BreakGlassRegionalStack.forRegion}.
 */
export class BreakGlassRegionalStack extends Stack {
  /**
   * The regional stack of `mainStack` for `region`, created next to the main stack (same App or
   * Stage) on first use, with id and stack name `${mainStack.stackName}-${region}`.
   */
  static forRegion(mainStack: Stack, region: string): BreakGlassRegionalStack {
    const parent = mainStack.node.scope;
    if (!parent) {
      throw new BreakGlassValidationError(
        mainStack.node.path,
        'scope',
        'the main stack has no parent; create it in an App or Stage',
      );
    }
    const id = `${mainStack.stackName}-${region}`;
    const existing = parent.node.tryFindChild(id);
    if (existing instanceof BreakGlassRegionalStack) return existing;
    if (existing) {
      throw new BreakGlassValidationError(
        mainStack.node.path,
        'regions',
        `a construct with id '${id}' already exists next to the main stack; rename it`,
      );
    }
    return new BreakGlassRegionalStack(parent, id, {
      mainStack,
      stackName: id,
      env: { account: mainStack.account, region },
      description: `Break-glass event forwarding from ${region} to ${mainStack.stackName} (${mainStack.region})`,
    });
  }

  readonly mainStack: Stack;
  /** Role EventBridge uses to put events on the central bus(es). */
  readonly forwarderRole: iam.Role;
  /** Dead-letter queue of every forwarding rule in this Region. */
  readonly deadLetterQueue: sqs.Queue;
  private readonly alarms: cloudwatch.Alarm[] = [];
  private readonly alarmForwarded = new Set<string>();

  constructor(scope: Construct, id: string, props: BreakGlassRegionalStackProps) {
    super(scope, id, props);
    this.mainStack = props.mainStack;
    this.addStackDependency(props.mainStack, 'forwards to the central event bus of the main stack');
    checkQuotasAtSynth(this);
    this.forwarderRole = new iam.Role(this, 'ForwarderRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge forwards break-glass events to the central bus',
    });
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue');
    this.alarms.push(
      failureAlarm(
        this,
        'DeadLetterQueueNotEmpty',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        `Break-glass events from ${this.region} could not be forwarded (dead-letter queue not empty)`,
      ),
    );
  }

  /**
   * Adds a rule on this Region's default bus forwarding `pattern` (computed at synthesis) to
   * `centralBusArn`, with a FailedInvocations alarm. `state` is `ENABLED` or, when read-only calls
   * are logged, `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
   */
  addForwarder(id: string, centralBusArn: string, pattern: () => unknown, state: () => string): events.Rule {
    this.forwarderRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [centralBusArn] }),
    );
    const rule = lazyForwardingRule(this, id, {
      busArn: centralBusArn,
      role: this.forwarderRole,
      deadLetterQueue: this.deadLetterQueue,
      pattern,
      state,
      description: `Forward break-glass events from ${this.region} to the central bus`,
    });
    this.alarms.push(
      failureAlarm(
        this,
        `${id}Failed`,
        // A rule on this Region's default bus: RuleName is its only dimension.
        failedInvocations(rule),
        `Break-glass forwarding rule ${id} in ${this.region} failed to deliver`,
      ),
    );
    this.forwardAlarms(centralBusArn);
    return rule;
  }

  /** Alarm state changes of this stack's alarms also go to the central bus (alarms cannot notify a topic in another Region). */
  private forwardAlarms(centralBusArn: string): void {
    if (this.alarmForwarded.has(centralBusArn)) return;
    const n = this.alarmForwarded.size;
    this.alarmForwarded.add(centralBusArn);
    const rule = addForwardingRule(this, n === 0 ? 'AlarmForward' : `AlarmForward${n}`, {
      pattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
      },
      busArn: centralBusArn,
      role: this.forwarderRole,
      deadLetterQueue: this.deadLetterQueue,
      allManagementEvents: false,
      description: 'Forward break-glass delivery alarms to the central bus',
    });
    const cfn = rule.node.defaultChild as events.CfnRule;
    cfn.addPropertyOverride(
      'EventPattern.resources',
      Lazy.list({ produce: () => this.alarms.map((a) => a.alarmArn) }),
    );
  }
}
