/**
 * After deploy: the alert path's rules, targets and policies are what the templates say (per
 * resource): EventBridge DescribeRule + ListTargetsByRule + DescribeEventBus, SNS GetTopicAttributes (Policy,
 * KmsMasterKeyId), KMS DescribeKey + GetKeyPolicy. Compared semantically (`compare.ts`).
 */
import type { ResolvedResource } from '../../engines/cfn/index.js';
import type { DeployedRule, KeyInfo } from '../aws/doctor-ports.js';
import { differences, expectedValue, physicalSubstitutions } from './compare.js';
import type { InventoryStack } from './inventory.js';
import { finding, mapLimit, type DoctorCheck, type DoctorContext, type Finding } from './model.js';

type Subs = readonly [string, string][];

/** Target fields the API returns, from the template's target (CloudFormation and the API share the names). */
const TARGET_FIELDS = [
  'Id',
  'Arn',
  'RoleArn',
  'Input',
  'InputPath',
  'InputTransformer',
  'DeadLetterConfig',
  'RetryPolicy',
  'HttpParameters',
  'SqsParameters',
];

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

export function judgeRule(
  where: string,
  name: string,
  r: ResolvedResource,
  d: DeployedRule | undefined,
  subs: Subs,
): Finding {
  if (!d)
    return finding(
      'drift',
      'problem',
      where,
      `rule ${name}`,
      'rule is missing (deleted after deployment); deploy the stack again',
    );
  const p = r.properties;
  const expected = {
    State: p['State'] ?? 'ENABLED',
    ...(p['EventPattern'] !== undefined ? { EventPattern: p['EventPattern'] } : {}),
    Targets: (Array.isArray(p['Targets']) ? (p['Targets'] as Record<string, unknown>[]) : []).map((t) =>
      pick(t, TARGET_FIELDS),
    ),
  };
  const actual = {
    State: d.state,
    ...(d.pattern !== undefined ? { EventPattern: d.pattern } : {}),
    Targets: d.targets.map((t) => pick(t, TARGET_FIELDS)),
  };
  const diffs = differences(expectedValue(expected, subs), actual);
  return diffs.length === 0
    ? finding(
        'drift',
        'ok',
        where,
        `rule ${name}`,
        `pattern, state and ${d.targets.length} target(s) as synthesized`,
      )
    : finding(
        'drift',
        'problem',
        where,
        `rule ${name}`,
        `differs from the template: ${diffs.slice(0, 3).join('; ')}${diffs.length > 3 ? ` (+${diffs.length - 3} more)` : ''}`,
      );
}

/**
 * One statement of an event bus policy (`AWS::Events::EventBusPolicy` adds it with `Sid` =
 * `StatementId`): without it, the forwarders of the other Regions can no longer deliver.
 */
export function judgeBusStatement(
  where: string,
  busName: string,
  sid: string,
  statement: unknown,
  policy: string | undefined,
  subs: Subs,
): Finding {
  const subject = `bus ${busName} ${sid}`;
  if (policy === undefined)
    return finding('drift', 'problem', where, subject, 'event bus is missing; deploy the stack again');
  let statements: unknown[] = [];
  try {
    const doc = (policy ? JSON.parse(policy) : {}) as { Statement?: unknown };
    statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  } catch {
    statements = [];
  }
  const actual = statements.find((x) => (x as Record<string, unknown> | null)?.['Sid'] === sid);
  if (actual === undefined)
    return finding(
      'drift',
      'problem',
      where,
      subject,
      'statement removed from the event bus policy: events from the other Regions are refused; deploy the stack again',
    );
  const diffs = differences(
    { ...(expectedValue(statement, subs) as Record<string, unknown>), Sid: sid },
    actual,
  );
  return diffs.length === 0
    ? finding('drift', 'ok', where, subject, 'bus policy statement as synthesized')
    : finding(
        'drift',
        'problem',
        where,
        subject,
        `bus policy statement differs: ${diffs.slice(0, 3).join('; ')}`,
      );
}

/** A topic's encryption key as deployed (`KmsMasterKeyId`): removing it sends alerts in the clear, changing it may stop delivery. */
export function judgeTopicKey(
  where: string,
  topicArn: string,
  r: ResolvedResource,
  attrs: Readonly<Record<string, string>> | undefined,
  subs: Subs,
): Finding {
  const subject = `topic ${topicArn}`;
  if (!attrs)
    return finding(
      'drift',
      'problem',
      where,
      subject,
      'topic is missing (deleted after deployment); deploy the stack again',
    );
  const diffs = differences(
    { KmsMasterKeyId: expectedValue(r.properties['KmsMasterKeyId'], subs) },
    { KmsMasterKeyId: attrs['KmsMasterKeyId'] },
  );
  return diffs.length === 0
    ? finding('drift', 'ok', where, subject, 'encryption key as synthesized')
    : finding('drift', 'problem', where, subject, `encryption key differs: ${diffs.join('; ')}`);
}

