/**
 * Every hop AWS needs between "a rule matched" and "a person is told": the target's resource policy,
 * its encryption key, its subscriptions or endpoint, the target role, the rendered body and the
 * dead-letter queue. Each check names the hop it judges and the AWS page that says so.
 *
 * Checks are pure functions of the model, the rule and the target; `targets.ts` combines them into one
 * verdict per target, and `alarms.ts` reuses the topic check for alarm actions.
 */
import type { ContextValue, Decision } from '../../engines/iam-policy/index.js';
import { policyDecision } from '../policy.js';
import type { RuleModel, SystemModel, TargetModel } from '../model.js';
import { DOCS, fail, type HopFailure, type HopName } from './hop.js';
import { placeKey, type KeyModel, type QueueModel, type TopicModel } from './resources.js';

export const EVENTS = 'events.amazonaws.com';

export const arnPart = (arn: string, i: number): string => arn.split(':')[i] ?? '';
export const lastSegment = (arn: string): string => arn.split(/[:/]/).pop() ?? arn;

/** The context a service principal's call carries when it acts for a resource of yours. */
export function serviceContext(sourceArn: string, sourceAccount: string): Record<string, ContextValue> {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn
  return { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': sourceAccount, 'aws:SecureTransport': true };
}

/** One policy document per statement list, so the evaluator's parse cache (by identity) is reused. */
const documents = new WeakMap<readonly unknown[], unknown>();
export function documentOf(statements: readonly unknown[]): unknown {
  let d = documents.get(statements);
  if (!d) {
    d = { Version: '2012-10-17', Statement: statements };
    documents.set(statements, d);
  }
  return d;
}

function allowedBy(
  statements: readonly unknown[],
  action: string,
  resource: string,
  service: string,
  context: Record<string, ContextValue>,
): Decision {
  if (statements.length === 0) return 'ImplicitDeny';
  return policyDecision(documentOf(statements), {
    action,
    resource,
    principal: { type: 'Service', id: service },
    context,
  });
}

// ---------------------------------------------------------------------------------------------
// Keys

export const AWS_MANAGED = /(^|:)alias\/aws\//;

/** The key a `KmsMasterKeyId` names: key ARN, key id, alias name or alias ARN. */
export function resolveKey(
  model: SystemModel,
  keyRef: string,
  account: string,
  region: string,
): KeyModel | undefined {
  const { keys, keyAliases } = model.delivery;
  const direct = keys.get(keyRef);
  if (direct) return direct;
  const aliasArn = /^arn:[^:]+:kms:([^:]*):([^:]*):(alias\/.+)$/.exec(keyRef);
  const aliasKey = aliasArn
    ? `${placeKey(aliasArn[2] ?? '', aliasArn[1] ?? '')}|${aliasArn[3]}`
    : keyRef.startsWith('alias/')
      ? `${placeKey(account, region)}|${keyRef}`
      : undefined;
  if (aliasKey) {
    const arn = keyAliases.get(aliasKey);
    return arn ? keys.get(arn) : undefined;
  }
  return [...keys.values()].find((k) => k.keyId === keyRef && k.account === account && k.region === region);
}

/**
 * May `service` use the key of an encrypted topic or queue? The service needs kms:GenerateDataKey* and
 * kms:Decrypt in a customer managed key's policy; AWS managed keys (`alias/aws/sns`, `alias/aws/sqs`)
 * cannot be given to a service at all (SNS Developer Guide, "Enable compatibility between event sources
 * from AWS services and encrypted topics"; SQS Developer Guide, same section).
 * For EventBridge publishing to an encrypted topic, `aws:SourceAccount`, `aws:SourceArn` and
 * `aws:SourceOrgID` in the key policy are not supported: the request is evaluated without them, so a
 * statement that needs them never applies.
 */
export function keyAllows(
  model: SystemModel,
  keyRef: string,
  what: {
    service: string;
    account: string;
    region: string;
    context: Record<string, ContextValue>;
    topic: boolean;
  },
): HopFailure | undefined {
  const doc = what.topic ? DOCS.snsKeys : DOCS.sqsKeys;
  if (AWS_MANAGED.test(keyRef))
    return fail(
      'key policy',
      `${keyRef} is an AWS managed key; its policy cannot let ${what.service} use it; encrypt with a customer managed key`,
      doc,
    );
  const key = resolveKey(model, keyRef, what.account, what.region);
  if (!key)
    return fail(
      'key policy',
      `key ${keyRef} is not in the templates; its key policy cannot be checked offline`,
      doc,
    );
  const eventBridgeToTopic = what.topic && what.service === EVENTS;
  const context: Record<string, ContextValue> = { ...what.context };
  if (eventBridgeToTopic) {
    delete context['aws:SourceArn'];
    delete context['aws:SourceAccount'];
    delete context['aws:SourceOrgID'];
  }
  const statements = keyStatements(key);
  for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
    const d = allowedBy(statements, action, key.arn, what.service, context);
    if (d === 'Allow') continue;
    const withKeys =
      eventBridgeToTopic && allowedBy(statements, action, key.arn, what.service, what.context) === 'Allow';
    return fail(
      'key policy',
      withKeys
        ? `key ${key.arn} lets ${what.service} ${action} only under an aws:SourceAccount / aws:SourceArn / aws:SourceOrgID condition, which is not supported for EventBridge to an encrypted topic; allow ${what.service} without those conditions`
        : `key ${key.arn} does not let ${what.service} ${action} (${d})`,
      doc,
    );
  }
  return undefined;
}

