/**
 * CloudWatch alarms on the alert path: an alarm that watches a rule or a dead-letter queue the event
 * went through must watch a metric the service actually publishes, and its state change must reach a
 * person — through an alarm action the topic and key policies allow for CloudWatch, or through an
 * EventBridge rule that delivers the "CloudWatch Alarm State Change" event.
 */
import type { EventBridgeEvent } from '../../engines/cloudtrail/index.js';
import type { RuleModel, SystemModel } from '../model.js';
import { describeFailure, DOCS, type HopFailure } from './hop.js';
import { topicReachesPerson } from './hops.js';
import type { AlarmModel, QueueModel } from './resources.js';

/** The replay, passed in (the replay module imports the hop checks, not the alarm checks). */
export type Replay = (
  model: SystemModel,
  event: EventBridgeEvent,
) => {
  readonly deliveries: readonly { readonly humanFacing: boolean }[];
  readonly misses: readonly { readonly reason: string; readonly hop?: string }[];
};

/**
 * AWS/Events metrics published per rule (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
 * "Metrics that specify only the RuleName dimension refer to the default event bus. Metrics that
 * specify both the EventBusName and RuleName dimensions refer to a custom event bus." The value of
 * RuleName is the rule's name — not CloudFormation's `Ref` of a custom-bus rule, which is `bus|name`.
 */
const RULE_METRICS: ReadonlySet<string> = new Set([
  'Invocations',
  'FailedInvocations',
  'DeadLetterInvocations',
  'TriggeredRules',
  'MatchedEvents',
  'ThrottledRules',
  'InvocationsSentToDlq',
  'InvocationsFailedToBeSentToDlq',
  'InvocationAttempts',
  'SuccessfulInvocationAttempts',
  'RetryInvocationAttempts',
]);

/** AWS/SQS metrics: one dimension, QueueName (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html). */
const QUEUE_METRICS: ReadonlySet<string> = new Set([
  'ApproximateAgeOfOldestMessage',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesVisible',
  'NumberOfEmptyReceives',
  'NumberOfDeletedMessages',
  'NumberOfMessagesDeleted',
  'NumberOfMessagesReceived',
  'NumberOfMessagesSent',
  'SentMessageSize',
]);

type Watched =
  | { readonly kind: 'rule'; readonly rule: RuleModel }
  | { readonly kind: 'queue'; readonly queue: QueueModel };

interface AlarmIndex {
  readonly byRule: ReadonlyMap<string, readonly { alarm: AlarmModel; watched: Watched }[]>;
  readonly verdicts: Map<AlarmModel, readonly HopFailure[]>;
}

const busName = (rule: RuleModel): string => rule.busArn.split('/').pop() ?? 'default';
const dimsText = (dims: readonly { name: string; value: string }[]): string =>
  dims.length === 0 ? 'no dimensions' : dims.map((d) => `${d.name}=${d.value}`).join(', ');

/** Which rule or queue an alarm is about, by the values of its dimensions (as an author means it). */
function watchedBy(
  alarm: AlarmModel,
  rules: readonly RuleModel[],
  queues: readonly QueueModel[],
): Watched | undefined {
  const values = new Set(alarm.dimensions.map((d) => d.value));
  const here = (x: { account: string; region: string }) =>
    x.account === alarm.account && x.region === alarm.region;
  if (alarm.namespace === 'AWS/Events') {
    const rule = rules.find((r) => here(r) && (values.has(r.name) || values.has(`${busName(r)}|${r.name}`)));
    return rule ? { kind: 'rule', rule } : undefined;
  }
  if (alarm.namespace === 'AWS/SQS') {
    const queue = queues.find(
      (q) => here(q) && (values.has(q.name) || values.has(q.url) || values.has(q.arn)),
    );
    return queue ? { kind: 'queue', queue } : undefined;
  }
  return undefined;
}

const indexes = new WeakMap<SystemModel, AlarmIndex>();

function indexOf(model: SystemModel): AlarmIndex {
  let index = indexes.get(model);
  if (index) return index;
  const rules = [...model.buses.values()].flatMap((b) => b.rules);
  const queues = [...new Set(model.delivery.queues.values())];
  const byRule = new Map<string, { alarm: AlarmModel; watched: Watched }[]>();
  const add = (ruleArn: string, entry: { alarm: AlarmModel; watched: Watched }) =>
    byRule.set(ruleArn, [...(byRule.get(ruleArn) ?? []), entry]);
  for (const alarm of model.delivery.alarms) {
    if (alarm.metricMath) continue;
    const watched = watchedBy(alarm, rules, queues);
    if (!watched) continue;
    if (watched.kind === 'rule') add(watched.rule.arn, { alarm, watched });
    else
      for (const r of rules)
        if (r.targets.some((t) => t.deadLetterArn === watched.queue.arn)) add(r.arn, { alarm, watched });
  }
  index = { byRule, verdicts: new Map() };
  indexes.set(model, index);
  return index;
}

