/**
 * The resources a delivery passes through after a rule matched: topics and their policies, keys,
 * subscriptions, queues, Lambda permissions, log-group resource policies, API destinations and
 * connections, and CloudWatch alarms. Read from the resolved templates once per model.
 */
import type { ResolvedResource, ResolvedTemplate } from '../../engines/cfn/index.js';
import { definedOnly, isObject, str } from '../json.js';

export interface SubscriptionModel {
  readonly protocol: string;
  readonly endpoint: string;
  /** A filter policy on message attributes (the default scope): messages without attributes never match. */
  readonly attributeFilter?: boolean;
}

/** `FilterPolicy` with scope `MessageAttributes` (the default) that names at least one attribute. */
function filtersOnAttributes(p: Record<string, unknown>): boolean {
  const policy = parseJsonMaybe(p['FilterPolicy']);
  const scope = p['FilterPolicyScope'];
  return (
    isObject(policy) &&
    Object.keys(policy).length > 0 &&
    (scope === undefined || scope === 'MessageAttributes')
  );
}

export interface TopicModel {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  /** `KmsMasterKeyId` as resolved: key ARN, key id, alias name or alias ARN. */
  readonly kmsMasterKeyId?: string;
  /** Statements of every `AWS::SNS::TopicPolicy` / `TopicInlinePolicy` naming this topic. */
  readonly policyStatements: unknown[];
  /** True when some topic policy resource names this topic (else the default policy applies). */
  hasPolicy: boolean;
  readonly subscriptions: SubscriptionModel[];
  /** The `breakglass:purpose` tag (`alert-topic`, `tamper-topic`), when set. */
  readonly purpose?: string;
}

export interface QueueModel {
  readonly arn: string;
  readonly url: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly fifo: boolean;
  readonly kmsMasterKeyId?: string;
  readonly policyStatements: unknown[];
  hasPolicy: boolean;
}

export interface KeyModel {
  readonly arn: string;
  readonly keyId: string;
  readonly account: string;
  readonly region: string;
  readonly policy: unknown;
}

export interface LambdaPermissionModel {
  /** `FunctionName` as resolved: name, ARN or partial ARN. */
  readonly functionName: string;
  readonly action: string;
  readonly principal: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
}

export interface ApiDestinationModel {
  readonly arn: string;
  readonly name: string;
  readonly connectionArn?: string;
  readonly endpoint?: string;
}

export interface AlarmModel {
  readonly arn: string;
  readonly name: string;
  readonly logicalId: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
  /** Metric math (`Metrics`): not judged offline. */
  readonly metricMath: boolean;
  readonly actions: readonly string[];
  readonly statistic?: string;
  /** Seconds. */
  readonly period?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly threshold?: number;
  readonly comparison?: string;
  /** `breaching`, `notBreaching`, `ignore`, `missing` (CloudFormation's default). */
  readonly treatMissingData?: string;
}

/** An `AWS::Logs::MetricFilter` (one metric transformation; CloudFormation allows exactly one). */
export interface MetricFilterModel {
  readonly logicalId: string;
  readonly account: string;
  readonly region: string;
  readonly logGroupName: string;
  readonly filterPattern: string;
  readonly namespace: string;
  readonly metricName: string;
  /** `1`, a number, or `$.field` (the value is read from the event). */
  readonly metricValue: string;
  /** Dimension name → `$.field` whose value the event gives it. */
  readonly dimensions: readonly { readonly key: string; readonly value: string }[];
}

/** An `AWS::Scheduler::Schedule` (what it calls, as whom). */
export interface ScheduleModel {
  readonly logicalId: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly expression: string;
  readonly state: string;
  readonly targetArn: string;
  readonly roleArn: string;
  readonly input: unknown;
}

export interface DeliveryResources {
  readonly topics: ReadonlyMap<string, TopicModel>;
  /** Queues by ARN and by URL (what `Ref` of a queue returns). */
  readonly queues: ReadonlyMap<string, QueueModel>;
  /** Keys by ARN; aliases by `account|region|alias/name` → key ARN. */
  readonly keys: ReadonlyMap<string, KeyModel>;
  readonly keyAliases: ReadonlyMap<string, string>;
  /** Lambda functions: ARN → name. */
  readonly functions: ReadonlyMap<string, string>;
  readonly lambdaPermissions: readonly LambdaPermissionModel[];
  /** `account|region` → statements of every `AWS::Logs::ResourcePolicy` there. */
  readonly logPolicies: ReadonlyMap<string, unknown[]>;
  readonly apiDestinations: ReadonlyMap<string, ApiDestinationModel>;
  readonly connections: ReadonlySet<string>;
  readonly alarms: readonly AlarmModel[];
  readonly metricFilters: readonly MetricFilterModel[];
  readonly schedules: readonly ScheduleModel[];
}

export interface StackPlace {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
}