const keyStatementLists = new WeakMap<KeyModel, unknown[]>();
export function keyStatements(key: KeyModel): unknown[] {
  let list = keyStatementLists.get(key);
  if (!list) {
    const p = typeof key.policy === 'string' ? safeParse(key.policy) : key.policy;
    const st = typeof p === 'object' && p !== null ? (p as Record<string, unknown>)['Statement'] : undefined;
    list = Array.isArray(st) ? st : st === undefined ? [] : [st];
    keyStatementLists.set(key, list);
  }
  return list;
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Topics

/**
 * Protocols that reach a person. A Lambda subscription counts: it is code the owner wrote to notify
 * someone, and what it does is beyond an offline check. SQS and Firehose subscriptions only store the
 * message for a program to read, so they do not.
 */
const HUMAN_PROTOCOLS: ReadonlySet<string> = new Set([
  'email',
  'email-json',
  'sms',
  'http',
  'https',
  'application',
  'lambda',
]);

export function subscriptionEndpoint(topic: TopicModel): HopFailure | string {
  const readers = topic.subscriptions.filter((s) => HUMAN_PROTOCOLS.has(s.protocol.toLowerCase()));
  // A filter policy on message attributes needs every attribute it names on the message; EventBridge's SNS
  // target and CloudWatch alarm actions publish none (the Target API has no message-attribute parameter).
  const human = readers.filter((s) => !s.attributeFilter);
  if (human.length === 0 && readers.length > 0)
    return fail(
      'subscriptions',
      `every subscription of topic ${topic.arn} that a person reads (${readers.map((s) => `${s.protocol} ${s.endpoint}`).join(', ')}) has a filter policy on message attributes, and the alert carries none, so nobody receives it`,
      'https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html',
    );
  if (human.length === 0) {
    const others = topic.subscriptions.map((s) => s.protocol);
    return fail(
      'subscriptions',
      others.length === 0
        ? `topic ${topic.arn} has no subscription in the templates: an alert published there reaches nobody; subscribe an email address, SMS number or HTTPS endpoint`
        : `topic ${topic.arn} has only ${[...new Set(others)].join(', ')} subscriptions, which a program reads, not a person; subscribe an email address, SMS number or HTTPS endpoint`,
      DOCS.subscriptions,
    );
  }
  // Email subscriptions stay pending until a person clicks the link; the templates cannot show that.
  return human.map((s) => `${s.protocol} ${s.endpoint}`).join(', ');
}

/** May `service` publish to `topic` for `sourceArn`, with its key, and does someone read the topic? */
export function topicReachesPerson(
  model: SystemModel,
  topicArn: string,
  service: string,
  source: { arn: string; account: string },
): HopFailure | string {
  const topic = model.delivery.topics.get(topicArn);
  if (!topic)
    return fail(
      'topic policy',
      `topic ${topicArn} is not in the templates; its policy, key and subscriptions cannot be checked offline`,
      DOCS.resourcePolicies,
    );
  const context = serviceContext(source.arn, source.account);
  if (topic.hasPolicy) {
    const d = allowedBy(topic.policyStatements, 'sns:Publish', topic.arn, service, context);
    if (d !== 'Allow')
      return fail(
        'topic policy',
        `the policy of topic ${topic.arn} does not let ${service} sns:Publish for ${source.arn} (${d})`,
        DOCS.resourcePolicies,
      );
  } else if (service === EVENTS || topic.account !== source.account) {
    // The default topic policy names only the owner account's principals, never EventBridge.
    return fail(
      'topic policy',
      `topic ${topic.arn} has no topic policy in the templates, and the default policy does not let ${service} sns:Publish`,
      DOCS.resourcePolicies,
    );
  }
  if (topic.kmsMasterKeyId) {
    const k = keyAllows(model, topic.kmsMasterKeyId, {
      service,
      account: topic.account,
      region: topic.region,
      context,
      topic: true,
    });
    if (k) return k;
  }
  return subscriptionEndpoint(topic);
}

// ---------------------------------------------------------------------------------------------
// Queues (targets and dead-letter queues)

export function queueAccepts(
  model: SystemModel,
  queue: QueueModel,
  rule: RuleModel,
  hop: HopName,
): HopFailure | undefined {
  const context = serviceContext(rule.arn, rule.account);
  const d = queue.hasPolicy
    ? allowedBy(queue.policyStatements, 'sqs:SendMessage', queue.arn, EVENTS, context)
    : 'ImplicitDeny';
  if (d !== 'Allow')
    return fail(
      hop,
      queue.hasPolicy
        ? `the policy of queue ${queue.arn} does not let ${EVENTS} sqs:SendMessage for rule ${rule.arn} (${d})`
        : `queue ${queue.arn} has no queue policy in the templates, so ${EVENTS} may not sqs:SendMessage`,
      hop === 'dead-letter queue' ? DOCS.dlq : DOCS.resourcePolicies,
    );
  if (queue.kmsMasterKeyId) {
    const k = keyAllows(model, queue.kmsMasterKeyId, {
      service: EVENTS,
      account: queue.account,
      region: queue.region,
      context,
      topic: false,
    });
    if (k) return hop === 'dead-letter queue' ? { ...k, hop, message: `key of the queue: ${k.message}` } : k;
  }
  return undefined;
}

/**
 * A target's dead-letter queue: a standard queue in the rule's Region whose policy lets EventBridge
 * send for this rule (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 */
export function deadLetterCheck(
  model: SystemModel,
  rule: RuleModel,
  target: TargetModel,
): HopFailure | undefined {
  if (!dlqVerdicts.has(target)) dlqVerdicts.set(target, deadLetterUncached(model, rule, target));
  return dlqVerdicts.get(target);
}

const dlqVerdicts = new WeakMap<TargetModel, HopFailure | undefined>();

function deadLetterUncached(
  model: SystemModel,
  rule: RuleModel,
  target: TargetModel,
): HopFailure | undefined {
  const arn = target.deadLetterArn;
  if (!arn) return undefined;
  const where = `target ${target.id} of rule ${rule.name}`;
  if (arnPart(arn, 3) !== rule.region)
    return fail(
      'dead-letter queue',
      `${where}: queue ${arn} is in ${arnPart(arn, 3)}, the rule in ${rule.region}; a dead-letter queue must be in the rule's Region`,
      DOCS.dlq,
    );
  const queue = model.delivery.queues.get(arn);
  if (!queue)
    return fail(
      'dead-letter queue',
      `${where}: queue ${arn} is not in the templates; its policy cannot be checked offline`,
      DOCS.dlq,
    );
  if (queue.fifo)
    return fail(
      'dead-letter queue',
      `${where}: queue ${arn} is a FIFO queue; EventBridge dead-letter queues are standard queues`,
      DOCS.dlq,
    );
  const f = queueAccepts(model, queue, rule, 'dead-letter queue');
  return f ? { ...f, message: `${where}: ${f.message}` } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Roles

/** Does `roleArn` trust EventBridge for `rule`, and do its identity policies allow `action` on `resource`? */
export function roleAllows(
  model: SystemModel,
  rule: RuleModel,
  roleArn: string,
  action: string,
  resource: string,
): string | undefined {
  const role = model.roles.get(roleArn);
  if (!role) return `target role ${roleArn} is not in the templates; cannot show it may ${action}`;
  const trust = policyDecision(role.trustPolicy, {
    action: 'sts:AssumeRole',
    resource: role.arn,
    principal: { type: 'Service', id: EVENTS },
    context: serviceContext(rule.arn, rule.account),
  });
  if (trust !== 'Allow') return `target role ${role.name} does not trust ${EVENTS} (${trust})`;
  const decisions = role.policies.map((doc) =>
    policyDecision(doc, {
      action,
      resource,
      principal: { type: 'AWS', id: role.arn },
      context: { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.account },
    }),
  );
  const d: Decision = decisions.includes('ExplicitDeny')
    ? 'ExplicitDeny'
    : decisions.includes('Allow')
      ? 'Allow'
      : 'ImplicitDeny';
  if (d !== 'Allow') return `target role ${role.name} is not allowed ${action} on ${resource} (${d})`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Targets

/** The function's resource policy, as its `AWS::Lambda::Permission` resources make it. */
export function lambdaStatements(model: SystemModel, functionArn: string): unknown[] {
  const name = model.delivery.functions.get(functionArn) ?? lastSegment(functionArn);
  const names = new Set([functionArn, name, `function:${name}`]);
  return model.delivery.lambdaPermissions
    .filter((p) => names.has(p.functionName) || p.functionName.endsWith(`:function:${name}`))
    .map((p) => ({
      Effect: 'Allow',
      Principal:
        /^\d{12}$/.test(p.principal) || p.principal === '*' ? { AWS: p.principal } : { Service: p.principal },
      Action: p.action,
      Resource: functionArn,
      ...(p.sourceArn || p.sourceAccount
        ? {
            Condition: {
              ...(p.sourceArn ? { ArnLike: { 'aws:SourceArn': p.sourceArn } } : {}),
              ...(p.sourceAccount ? { StringEquals: { 'aws:SourceAccount': p.sourceAccount } } : {}),
            },
          }
        : {}),
    }));
}

export function lambdaAllows(
  model: SystemModel,
  rule: RuleModel,
  functionArn: string,
): HopFailure | undefined {
  const d = allowedBy(
    lambdaStatements(model, functionArn),
    'lambda:InvokeFunction',
    functionArn,
    EVENTS,
    serviceContext(rule.arn, rule.account),
  );
  return d === 'Allow'
    ? undefined
    : fail(
        'lambda permission',
        `no AWS::Lambda::Permission lets ${EVENTS} lambda:InvokeFunction ${functionArn} for rule ${rule.arn} (${d})`,
        DOCS.lambda,
      );
}

/**
 * A log group target: EventBridge creates a log stream and puts the event, allowed only by a CloudWatch Logs
 * resource policy in the log group's account and Region (the EventBridge guide's example names both
 * events.amazonaws.com and delivery.logs.amazonaws.com; either is accepted here).
 */
export function logGroupAllows(
  model: SystemModel,
  rule: RuleModel,
  targetArn: string,
): HopFailure | undefined {
  const group = targetArn.replace(/:\*$/, '');
  const statements = model.delivery.logPolicies.get(placeKey(arnPart(group, 4), arnPart(group, 3))) ?? [];
  const stream = `${group}:log-stream:eventbridge`;
  const context = serviceContext(rule.arn, rule.account);
  for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
    const ds = [EVENTS, 'delivery.logs.amazonaws.com'].map((s) =>
      allowedBy(statements, action, stream, s, context),
    );
    if (ds[0] === 'ExplicitDeny' || !ds.includes('Allow'))
      return fail(
        'log group policy',
        statements.length === 0
          ? `no CloudWatch Logs resource policy in ${arnPart(group, 4)}/${arnPart(group, 3)} lets EventBridge write to ${group}`
          : `the CloudWatch Logs resource policies of ${arnPart(group, 4)}/${arnPart(group, 3)} do not let EventBridge ${action} on ${group} (${ds[0]})`,
        DOCS.logs,
      );
  }
  return undefined;
}

export function apiDestinationEndpoint(
  model: SystemModel,
  rule: RuleModel,
  target: TargetModel,
): HopFailure | string {
  const dest = model.delivery.apiDestinations.get(target.arn);
  if (!dest)
    return fail(
      'api destination',
      `API destination ${target.arn} is not in the templates; its connection and endpoint cannot be checked`,
      DOCS.apiDestinations,
    );
  if (!dest.connectionArn || !model.delivery.connections.has(dest.connectionArn))
    return fail(
      'api destination',
      `API destination ${dest.name}: its connection ${dest.connectionArn ?? '(none)'} is not in the templates`,
      DOCS.apiDestinations,
    );
  // An API destination target needs a role EventBridge assumes that allows events:InvokeApiDestination.
  if (!target.roleArn)
    return fail(
      'target role',
      `API destination target ${target.id} of rule ${rule.name} has no RoleArn; EventBridge needs a role allowed events:InvokeApiDestination`,
      DOCS.apiDestinations,
    );
  const denied = roleAllows(model, rule, target.roleArn, 'events:InvokeApiDestination', dest.arn);
  if (denied) return fail('target role', denied, DOCS.apiDestinations);
  return `HTTPS ${dest.endpoint ?? dest.name}`;
}
