/**
 * Event patterns of the tamper alerts: CloudTrail records of calls that could silence break-glass
 * alerting, made against OUR resources (by name or ARN where the record carries it) or, for CloudTrail,
 * against any trail. Shared by the constructs (rules) and the verifier (which events to replay).
 *
 * Our resources are recognised by:
 * - the physical-name prefix CloudFormation gives every resource it names: `<stack name>-<logical id>-<suffix>`
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html). The
 *   regional stacks are named `<main stack>-<Region>`, so one prefix covers every stack of a deployment;
 *   CloudFormation shortens a long stack name inside a generated name, hence the prefix is at most
 *   {@link PREFIX_MAX} characters of the main stack's name.
 * - explicit names and ARNs: the break-glass roles and users, the central buses, the keys.
 *
 * Records whose `requestParameters` CloudTrail left out because they were too large (it then sets
 * `omitted: true` in the field, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
 * cannot be matched by resource: they alert for every tamper call of that service.
 */

/** Raw event pattern (as in a CloudFormation template). */
export type TamperPattern = Record<string, unknown>;

/** Longest stack-name prefix CloudFormation keeps in a generated name (64-character names, long logical ids). */
export const PREFIX_MAX = 23;

export interface TamperTargets {
  /** Name prefix of every CloudFormation-named resource of the deployment (`BreakGlass-`). */
  readonly prefix: string;
  /** Further name prefixes (log groups named by path, `/breakglass/`). */
  readonly namePrefixes: readonly string[];
  /** Names given explicitly: the central buses, log groups named by path, … */
  readonly names: readonly string[];
  /** ARNs of the keys encrypting the topics (KMS records carry the key ARN in `resources`). */
  readonly keyArns: readonly string[];
  readonly roleNames: readonly string[];
  readonly userNames: readonly string[];
}

/** One tamper call: service, action and the request fields that name the resource. */
export interface TamperCall {
  readonly eventSource: string;
  readonly eventName: string;
  /** Request fields naming the resource (`name`, `topicArn`, …); empty = any resource (CloudTrail, Account). */
  readonly fields: readonly string[];
  /** How the field names it: a name (prefix / exact names) or an ARN ending in a name. */
  readonly kind: 'name' | 'arn' | 'key' | 'role' | 'user' | 'any';
  /** Only in us-east-1 (IAM and Account events). */
  readonly global?: boolean;
  /** A group of calls sharing one rule. */
  readonly group: TamperGroup;
}

export type TamperGroup =
  'events' | 'sns' | 'kms' | 'alarms' | 'logs' | 'cloudtrail' | 'iam' | 'cloudformation';

const call = (
  group: TamperGroup,
  service: string,
  names: readonly string[],
  fields: readonly string[],
  kind: TamperCall['kind'],
  global = false,
): TamperCall[] =>
  names.map((eventName) => ({
    eventSource: `${service}.amazonaws.com`,
    eventName,
    fields,
    kind,
    group,
    ...(global ? { global } : {}),
  }));

/**
 * Every tamper call, with the request field that names the resource (from each API's request syntax;
 * CloudTrail records request parameters under the API's parameter names in lower camel case).
 */
