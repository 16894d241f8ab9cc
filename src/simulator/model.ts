import {
  isUnresolved,
  resolveStacks,
  type ResolvedResource,
  type ResolvedTemplate,
} from '../engines/cfn/index.js';
import { compilePatternCached, type CompiledPattern } from '../engines/event-pattern/index.js';
import type { InputTransformer } from '../engines/input-transformer/index.js';
import { TAG_BREAKGLASS_ROLE, TAG_BREAKGLASS_USER } from '../engines/conventions.js';
import type { StackInput } from './assembly.js';
import { collectDeliveryResources, type DeliveryResources, type TopicModel } from './delivery/resources.js';
import { isObject, str } from './json.js';
import { collectTrails, type TrailModel } from './trails.js';

export type { TopicModel } from './delivery/resources.js';

/** Rule states (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html). */
export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export type TargetKind = 'sns' | 'sqs' | 'lambda' | 'logs' | 'event-bus' | 'api-destination' | 'other';

export interface TargetModel {
  readonly id: string;
  readonly arn: string;
  readonly kind: TargetKind;
  readonly input?: string;
  readonly inputPath?: string;
  readonly inputTransformer?: InputTransformer;
  readonly roleArn?: string;
  readonly deadLetterArn?: string;
  readonly retryAttempts?: number;
  /** `HttpParameters.HeaderParameters` (API destination targets). */
  readonly httpHeaders?: Readonly<Record<string, string>>;
}

export interface RuleModel {
  readonly arn: string;
  readonly name: string;
  readonly logicalId: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly busArn: string;
  readonly state: RuleState;
  readonly pattern?: CompiledPattern;
  /** Why the rule can never match (no pattern, invalid or unresolved pattern). */
  readonly problem?: string;
  readonly targets: readonly TargetModel[];
}

export interface BusModel {
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** Resource-policy statements (from `AWS::Events::EventBus.Policy` and `AWS::Events::EventBusPolicy`). */
  readonly policyStatements: unknown[];
  readonly rules: RuleModel[];
  /** The bus's tags (`breakglass:purpose=tamper-bus` marks the tamper path's bus), when it has any. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface RoleModel {
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly trustPolicy: unknown;
  /** Identity-policy documents attached inline or via `AWS::IAM::Policy`/`ManagedPolicy` in the same templates. */
  readonly policies: unknown[];
  /** Managed policy ARNs that cannot be read offline (AWS managed policies). */
  readonly managedPolicyArns: string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly breakGlass: boolean;
}

export interface UserModel {
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  readonly stackName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly policies: unknown[];
  readonly breakGlass: boolean;
}

export interface ModelIssue {
  readonly stackName: string;
  readonly message: string;
}

/** The deployed system as the templates describe it, per account and Region. */
export interface SystemModel {
  readonly stacks: readonly {
    readonly stackName: string;
    readonly account: string;
    readonly region: string;
  }[];
  readonly buses: ReadonlyMap<string, BusModel>;
  readonly roles: ReadonlyMap<string, RoleModel>;
  readonly users: ReadonlyMap<string, UserModel>;
  readonly topics: ReadonlyMap<string, TopicModel>;
  /** What a delivery passes through after a rule matched (policies, keys, subscriptions, alarms, …). */
  readonly delivery: DeliveryResources;
  /** CloudTrail trails (which data events reach EventBridge: see `trails.ts`). */
  readonly trails: readonly TrailModel[];
  /** Things that could not be resolved or understood; reported, never fatal. */
  readonly issues: readonly ModelIssue[];
  /** Account → its AWS Organizations id, for the accounts whose stacks say (`StackInput.organizationId`). */
  readonly organizationOf?: ReadonlyMap<string, string>;
}

export function defaultBusArn(account: string, region: string, partition = 'aws'): string {
  return `arn:${partition}:events:${region}:${account}:event-bus/default`;
}

/** Kind of an EventBridge target from its ARN. */
export function targetKindOf(arn: string): TargetKind {
  const m = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.*)$/.exec(arn);
  if (!m) return 'other';
  const [, service, rest = ''] = m;
  if (service === 'sns') return 'sns';
  if (service === 'sqs') return 'sqs';
  if (service === 'lambda') return 'lambda';
  if (service === 'logs') return 'logs';
  if (service === 'events' && rest.startsWith('event-bus/')) return 'event-bus';
  if (service === 'events' && rest.startsWith('api-destination/')) return 'api-destination';
  return 'other';
}

function stringValues(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function tagsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const t of v)
      if (isObject(t) && typeof t['Key'] === 'string') out[t['Key']] = String(t['Value'] ?? '');
  }
  return out;
}

/** Parses a rule's EventPattern (object or JSON string, as CloudFormation accepts both). */
function compileRulePattern(raw: unknown): { pattern?: CompiledPattern; problem?: string } {
  if (raw === undefined)
    return { problem: 'rule has no EventPattern (scheduled or invalid) and never matches events' };
  if (containsUnresolved(raw)) return { problem: 'EventPattern contains values that could not be resolved' };
  try {
    // Object or JSON text, as CloudFormation accepts both; cached so each bus's rule set reuses it.
    return { pattern: compilePatternCached(raw) };
  } catch (e) {
    return { problem: `EventPattern is invalid: ${(e as Error).message}` };
  }
}