function parseJsonMaybe(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

export function statementsOf(doc: unknown): unknown[] {
  const d = parseJsonMaybe(doc);
  if (!isObject(d)) return [];
  const st = d['Statement'];
  return Array.isArray(st) ? st : st === undefined ? [] : [st];
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

export const placeKey = (account: string, region: string): string => `${account}|${region}`;

/** Everything after "a rule matched" that the templates describe. Never throws. */
export function collectDeliveryResources(
  resolved: readonly (ResolvedTemplate | undefined)[],
  places: readonly StackPlace[],
): DeliveryResources {
  const topics = new Map<string, TopicModel>();
  const queues = new Map<string, QueueModel>();
  const keys = new Map<string, KeyModel>();
  const keyAliases = new Map<string, string>();
  const functions = new Map<string, string>();
  const lambdaPermissions: LambdaPermissionModel[] = [];
  const logPolicies = new Map<string, unknown[]>();
  const apiDestinations = new Map<string, ApiDestinationModel>();
  const connections = new Set<string>();
  const alarms: AlarmModel[] = [];
  const metricFilters: MetricFilterModel[] = [];
  const schedules: ScheduleModel[] = [];
  const topicOf = (arn: string, account: string, region: string): TopicModel => {
    let t = topics.get(arn);
    if (!t) {
      t = { arn, account, region, policyStatements: [], hasPolicy: false, subscriptions: [] };
      topics.set(arn, t);
    }
    return t;
  };
  const later: { r: ResolvedResource; place: StackPlace }[] = [];

  resolved.forEach((rt, i) => {
    const place = places[i];
    if (!rt || !place) return;
    const { account, region } = place;
    for (const r of rt.resources.values()) {
      const p = r.properties;
      switch (r.type) {
        case 'AWS::SNS::Topic': {
          const arn = str(r.ref) ?? r.arn;
          if (!arn) break;
          const kms = str(p['KmsMasterKeyId']);
          const t = topicOf(arn, account, region);
          const purpose = Array.isArray(p['Tags'])
            ? p['Tags'].filter(isObject).find((tag) => tag['Key'] === 'breakglass:purpose')?.['Value']
            : undefined;
          if (kms || typeof purpose === 'string')
            topics.set(arn, {
              ...t,
              ...(kms ? { kmsMasterKeyId: kms } : {}),
              ...(typeof purpose === 'string' ? { purpose } : {}),
            });
          const inline = Array.isArray(p['Subscription']) ? p['Subscription'].filter(isObject) : [];
          for (const s of inline)
            topicOf(arn, account, region).subscriptions.push({
              protocol: String(s['Protocol']),
              endpoint: String(s['Endpoint']),
            });
          break;
        }
        case 'AWS::SQS::Queue': {
          const arn = r.arn ?? str(r.attributes['Arn']);
          const url = str(r.ref);
          const name = str(r.attributes['QueueName']);
          if (!arn || !url || !name) break;
          const q: QueueModel = {
            arn,
            url,
            name,
            account,
            region,
            fifo: p['FifoQueue'] === true || p['FifoQueue'] === 'true',
            ...(str(p['KmsMasterKeyId']) ? { kmsMasterKeyId: str(p['KmsMasterKeyId']) } : {}),
            policyStatements: [],
            hasPolicy: false,
          };
          queues.set(arn, q);
          queues.set(url, q);
          break;
        }
        case 'AWS::KMS::Key': {
          const arn = r.arn ?? str(r.attributes['Arn']);
          const keyId = str(r.ref);
          if (arn && keyId) keys.set(arn, { arn, keyId, account, region, policy: p['KeyPolicy'] });
          break;
        }
        case 'AWS::Lambda::Function': {
          const arn = r.arn ?? str(r.attributes['Arn']);
          const name = str(r.ref);
          if (arn && name) functions.set(arn, name);
          break;
        }
        case 'AWS::Events::ApiDestination': {
          const arn = r.arn ?? str(r.attributes['Arn']);
          if (!arn) break;
          apiDestinations.set(arn, {
            arn,
            name: str(r.ref) ?? r.logicalId,
            ...(str(p['ConnectionArn']) ? { connectionArn: str(p['ConnectionArn']) } : {}),
            ...(str(p['InvocationEndpoint']) ? { endpoint: str(p['InvocationEndpoint']) } : {}),
          });
          break;
        }
        case 'AWS::Events::Connection': {
          const arn = r.arn ?? str(r.attributes['Arn']);
          if (arn) connections.add(arn);
          break;
        }
        case 'AWS::CloudWatch::Alarm': {
          const arn = r.arn ?? str(r.attributes['Arn']);
          if (!arn) break;
          const dims = Array.isArray(p['Dimensions']) ? p['Dimensions'].filter(isObject) : [];
          alarms.push({
            arn,
            name: str(r.ref) ?? r.logicalId,
            logicalId: r.logicalId,
            stackName: place.stackName,
            account,
            region,
            ...(str(p['Namespace']) ? { namespace: str(p['Namespace']) } : {}),
            ...(str(p['MetricName']) ? { metricName: str(p['MetricName']) } : {}),
            dimensions: dims.map((d) => ({ name: String(d['Name']), value: String(d['Value']) })),
            metricMath: Array.isArray(p['Metrics']),
            actions: strings(p['AlarmActions']),
            ...alarmEvaluation(p),
          });
          break;
        }
        case 'AWS::Logs::MetricFilter': {
          const logGroupName = str(p['LogGroupName']);
          const filterPattern = typeof p['FilterPattern'] === 'string' ? p['FilterPattern'] : undefined;
          const mt = Array.isArray(p['MetricTransformations'])
            ? p['MetricTransformations'].filter(isObject)
            : [];
          for (const m of mt) {
            const namespace = str(m['MetricNamespace']);
            const metricName = str(m['MetricName']);
            if (!logGroupName || filterPattern === undefined || !namespace || !metricName) continue;
            const dims = Array.isArray(m['Dimensions']) ? m['Dimensions'].filter(isObject) : [];
            metricFilters.push({
              logicalId: r.logicalId,
              account,
              region,
              logGroupName,
              filterPattern,
              namespace,
              metricName,
              metricValue: String(m['MetricValue'] ?? ''),
              dimensions: dims.map((d) => ({ key: String(d['Key']), value: String(d['Value']) })),
            });
          }
          break;
        }
        case 'AWS::Scheduler::Schedule': {
          const target = isObject(p['Target']) ? p['Target'] : {};
          const targetArn = str(target['Arn']);
          const roleArn = str(target['RoleArn']);
          if (!targetArn || !roleArn) break;
          schedules.push({
            logicalId: r.logicalId,
            stackName: place.stackName,
            account,
            region,
            expression: String(p['ScheduleExpression'] ?? ''),
            state: String(p['State'] ?? 'ENABLED'),
            targetArn,
            roleArn,
            input: parseJsonMaybe(target['Input']),
          });
          break;
        }
        default:
          later.push({ r, place });
      }
    }
  });

  // Resources that refer to the ones above (policies, subscriptions, aliases, permissions).
  for (const { r, place } of later) {
    const p = r.properties;
    const { account, region } = place;
    switch (r.type) {
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SNS::TopicInlinePolicy': {
        const names = r.type === 'AWS::SNS::TopicPolicy' ? strings(p['Topics']) : strings(p['TopicArn']);
        for (const arn of names) {
          const t = topicOf(arn, account, region);
          t.hasPolicy = true;
          t.policyStatements.push(...statementsOf(p['PolicyDocument']));
        }
        break;
      }
      case 'AWS::SNS::Subscription': {
        const arn = str(p['TopicArn']);
        if (arn)
          topicOf(arn, account, region).subscriptions.push({
            protocol: String(p['Protocol']),
            endpoint: String(p['Endpoint']),
            ...(filtersOnAttributes(p) ? { attributeFilter: true } : {}),
          });
        break;
      }
      case 'AWS::SQS::QueuePolicy':
      case 'AWS::SQS::QueueInlinePolicy': {
        const urls = r.type === 'AWS::SQS::QueuePolicy' ? strings(p['Queues']) : strings(p['Queue']);
        for (const url of urls) {
          const q = queues.get(url);
          if (!q) continue;
          q.hasPolicy = true;
          q.policyStatements.push(...statementsOf(p['PolicyDocument']));
        }
        break;
      }
      case 'AWS::KMS::Alias': {
        const alias = str(p['AliasName']);
        const target = str(p['TargetKeyId']);
        if (!alias || !target) break;
        const key = keys.get(target) ?? [...keys.values()].find((k) => k.keyId === target);
        if (key) keyAliases.set(`${placeKey(account, region)}|${alias}`, key.arn);
        break;
      }
      case 'AWS::Lambda::Permission': {
        const functionName = str(p['FunctionName']);
        if (!functionName) break;
        lambdaPermissions.push({
          functionName,
          action: String(p['Action'] ?? ''),
          principal: String(p['Principal'] ?? ''),
          ...(str(p['SourceArn']) ? { sourceArn: str(p['SourceArn']) } : {}),
          ...(str(p['SourceAccount']) ? { sourceAccount: str(p['SourceAccount']) } : {}),
        });
        break;
      }
      case 'AWS::Logs::ResourcePolicy': {
        const k = placeKey(account, region);
        logPolicies.set(k, [...(logPolicies.get(k) ?? []), ...statementsOf(p['PolicyDocument'])]);
        break;
      }
      default:
        break;
    }
  }
  return {
    topics,
    queues,
    keys,
    keyAliases,
    functions,
    lambdaPermissions,
    logPolicies,
    apiDestinations,
    connections,
    alarms,
    metricFilters,
    schedules,
  };
}

/** How an `AWS::CloudWatch::Alarm` evaluates its metric (numbers as CloudFormation may give them: strings). */
function alarmEvaluation(p: Record<string, unknown>): Partial<AlarmModel> {
  const num = (v: unknown): number | undefined => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : undefined;
  };
  return definedOnly({
    statistic: str(p['Statistic']),
    period: num(p['Period']),
    evaluationPeriods: num(p['EvaluationPeriods']),
    datapointsToAlarm: num(p['DatapointsToAlarm']),
    threshold: num(p['Threshold']),
    comparison: str(p['ComparisonOperator']),
    treatMissingData: str(p['TreatMissingData']),
  });
}
