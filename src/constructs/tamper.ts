import { Aws, Names, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BreakGlassAlertChannels } from './channels.js';
import { failedInvocations, failureAlarm, regionalAlarmRule } from './private/alarms.js';
import { monitoredRoles, monitoredUsers } from './private/alert-principals.js';
import {
  BusTarget,
  TopicTarget,
  createDeadLetterQueue,
  deliveryFor,
  type Delivery,
} from './private/alert-targets.js';
import { checkPatternSize } from './private/quotas.js';
import {
  PREFIX_MAX,
  TAMPER_CALLS,
  callsFor,
  tamperPatterns,
  type TamperPattern,
  type TamperTargets,
} from '../engines/tamper-calls.js';
import { PURPOSE_TAG } from './private/tamper-topic.js';
import { BreakGlassRegionalStack } from './regional-stack.js';

/** Properties of {@link BreakGlassTamperAlerts}. */
export interface BreakGlassTamperAlertsProps {
  /** The alerting whose resources are watched; its tamper topic receives the alerts. */
  readonly channels: BreakGlassAlertChannels;
  /**
   * Break-glass roles: changes to their trust policy, policies or state are tamper events.
   * @default - none
   */
  readonly roles?: iam.IRole[];
  /**
   * Break-glass users: new access keys, login profiles and removed MFA devices are tamper events.
   * @default - none
   */
  readonly users?: iam.IUser[];
}

/**
 * The stack name, shortened as CloudFormation shortens it inside the names it generates. No `-` after
 * it: the main stack's own name, and the names CDK derives from construct paths (connections, log
 * resource policies), start with the stack name too.
 */
export function tamperPrefix(stackName: string): string {
  return stackName.slice(0, PREFIX_MAX);
}

/**
 * Alerts when the break-glass alerting itself is touched: its rules, targets, buses, topics,
 * subscriptions, keys, alarms, log groups, queues and stacks, any CloudTrail trail, the break-glass
 * roles and users, and the account's Regions.
 *
 * In every watched Region, two sets of rules on the default bus match the same tamper calls: one
 * forwards to this construct's own **tamper bus** (whose rule notifies the channels' tamper topic,
 * encrypted with its own key), the other to the central alert bus (whose rule notifies the alert
 * topic). Deleting or disabling one rule, bus, topic or key leaves the other path, which reports that
 * very change. Each path's delivery alarms notify the other path's topic.
 */
export class BreakGlassTamperAlerts extends Construct {
  /** The tamper bus in the main Region (tagged `breakglass:purpose=tamper-bus`). */
  readonly eventBus: events.EventBus;
  /** ARN of the tamper bus as a string usable from other Regions' stacks. */
  readonly eventBusArn: string;
  /** Dead-letter queue of the tamper path's targets in the main Region. */
  readonly deadLetterQueue: sqs.Queue;

  private readonly delivery: Delivery;

