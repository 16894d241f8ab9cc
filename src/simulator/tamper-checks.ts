/**
 * Tamper scenarios: for each call that could silence the alerting (see the constructs'
 * `engines/tamper-calls.ts`) × watched Region × account, a CloudTrail record shaped like the real ones,
 * made against one of OUR resources there, replayed against the model. A check is ok only when the
 * record reaches a person through the tamper topic (`breakglass:purpose=tamper-topic`). Each call is
 * also replayed with its request parameters left out as too large (CloudTrail then records
 * `omitted: true`, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 */
import { toEventBridgeEvent, type CloudTrailRecord } from '../engines/cloudtrail/index.js';
import { stableUuid } from '../engines/cfn/names.js';
import { TAMPER_CALLS, type TamperCall } from '../engines/tamper-calls.js';
import type { SystemModel } from './model.js';
import { replayEvent, type ReplayResult } from './replay.js';
import type { CheckContext, CheckFamily, CheckResult } from './check-types.js';

// The shapes of `CheckResult` / `CheckContext` / `CheckFamily` (./checks.ts), spelled out here:
// checks.ts imports this family, so importing its types back would be a cycle.
export const TAMPER_PURPOSE = 'tamper-topic';
export const ALERT_PURPOSE = 'alert-topic';

interface Place {
  readonly account: string;
  readonly region: string;
}

/** The request parameters (and CloudTrail `resources`) naming one of our resources at `p`, if there is one. */
type Target = { params: Record<string, unknown>; resources?: Record<string, string>[] };

const here = (p: Place) => (x: { account: string; region: string }) =>
  x.account === p.account && x.region === p.region;

function busOf(model: SystemModel, p: Place, custom: boolean) {
  return [...model.buses.values()].find((b) => here(p)(b) && (b.name === 'default') !== custom);
}

/** One resource of each kind at `p` (looked up once per place, not per call). */
function placeResources(model: SystemModel, p: Place, ctx: CheckContext) {
  const rule = busOf(model, p, false)?.rules[0];
  const bus = busOf(model, p, true);
  const topic = [...model.topics.values()].find(here(p));
  const key = [...model.delivery.keys.values()].find(here(p));
  const alarm = model.delivery.alarms.find(here(p));
  const queue = [...model.delivery.queues.values()].find(here(p));
  const logGroup = [...model.buses.values()]
    .filter(here(p))
    .flatMap((b) => b.rules.flatMap((r) => r.targets))
    .find((t) => t.kind === 'logs')?.arn;
  const stack = model.stacks.find(here(p));
  const role = ctx.roles.find((r) => r.account === p.account);
  const user = ctx.users.find((u) => u.account === p.account);
  // `…:connection/<name>/<uuid>`, `…:api-destination/<name>/<uuid>`
  const arnPart = (arn: string | undefined) => arn?.split('/')[1];
  const inPlace = (a: string) => a.includes(`:${p.region}:${p.account}:`);
  const connection = arnPart([...model.delivery.connections].find(inPlace));
  const apiDestination = arnPart([...model.delivery.apiDestinations.keys()].find(inPlace));
  return { rule, bus, topic, key, alarm, queue, logGroup, stack, role, user, connection, apiDestination };
}
type PlaceResources = ReturnType<typeof placeResources>;

/** What each tamper call is made against (undefined: none of ours there). */
function targetOf(c: TamperCall, r: PlaceResources, p: Place): Target | undefined {
  const { rule, bus, topic, key, alarm, queue, logGroup, stack, role, user, connection, apiDestination } = r;
  const by = (field: string, v: unknown): Target | undefined =>
    v === undefined ? undefined : { params: { [field]: v } };
  switch (c.eventName) {
    case 'DisableRule':
    case 'DeleteRule':
      return by('name', rule?.name);
    case 'PutRule':
      return (
        rule && { params: { name: rule.name, state: 'DISABLED', eventPattern: '{"source":["aws.none"]}' } }
      );
    case 'RemoveTargets':
      return rule && { params: { rule: rule.name, ids: [rule.targets[0]?.id ?? 'Target0'] } };
    case 'PutTargets':
      return (
        rule && { params: { rule: rule.name, targets: [{ id: 'Target0', arn: 'arn:aws:sqs:::elsewhere' }] } }
      );
    case 'DeleteEventBus':
      return by('name', bus?.name);
    case 'PutPermission':
    case 'RemovePermission':
      return c.eventSource === 'events.amazonaws.com'
        ? bus && { params: { eventBusName: bus.name, statementId: 'Other' } }
        : topic && { params: { topicArn: topic.arn, label: 'Other' } };
    case 'DeleteConnection':
    case 'UpdateConnection':
      return by('name', connection);
    case 'DeleteApiDestination':
    case 'UpdateApiDestination':
      return by('name', apiDestination);
    case 'DeleteTopic':
      return by('topicArn', topic?.arn);
    case 'SetTopicAttributes':
      return (
        topic && { params: { topicArn: topic.arn, attributeName: 'KmsMasterKeyId', attributeValue: '' } }
      );
    case 'Unsubscribe':
      return by('subscriptionArn', topic && `${topic.arn}:${stableUuid(topic.arn)}`);
    case 'DisableKey':
    case 'ScheduleKeyDeletion':
    case 'PutKeyPolicy':
      return (
        key && {
          params: { keyId: key.keyId },
          resources: [{ accountId: p.account, type: 'AWS::KMS::Key', ARN: key.arn }],
        }
      );
    case 'DeleteAlarms':
    case 'DisableAlarmActions':
      return by('alarmNames', alarm && [alarm.name]);
    case 'PutMetricAlarm':
      return by('alarmName', alarm?.name);
    case 'DeleteLogGroup':
    case 'PutRetentionPolicy':
    case 'DeleteMetricFilter':
      return by('logGroupName', logGroup?.split(':log-group:')[1]);
    case 'DeleteResourcePolicy':
      return undefined; // the model keeps no resource-policy names: not checked offline
    case 'DeleteQueue':
    case 'PurgeQueue':
    case 'SetQueueAttributes':
      return by('queueUrl', queue?.url);
    case 'StopLogging':
    case 'DeleteTrail':
    case 'UpdateTrail':
    case 'PutInsightSelectors':
      return { params: { name: `arn:aws:cloudtrail:${p.region}:${p.account}:trail/organization-trail` } };
    case 'PutEventSelectors':
      return {
        params: {
          trailName: 'organization-trail',
          eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: false, dataResources: [] }],
        },
      };
    case 'EnableRegion':
    case 'DisableRegion':
      return { params: { regionName: 'ap-east-2' } };
    case 'DeactivateMFADevice':
      return (
        user && {
          params: { userName: user.name, serialNumber: `arn:aws:iam::${p.account}:mfa/${user.name}` },
        }
      );
    case 'DeleteVirtualMFADevice':
      return by('serialNumber', user && `arn:aws:iam::${p.account}:mfa/${user.name}`);
    case 'UpdateStack':
    case 'ExecuteChangeSet':
    case 'DeleteStack':
      return by('stackName', stack?.stackName);
    default:
      if (c.kind === 'role') return by('roleName', role?.name);
      if (c.kind === 'user') return by('userName', user?.name);
      return undefined;
  }
}