export function judgeTopicPolicy(
  where: string,
  topicArn: string,
  policy: unknown,
  attrs: Readonly<Record<string, string>> | undefined,
  subs: Subs,
): Finding {
  if (!attrs)
    return finding(
      'drift',
      'problem',
      where,
      `topic ${topicArn}`,
      'topic is missing (deleted after deployment); deploy the stack again',
    );
  const diffs = differences(expectedValue(policy, subs), attrs['Policy'] ?? '{}');
  return diffs.length === 0
    ? finding('drift', 'ok', where, `topic ${topicArn}`, 'topic policy as synthesized')
    : finding(
        'drift',
        'problem',
        where,
        `topic ${topicArn}`,
        `topic policy differs: ${diffs.slice(0, 3).join('; ')}`,
      );
}

export function judgeKey(
  where: string,
  keyId: string,
  r: ResolvedResource,
  k: KeyInfo | undefined,
  subs: Subs,
): Finding {
  if (!k) return finding('drift', 'problem', where, `key ${keyId}`, 'key is missing; deploy the stack again');
  if (k.state !== 'Enabled')
    return finding(
      'drift',
      'problem',
      where,
      `key ${keyId}`,
      `key is ${k.state}: nothing encrypted with it can be delivered; enable it (aws kms enable-key / cancel-key-deletion)`,
    );
  const expected = r.properties['KeyPolicy'];
  if (expected === undefined) return finding('drift', 'ok', where, `key ${keyId}`, 'enabled');
  const diffs = differences(expectedValue(expected, subs), k.policy ?? '{}');
  return diffs.length === 0
    ? finding('drift', 'ok', where, `key ${keyId}`, 'enabled, key policy as synthesized')
    : finding(
        'drift',
        'problem',
        where,
        `key ${keyId}`,
        `key policy differs: ${diffs.slice(0, 3).join('; ')}`,
      );
}

/** `bus|name` (a rule on a custom bus) or `name`, as CloudFormation's Ref of a rule returns. */
export function ruleAddress(physicalId: string): { name: string; bus?: string } {
  const i = physicalId.indexOf('|');
  return i < 0 ? { name: physicalId } : { bus: physicalId.slice(0, i), name: physicalId.slice(i + 1) };
}

async function stackDrift(ctx: DoctorContext, s: InventoryStack): Promise<Finding[]> {
  const d = ctx.deployed.get(s.stackName);
  if (!d) return [];
  const subs = physicalSubstitutions(s.resources, d.resources);
  const phys = new Map(d.resources.map((x) => [x.logicalId, x.physicalId]));
  const where = s.region;
  const jobs: (() => Promise<Finding>)[] = [];
  for (const r of s.resources) {
    const id = phys.get(r.logicalId);
    if (r.type === 'AWS::Events::Rule' && id) {
      const a = ruleAddress(id);
      jobs.push(async () => judgeRule(where, a.name, r, await ctx.aws.rule(s.region, a.name, a.bus), subs));
    } else if (r.type === 'AWS::KMS::Key' && id) {
      jobs.push(async () => judgeKey(where, id, r, await ctx.aws.key(s.region, id), subs));
    } else if (r.type === 'AWS::Events::EventBusPolicy' && r.properties['Statement'] !== undefined) {
      const bus = expectedValue(r.properties['EventBusName'] ?? 'default', subs);
      const sid = r.properties['StatementId'];
      if (typeof bus === 'string' && typeof sid === 'string') {
        const name = bus.split('/').pop() ?? bus;
        jobs.push(async () =>
          judgeBusStatement(
            where,
            name,
            sid,
            r.properties['Statement'],
            await ctx.aws.busPolicy(s.region, name),
            subs,
          ),
        );
      }
    } else if (r.type === 'AWS::SNS::Topic' && id && r.properties['KmsMasterKeyId'] !== undefined) {
      jobs.push(async () => judgeTopicKey(where, id, r, await ctx.aws.topicAttributes(s.region, id), subs));
    } else if (r.type === 'AWS::SNS::TopicPolicy') {
      const topics = Array.isArray(r.properties['Topics']) ? (r.properties['Topics'] as unknown[]) : [];
      for (const t of topics) {
        const arn = expectedValue(t, subs);
        if (typeof arn !== 'string') continue;
        jobs.push(async () =>
          judgeTopicPolicy(
            where,
            arn,
            r.properties['PolicyDocument'],
            await ctx.aws.topicAttributes(s.region, arn),
            subs,
          ),
        );
      }
    }
  }
  return mapLimit(jobs, 4, (j) => j());
}

export const driftCheck: DoctorCheck = {
  id: 'drift',
  phase: 'after-deploy',
  summary:
    'deployed rules, targets, bus policy statements, topic policies and keys equal the synthesized ones (events:DescribeRule, ListTargetsByRule, DescribeEventBus, sns:GetTopicAttributes, kms:DescribeKey, GetKeyPolicy)',
  async run(ctx) {
    const per = await mapLimit(ctx.stacks, 4, (s) => stackDrift(ctx, s));
    const out = per.flat();
    return out.length > 0
      ? out
      : [
          finding(
            'drift',
            'skipped',
            'global',
            'alert path',
            'no deployed rule, topic policy or key: not in this deployment',
          ),
        ];
  },
};