function containsUnresolved(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (isUnresolved(v)) return true;
  if (Array.isArray(v)) return v.some((x) => containsUnresolved(x, depth + 1));
  if (isObject(v)) return Object.values(v).some((x) => containsUnresolved(x, depth + 1));
  return false;
}

function ruleState(v: unknown): RuleState {
  if (v === 'DISABLED' || v === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') return v;
  return 'ENABLED'; // CloudFormation's default for AWS::Events::Rule State.
}

function busArnFromName(nameOrArn: unknown, account: string, region: string): string {
  const s = str(nameOrArn);
  if (!s || s === 'default') return defaultBusArn(account, region);
  if (s.startsWith('arn:')) return s;
  return `arn:aws:events:${region}:${account}:event-bus/${s}`;
}

function parseJsonMaybe(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function statementsOf(doc: unknown): unknown[] {
  const d = parseJsonMaybe(doc);
  if (!isObject(d)) return [];
  const st = d['Statement'];
  return Array.isArray(st) ? st : st === undefined ? [] : [st];
}

/** Name, ARN, tags and inline policies of an `AWS::IAM::Role` / `AWS::IAM::User`. */
function iamIdentity(
  r: ResolvedResource,
  kind: 'role' | 'user',
  account: string,
): { name: string; arn: string; tags: Record<string, string>; inline: unknown[] } {
  const p = r.properties;
  const name =
    str(p[kind === 'role' ? 'RoleName' : 'UserName']) ?? str(r.physicalName) ?? str(r.ref) ?? r.logicalId;
  const arn = str(r.attributes['Arn']) ?? r.arn ?? `arn:aws:iam::${account}:${kind}/${name}`;
  const inline = Array.isArray(p['Policies'])
    ? p['Policies'].filter(isObject).map((x) => parseJsonMaybe(x['PolicyDocument']))
    : [];
  return { name, arn, tags: tagsOf(p['Tags']), inline };
}

/** Resolves the stacks and builds the model. Never throws on what it does not understand: see `issues`. */
export function buildModel(stacks: readonly StackInput[]): SystemModel {
  const resolved: ResolvedTemplate[] = resolveStacks(
    stacks.map((s) => ({
      template: s.template,
      context: { stackName: s.stackName, account: s.account, region: s.region },
    })),
  );
  const issues: ModelIssue[] = [];
  const buses = new Map<string, BusModel>();
  const roles = new Map<string, RoleModel>();
  const users = new Map<string, UserModel>();

  const busOf = (arn: string): BusModel => {
    let bus = buses.get(arn);
    if (!bus) {
      const m = /^arn:[^:]+:events:([^:]*):([^:]*):event-bus\/(.+)$/.exec(arn);
      bus = {
        arn,
        name: m?.[3] ?? arn,
        region: m?.[1] ?? 'unknown-region',
        account: m?.[2] ?? 'unknown-account',
        policyStatements: [],
        rules: [],
      };
      buses.set(arn, bus);
    }
    return bus;
  };

  // Identity policies attached by AWS::IAM::Policy / ManagedPolicy, keyed by role/user name.
  const attachedToRole = new Map<string, unknown[]>();
  const attachedToUser = new Map<string, unknown[]>();
  const attach = (map: Map<string, unknown[]>, names: unknown, doc: unknown) => {
    if (!Array.isArray(names)) return;
    for (const n of names) {
      const key = str(n);
      if (key) map.set(key, [...(map.get(key) ?? []), parseJsonMaybe(doc)]);
    }
  };

  stacks.forEach((stack, i) => {
    const rt = resolved[i];
    if (!rt) return;
    for (const u of rt.unresolved) {
      issues.push({ stackName: stack.stackName, message: `unresolved ${u.path}: ${u.reason}` });
    }
    for (const r of rt.resources.values()) {
      const p = r.properties;
      if (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy') {
        attach(attachedToRole, p['Roles'], p['PolicyDocument']);
        attach(attachedToUser, p['Users'], p['PolicyDocument']);
      }
    }
  });

  stacks.forEach((stack, i) => {
    const rt = resolved[i];
    if (!rt) return;
    const { account, region, stackName } = stack;
    for (const r of rt.resources.values()) {
      const p = r.properties;
      switch (r.type) {
        case 'AWS::Events::EventBus': {
          const arn = str(r.attributes['Arn']) ?? busArnFromName(p['Name'], account, region);
          const bus = busOf(arn);
          bus.policyStatements.push(...statementsOf(p['Policy']));
          const tags = tagsOf(p['Tags']);
          // Same policy and rule arrays: only the tags are added.
          if (Object.keys(tags).length > 0) buses.set(arn, { ...bus, tags });
          break;
        }
        case 'AWS::Events::EventBusPolicy': {
          const bus = busOf(busArnFromName(p['EventBusName'], account, region));
          if (p['Statement'] !== undefined) bus.policyStatements.push(parseJsonMaybe(p['Statement']));
          else if (p['Action'] !== undefined) {
            // Legacy form: Action + Principal (an account id or '*') + optional Condition.
            bus.policyStatements.push({
              Sid: p['StatementId'],
              Effect: 'Allow',
              Principal:
                p['Principal'] === '*' ? '*' : { AWS: `arn:aws:iam::${String(p['Principal'])}:root` },
              Action: p['Action'],
              Resource: bus.arn,
              ...(p['Condition'] !== undefined ? { Condition: p['Condition'] } : {}),
            });
          }
          break;
        }
        case 'AWS::Events::Rule': {
          const busArn = busArnFromName(p['EventBusName'], account, region);
          const name = str(p['Name']) ?? str(r.physicalName) ?? r.logicalId;
          const arn = str(r.attributes['Arn']) ?? r.arn ?? `arn:aws:events:${region}:${account}:rule/${name}`;
          const { pattern, problem } = compileRulePattern(p['EventPattern']);
          const targets: TargetModel[] = [];
          for (const t of Array.isArray(p['Targets']) ? p['Targets'] : []) {
            if (!isObject(t)) continue;
            const tArn = str(t['Arn']);
            if (!tArn) {
              issues.push({
                stackName,
                message: `rule ${r.logicalId}: target ${String(t['Id'])} has an unresolved Arn`,
              });
              continue;
            }
            const itRaw = t['InputTransformer'];
            const it =
              isObject(itRaw) && typeof itRaw['InputTemplate'] === 'string'
                ? {
                    inputTemplate: itRaw['InputTemplate'],
                    ...(isObject(itRaw['InputPathsMap'])
                      ? { inputPathsMap: itRaw['InputPathsMap'] as Record<string, string> }
                      : {}),
                  }
                : undefined;
            const dlq = isObject(t['DeadLetterConfig']) ? str(t['DeadLetterConfig']['Arn']) : undefined;
            const retry = isObject(t['RetryPolicy']) ? t['RetryPolicy']['MaximumRetryAttempts'] : undefined;
            const http = isObject(t['HttpParameters']) ? t['HttpParameters']['HeaderParameters'] : undefined;
            targets.push({
              id: String(t['Id'] ?? ''),
              arn: tArn,
              kind: targetKindOf(tArn),
              ...(typeof t['Input'] === 'string' ? { input: t['Input'] } : {}),
              ...(typeof t['InputPath'] === 'string' ? { inputPath: t['InputPath'] } : {}),
              ...(it ? { inputTransformer: it } : {}),
              ...(str(t['RoleArn']) ? { roleArn: str(t['RoleArn']) } : {}),
              ...(dlq ? { deadLetterArn: dlq } : {}),
              ...(typeof retry === 'number' ? { retryAttempts: retry } : {}),
              ...(isObject(http) ? { httpHeaders: stringValues(http) } : {}),
            });
          }
          busOf(busArn).rules.push({
            arn,
            name,
            logicalId: r.logicalId,
            stackName,
            account,
            region,
            busArn,
            state: ruleState(p['State']),
            ...(pattern ? { pattern } : {}),
            ...(problem ? { problem } : {}),
            targets,
          });
          break;
        }
        case 'AWS::IAM::Role': {
          const { name, arn, tags, inline } = iamIdentity(r, 'role', account);
          roles.set(arn, {
            arn,
            name,
            account,
            stackName,
            logicalId: r.logicalId,
            trustPolicy: parseJsonMaybe(p['AssumeRolePolicyDocument']),
            policies: [...inline, ...(attachedToRole.get(name) ?? [])],
            managedPolicyArns: Array.isArray(p['ManagedPolicyArns'])
              ? p['ManagedPolicyArns'].filter((x): x is string => typeof x === 'string')
              : [],
            tags,
            breakGlass: tags[TAG_BREAKGLASS_ROLE] === 'true',
          });
          break;
        }
        case 'AWS::IAM::User': {
          const { name, arn, tags, inline } = iamIdentity(r, 'user', account);
          users.set(arn, {
            arn,
            name,
            account,
            stackName,
            tags,
            policies: [...inline, ...(attachedToUser.get(name) ?? [])],
            breakGlass: tags[TAG_BREAKGLASS_USER] === 'true',
          });
          break;
        }
        default:
          break;
      }
    }
  });

  // Every account/Region a stack deploys to has a default bus, even with no rules on it.
  for (const s of stacks) busOf(defaultBusArn(s.account, s.region));

  const delivery = collectDeliveryResources(resolved, stacks);
  return {
    stacks: stacks.map((s) => ({ stackName: s.stackName, account: s.account, region: s.region })),
    buses,
    roles,
    users,
    topics: delivery.topics,
    delivery,
    trails: collectTrails(resolved, stacks),
    issues,
    ...organizationsOf(stacks),
  };
}

function organizationsOf(stacks: readonly StackInput[]): { organizationOf?: Map<string, string> } {
  const map = new Map<string, string>();
  for (const s of stacks) if (s.organizationId !== undefined) map.set(s.account, s.organizationId);
  return map.size > 0 ? { organizationOf: map } : {};
}