/**
 * A record shaped like the real management-event records in CloudTrail (an IAM user with admin rights,
 * CLI user agent, `responseElements` null), for `c` against `t` at `p`.
 */
export function tamperRecord(c: TamperCall, t: Target, p: Place, tooLarge = false): CloudTrailRecord {
  const id = stableUuid(`${c.eventName}|${p.account}|${p.region}|${tooLarge}`);
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEADMIN0000',
      arn: `arn:aws:iam::${p.account}:user/admin`,
      accountId: p.account,
      accessKeyId: 'AKIAEXAMPLEADMIN0000',
      userName: 'admin',
    },
    eventTime: '2026-11-20T03:00:00Z',
    eventSource: c.eventSource,
    eventName: c.eventName,
    awsRegion: p.region,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.17.0 Python/3.12.6 Linux/6.1 exe/x86_64',
    requestParameters: tooLarge ? { omitted: true, originalSize: 131_072 } : t.params,
    responseElements: null,
    requestID: stableUuid(`req|${id}`),
    eventID: id,
    readOnly: false,
    ...(t.resources ? { resources: t.resources } : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: p.account,
    eventCategory: 'Management',
  } as CloudTrailRecord;
}

/** The topics a replay reached a person through, by purpose tag. */
export function purposesReached(model: SystemModel, r: ReplayResult): Set<string> {
  const out = new Set<string>();
  for (const d of r.deliveries) {
    if (!d.humanFacing || d.targetKind !== 'sns') continue;
    const purpose = model.topics.get(d.targetArn)?.purpose;
    if (purpose) out.add(purpose);
  }
  return out;
}

function judge(model: SystemModel, name: string, p: Place, record: CloudTrailRecord): CheckResult {
  const r = replayEvent(model, toEventBridgeEvent(record));
  const reached = purposesReached(model, r);
  const ok = reached.has(TAMPER_PURPOSE);
  const problems = ok
    ? []
    : r.misses.length > 0
      ? [...new Set(r.misses.map((m) => m.reason))]
      : ['no rule of the tamper path matched it: the change would go unnoticed'];
  return {
    family: 'tamper',
    name,
    region: p.region,
    ok,
    problems,
    ...(ok
      ? {
          detail: `alerted through the tamper topic${reached.has(ALERT_PURPOSE) ? ' and the alert topic' : ''}`,
        }
      : {}),
  };
}

/** Does `account` have a tamper path (a bus tagged `breakglass:purpose=tamper-bus`)? */
export function hasTamperPath(model: SystemModel, account: string): boolean {
  return [...model.buses.values()].some(
    (b) => b.account === account && b.tags?.['breakglass:purpose'] === 'tamper-bus',
  );
}

/**
 * Every tamper call × Region × account of the verified principals; IAM and Account calls in us-east-1
 * only. An account without a tamper bus turned tamper alerts off (`tamperAlerts: false`): not checked,
 * as a choice, not a gap; one whose tamper bus is there but whose rules were removed is checked.
 */
export function runTamperChecks(ctx: CheckContext): CheckResult[] {
  const accounts = [...new Set([...ctx.roles, ...ctx.users].map((x) => x.account))].filter((a) =>
    hasTamperPath(ctx.model, a),
  );
  const out: CheckResult[] = [];
  for (const account of accounts) {
    for (const region of ctx.regions) {
      const p = { account, region };
      const here = placeResources(ctx.model, p, ctx);
      for (const c of TAMPER_CALLS) {
        if (c.global && region !== 'us-east-1') continue;
        const t = targetOf(c, here, p);
        if (!t) continue;
        out.push(judge(ctx.model, c.eventName, p, tamperRecord(c, t, p)));
        if (c.kind !== 'any')
          out.push(judge(ctx.model, `${c.eventName} (request too large)`, p, tamperRecord(c, t, p, true)));
      }
    }
  }
  return out;
}

export const TAMPER_CHECKS: CheckFamily = {
  family: 'tamper',
  title: 'Tamper alerts',
  run: runTamperChecks,
};