/** Is the alarm's metric one the service publishes, with exactly the dimensions it publishes? */
function metricProblem(alarm: AlarmModel, watched: Watched): HopFailure | undefined {
  const metric = `${alarm.namespace} ${alarm.metricName ?? '(no metric)'} with ${dimsText(alarm.dimensions)}`;
  const expected =
    watched.kind === 'rule'
      ? watched.rule.busArn.endsWith('/default')
        ? [{ name: 'RuleName', value: watched.rule.name }]
        : [
            { name: 'EventBusName', value: busName(watched.rule) },
            { name: 'RuleName', value: watched.rule.name },
          ]
      : [{ name: 'QueueName', value: watched.queue.name }];
  const known = watched.kind === 'rule' ? RULE_METRICS : QUEUE_METRICS;
  const same =
    alarm.dimensions.length === expected.length &&
    expected.every((e) => alarm.dimensions.some((d) => d.name === e.name && d.value === e.value));
  if (same && alarm.metricName && known.has(alarm.metricName)) return undefined;
  const doc = watched.kind === 'rule' ? DOCS.metrics : DOCS.sqsMetrics;
  if (same)
    return {
      hop: 'alarm',
      message: `alarm ${alarm.name} watches ${metric}: ${alarm.namespace} has no such metric per ${watched.kind}; the alarm can never fire`,
      doc,
    };
  const subject =
    watched.kind === 'rule'
      ? `rule ${watched.rule.name} on ${watched.rule.busArn.endsWith('/default') ? 'the default bus' : `bus ${busName(watched.rule)}`}`
      : `queue ${watched.queue.name}`;
  return {
    hop: 'alarm',
    message: `alarm ${alarm.name} watches ${metric}, which is never published: the metrics of ${subject} carry ${dimsText(expected)}; the alarm can never fire`,
    doc,
  };
}

/** The "CloudWatch Alarm State Change" event CloudWatch sends to the default bus of the alarm's Region. */
export function alarmStateChangeEvent(alarm: AlarmModel): EventBridgeEvent {
  return {
    version: '0',
    id: `alarm-${alarm.logicalId}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: alarm.account,
    time: '2024-01-01T00:00:00Z',
    region: alarm.region,
    resources: [alarm.arn],
    detail: {
      alarmName: alarm.name,
      state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2024-01-01T00:00:00.000+0000' },
      previousState: { value: 'OK', reason: '', timestamp: '2023-12-31T00:00:00.000+0000' },
      configuration: { description: '' },
    },
  };
}

/**
 * Does the alarm tell a person? Through its SNS alarm actions (topic policy and key policy for
 * cloudwatch.amazonaws.com, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * else through EventBridge: CloudWatch sends every state change to the default bus of its Region
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
 */
function notifyProblem(model: SystemModel, alarm: AlarmModel, replay: Replay): HopFailure | undefined {
  const failures: string[] = [];
  for (const action of alarm.actions.filter((a) => a.split(':')[2] === 'sns')) {
    const v = topicReachesPerson(model, action, 'cloudwatch.amazonaws.com', {
      arn: alarm.arn,
      account: alarm.account,
    });
    if (typeof v === 'string') return undefined;
    failures.push(describeFailure(v));
  }
  const { deliveries, misses } = replay(model, alarmStateChangeEvent(alarm));
  if (deliveries.some((d) => d.humanFacing)) return undefined;
  const why = [...failures, ...misses.filter((m) => m.hop).map((m) => m.reason)];
  return {
    hop: 'alarm',
    message: `alarm ${alarm.name} tells nobody: ${
      why.length > 0
        ? why.join('; ')
        : 'it has no alarm action, and no rule delivers its state change to a person'
    }`,
    doc: alarm.actions.length > 0 ? DOCS.alarmActions : DOCS.alarmEvents,
  };
}

const told = new WeakMap<AlarmModel, HopFailure | null>();

/** Why the alarm's notification reaches nobody (`undefined`: it reaches a person); cached per alarm. */
export function alarmNotifyProblem(
  model: SystemModel,
  alarm: AlarmModel,
  replay: Replay,
): HopFailure | undefined {
  let v = told.get(alarm);
  if (v === undefined) {
    told.set(alarm, null); // An alarm whose state change leads back to itself is judged once.
    v = notifyProblem(model, alarm, replay) ?? null;
    told.set(alarm, v);
  }
  return v ?? undefined;
}

/** Problems of the alarms that watch the given rules (and their dead-letter queues); cached per alarm. */
export function alarmProblems(model: SystemModel, ruleArns: readonly string[], replay: Replay): HopFailure[] {
  const index = indexOf(model);
  const out = new Set<HopFailure>();
  for (const arn of ruleArns) {
    for (const { alarm, watched } of index.byRule.get(arn) ?? []) {
      let v = index.verdicts.get(alarm);
      if (!v) {
        index.verdicts.set(alarm, []); // An alarm whose own path leads back to it is judged once.
        const m = metricProblem(alarm, watched);
        const n = notifyProblem(model, alarm, replay);
        v = [...(m ? [m] : []), ...(n ? [n] : [])];
        index.verdicts.set(alarm, v);
      }
      for (const f of v) out.add(f);
    }
  }
  return [...out];
}