  constructor(scope: Construct, id: string, props: BreakGlassTamperAlertsProps) {
    super(scope, id);
    const channels = props.channels;
    const stack = Stack.of(this);

    const name = Names.uniqueResourceName(this, { maxLength: 200, separator: '-' });
    this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName: name });
    this.eventBusArn = `arn:${Aws.PARTITION}:events:${stack.region}:${stack.account}:event-bus/${name}`;
    Tags.of(this.eventBus).add(PURPOSE_TAG, 'tamper-bus');
    this.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BreakGlassTamperForwardersInThisAccount',
        actions: ['events:PutEvents'],
        principals: [new iam.AccountPrincipal(stack.account)],
        resources: [this.eventBus.eventBusArn],
      }),
    );
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue');
    this.delivery = deliveryFor(this.deadLetterQueue);
    // The tamper path's failures notify the alert topic (the other path).
    this.alarm(
      'DeadLetterQueueNotEmpty',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      'Break-glass tamper alert delivery failed: the tamper dead-letter queue is not empty',
      channels.alertTopic,
    );

    const prefix = tamperPrefix(stack.stackName);
    const roles = monitoredRoles(this, props.roles ?? []);
    const users = monitoredUsers(this, props.users ?? []);
    const global: Omit<TamperTargets, 'names' | 'keyArns'> = {
      prefix,
      namePrefixes: ['/breakglass/'],
      roleNames: roles.map((r) => r.name),
      userNames: users.map((u) => u.name),
    };
    // Buses and keys exist in the main Region only; their records arrive there.
    const main: TamperTargets = {
      ...global,
      names: [channels.eventBus.eventBusName, this.eventBus.eventBusName],
      keyArns: [channels.key.keyArn, channels.tamperKey.keyArn],
    };
    const regional: TamperTargets = { ...global, names: [], keyArns: [] };

    // Central rules. The tamper bus receives only tamper-forwarded events and alarm state changes.
    const tamperRule = new events.Rule(this, 'TamperRule', {
      eventBus: this.eventBus,
      description: 'Break-glass tamper alert: a change to the alerting itself',
      eventPattern: { detailType: ['AWS API Call via CloudTrail'] },
      targets: [new TopicTarget(channels.tamperTopic, this.delivery, tamperMessage())],
    });
    this.watch(tamperRule, 'TamperRule', this.eventBus, channels.alertTopic);
    const alarmRule = regionalAlarmRule(this, 'RegionalAlarmRule', {
      eventBus: this.eventBus,
      account: stack.account,
      topic: channels.alertTopic,
      delivery: this.delivery,
      description: 'Break-glass delivery alarms from other Regions (tamper path)',
    });
    this.watch(alarmRule, 'RegionalAlarmRule', this.eventBus, channels.alertTopic);
    // On the alert bus: the same calls (the alert bus also receives other events) → alert topic.
    for (const [group, pattern] of tamperPatterns(TAMPER_CALLS, main)) {
      const rule = channels.addCentralRule(
        this,
        `Mirror${group}`,
        pattern,
        (d) => new TopicTarget(channels.alertTopic, d, tamperMessage()),
        false,
      );
      rule.node.addMetadata('breakglass:tamper-group', group);
    }

    // The main Region's default bus: both paths.
    const role = new iam.Role(this, 'ForwarderRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge forwards break-glass tamper events to the tamper bus and the alert bus',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [this.eventBusArn, channels.eventBusArn],
      }),
    );
    const mirrorOnMain = channels.eventBus.eventBusName !== 'default';
    for (const [group, pattern] of tamperPatterns(callsFor(channels.mainRegion), main)) {
      this.forward(`Watch${group}`, pattern, this.eventBusArn, role, channels.alertTopic);
      if (mirrorOnMain)
        this.forward(`Mirror${group}Forward`, pattern, channels.eventBusArn, role, channels.tamperTopic);
    }
    const uid = Names.nodeUniqueId(this.node);
    for (const region of channels.regions) {
      if (region === channels.mainRegion) continue;
      const rs = BreakGlassRegionalStack.forRegion(stack, region);
      for (const [group, pattern] of tamperPatterns(callsFor(region), regional)) {
        const state = () => 'ENABLED';
        rs.addForwarder(`Tamper${group}${uid}`, this.eventBusArn, () => pattern, state);
        rs.addForwarder(`TamperMirror${group}${uid}`, channels.eventBusArn, () => pattern, state);
      }
    }
  }

  /** A rule on the main Region's default bus forwarding `pattern` to `busArn`; its failures notify `notify`. */
  private forward(
    id: string,
    pattern: TamperPattern,
    busArn: string,
    role: iam.IRole,
    notify: sns.ITopic,
  ): void {
    const rule = new events.Rule(this, id, {
      eventPattern: pattern as events.EventPattern,
      description: `Break-glass tamper events to ${busArn === this.eventBusArn ? 'the tamper bus' : 'the alert bus'}`,
      targets: [new BusTarget(busArn, role, this.delivery)],
    });
    checkPatternSize(rule);
    this.watch(rule, id, undefined, notify);
  }

  private watch(rule: events.Rule, id: string, bus: events.IEventBus | undefined, notify: sns.ITopic): void {
    this.alarm(
      `${id}Failed`,
      failedInvocations(rule, bus),
      `Break-glass tamper rule ${id} failed to deliver to a target`,
      notify,
    );
  }

  private alarm(id: string, metric: cloudwatch.IMetric, description: string, notify: sns.ITopic): void {
    failureAlarm(this, id, metric, description, notify);
  }
}

/** What a tamper alert says: the call, who made it, where and when. */
function tamperMessage(): events.RuleTargetInput {
  const f = (p: string) => events.EventField.fromPath(p);
  return events.RuleTargetInput.fromText(
    `Break-glass TAMPER alert: ${f('$.detail.eventName')} (${f('$.detail.eventSource')}) by ${f('$.detail.userIdentity.arn')} ` +
      `in ${events.EventField.region} at ${events.EventField.time}. ` +
      'A change to the break-glass alerting, a trail, a break-glass principal or the account Regions: check it was planned.',
  );
}