export const TAMPER_CALLS: readonly TamperCall[] = [
  // EventBridge: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html
  ...call('events', 'events', ['DisableRule', 'DeleteRule', 'PutRule'], ['name'], 'name'),
  ...call('events', 'events', ['RemoveTargets', 'PutTargets'], ['rule'], 'name'),
  ...call('events', 'events', ['DeleteEventBus'], ['name'], 'name'),
  ...call('events', 'events', ['PutPermission', 'RemovePermission'], ['eventBusName'], 'name'),
  ...call(
    'events',
    'events',
    ['DeleteConnection', 'UpdateConnection', 'DeleteApiDestination', 'UpdateApiDestination'],
    ['name'],
    'name',
  ),
  // SNS: https://docs.aws.amazon.com/sns/latest/api/API_Operations.html (Unsubscribe, SNS's only call
  // deleting a subscription — there is no DeleteSubscription — names the
  // subscription, whose ARN is the topic ARN followed by `:<id>`).
  ...call('sns', 'sns', ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission'], ['topicArn'], 'arn'),
  ...call('sns', 'sns', ['Unsubscribe'], ['subscriptionArn'], 'arn'),
  // KMS: https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html
  ...call('kms', 'kms', ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'], ['keyId'], 'key'),
  // CloudWatch alarms, CloudWatch Logs, the dead-letter queues.
  ...call('alarms', 'monitoring', ['DeleteAlarms', 'DisableAlarmActions'], ['alarmNames'], 'name'),
  ...call('alarms', 'monitoring', ['PutMetricAlarm'], ['alarmName'], 'name'),
  ...call(
    'logs',
    'logs',
    ['DeleteLogGroup', 'PutRetentionPolicy', 'DeleteMetricFilter'],
    ['logGroupName'],
    'name',
  ),
  ...call('logs', 'logs', ['DeleteResourcePolicy'], ['policyName'], 'name'),
  ...call('logs', 'sqs', ['DeleteQueue', 'PurgeQueue', 'SetQueueAttributes'], ['queueUrl'], 'arn'),
  // CloudTrail, any trail: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-api.html
  ...call(
    'cloudtrail',
    'cloudtrail',
    ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors'],
    [],
    'any',
  ),
  // Account (us-east-1): a Region enabled where nobody listens, or one disabled.
  ...call('cloudtrail', 'account', ['EnableRegion', 'DisableRegion'], [], 'any', true),
  // IAM (us-east-1): the break-glass roles and users, and the deployment's own roles.
  ...call(
    'iam',
    'iam',
    [
      'UpdateAssumeRolePolicy',
      'PutRolePolicy',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'DeleteRolePolicy',
      'DeleteRole',
      'UpdateRole',
      'PutRolePermissionsBoundary',
      'DeleteRolePermissionsBoundary',
    ],
    ['roleName'],
    'role',
    true,
  ),
  ...call(
    'iam',
    'iam',
    ['CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'DeactivateMFADevice'],
    ['userName'],
    'user',
    true,
  ),
  // DeleteVirtualMFADevice names the device (`arn:…:mfa/<device name>`), not the user: matched when the
  // device is named after a break-glass user (what the README's setup step does).
  ...call('iam', 'iam', ['DeleteVirtualMFADevice'], ['serialNumber'], 'user', true),
  // CloudFormation: the break-glass stacks (name or stack id).
  ...call(
    'cloudformation',
    'cloudformation',
    ['UpdateStack', 'ExecuteChangeSet', 'DeleteStack'],
    ['stackName'],
    'name',
  ),
];

/** The calls a Region's rules watch: IAM and Account only in us-east-1 (where their records arrive). */
export function callsFor(region: string): TamperCall[] {
  return TAMPER_CALLS.filter((c) => !c.global || region === 'us-east-1');
}

/** The values a field of `call` must match to name one of `t`'s resources. */
function matchers(c: TamperCall, t: TamperTargets): unknown[] {
  switch (c.kind) {
    case 'name':
      return [
        ...[t.prefix, ...t.namePrefixes].map((prefix) => ({ prefix })),
        ...t.names,
        { wildcard: `arn:*:*/${t.prefix}*` },
      ];
    case 'arn':
      // Topic, subscription and queue ARNs / URLs: the resource name is after the last ':' or '/'.
      return [{ wildcard: `*:${t.prefix}*` }, { wildcard: `*/${t.prefix}*` }];
    case 'key':
      return [...t.keyArns];
    case 'role':
      return [...t.roleNames, { prefix: t.prefix }];
    case 'user':
      return [...t.userNames, ...t.userNames.map((u) => ({ wildcard: `arn:*:iam::*:mfa/${u}` }))];
    case 'any':
      return [];
  }
}

/** CDK tokens stand for values up to this long once resolved (ARNs, generated names). */
const TOKEN_CHARS = 128;
const TOKEN_RE = /\$\{Token\[[^\]]+\]\}/g;

/** Characters of `pattern` once deployed, estimated high (each token counts {@link TOKEN_CHARS}). */
export function patternChars(pattern: unknown): number {
  return JSON.stringify(pattern).replace(TOKEN_RE, 'x'.repeat(TOKEN_CHARS)).length;
}

/** Request-parameter branches of the calls of one group (empty when none of ours can be named). */
function branchesOf(mine: readonly TamperCall[], t: TamperTargets): TamperPattern[] {
  const branches: TamperPattern[] = [];
  // Calls sharing service, field and matcher kind share one branch.
  const keyOf = (c: TamperCall) => `${c.eventSource}|${c.fields.join(',')}|${c.kind}`;
  for (const key of [...new Set(mine.map(keyOf))]) {
    const same = mine.filter((c) => keyOf(c) === key);
    const first = same[0] as TamperCall;
    const base = { eventSource: [first.eventSource], eventName: same.map((c) => c.eventName) };
    if (first.kind === 'any') {
      branches.push({ ...base });
      continue;
    }
    const values = matchers(first, t);
    // None of ours to name (no keys in this Region, no break-glass users): nothing to watch.
    if (values.length === 0) continue;
    if (first.kind === 'key') {
      branches.push({ ...base, resources: { ARN: values } });
      branches.push({ ...base, requestParameters: { keyId: values } });
    } else {
      for (const f of first.fields) branches.push({ ...base, requestParameters: { [f]: values } });
    }
    // Request parameters too large for the record: no resource to check, alert anyway.
    branches.push({ ...base, requestParameters: { omitted: [true] } });
  }
  return branches;
}

/**
 * The event patterns of `calls`, as few as fit: groups are packed in order into patterns of at most
 * `maxChars` characters once deployed (EventBridge's default limit is 2,048; fewer rules, fewer
 * alarms). Keys name the groups a pattern holds (`EventsSns`), stable across synths.
 */
export function tamperPatterns(
  calls: readonly TamperCall[],
  t: TamperTargets,
  maxChars = 2000,
): Map<string, TamperPattern> {
  const out = new Map<string, TamperPattern>();
  let names: string[] = [];
  let branches: TamperPattern[] = [];
  const flush = () => {
    let key = names.join('');
    for (let i = 2; out.has(key); i++) key = `${names.join('')}${i}`;
    if (branches.length > 0) out.set(key, toPattern(branches));
    names = [];
    branches = [];
  };
  for (const g of [...new Set(calls.map((c) => c.group))]) {
    const name = g.charAt(0).toUpperCase() + g.slice(1);
    for (const branch of branchesOf(
      calls.filter((c) => c.group === g),
      t,
    )) {
      if (branches.length > 0 && patternChars(toPattern([...branches, branch])) > maxChars) flush();
      if (names[names.length - 1] !== name) names.push(name);
      branches.push(branch);
    }
  }
  flush();
  return out;
}

/**
 * `{detail-type, detail: {$or: [{eventSource, eventName, …}, …]}}`. No `source`: the record's
 * `eventSource` names the service exactly (the event's `source` is not always `aws.<service>`).
 */
function toPattern(branches: readonly TamperPattern[]): TamperPattern {
  return {
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: branches.length === 1 ? branches[0] : { $or: branches },
  };
}
