/**
 * What doctor looks for, read from the synthesized templates alone (no AWS): the environments, the
 * CDK bootstrap version each template requires, the secrets it names, the trust policies, and the
 * resources whose deployed state doctor compares (rules, topic policies, keys, alarms, dead-letter
 * queues, email subscriptions, drill log groups). Found by type, tag and reference, never by a
 * construct's logical id, so a deployment without a feature simply has nothing of that kind.
 */
import { resolveStacks, type ResolvedResource } from '../../engines/cfn/index.js';
import type { StackInput } from '../../simulator/index.js';

/** Tag value that marks the drill log group. */
export const PURPOSE_TAG = 'breakglass:purpose';
export const DRILL_LOG_PURPOSE = 'drill-log';

export interface InventoryStack {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** Resolved resources (stand-in physical names; see `expectedValue`). */
  readonly resources: readonly ResolvedResource[];
  /** The SSM parameter holding the CDK bootstrap version, and the lowest version the template accepts. */
  readonly bootstrap?: { readonly parameter: string; readonly minVersion: number };
}

export interface SecretRef {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** Name or ARN, as the dynamic reference has it. */
  readonly id: string;
}

export interface TrustPolicy {
  readonly stackName: string;
  readonly logicalId: string;
  readonly roleName: string;
  /** Characters of the policy without whitespace, as IAM counts them. */
  readonly length: number;
}

export interface Inventory {
  readonly stacks: readonly InventoryStack[];
  readonly secrets: readonly SecretRef[];
  readonly trustPolicies: readonly TrustPolicy[];
}

function tagsOf(r: ResolvedResource): Record<string, string> {
  const out: Record<string, string> = {};
  const tags = r.properties['Tags'];
  if (Array.isArray(tags)) {
    for (const t of tags) {
      const o = t as Record<string, unknown>;
      if (typeof o['Key'] === 'string') out[o['Key']] = String(o['Value'] ?? '');
    }
  } else if (tags && typeof tags === 'object') {
    for (const [k, v] of Object.entries(tags)) out[k] = String(v);
  }
  return out;
}

export function hasPurpose(r: ResolvedResource, purpose: string): boolean {
  return tagsOf(r)[PURPOSE_TAG] === purpose;
}

/** The `breakglass:purpose` tag of a resource, if any. */
export function purposeOf(r: ResolvedResource): string | undefined {
  return tagsOf(r)[PURPOSE_TAG];
}

/**
 * The bootstrap rule CDK writes into every template it synthesizes with the default synthesizer:
 * parameter `BootstrapVersion` (default `/cdk-bootstrap/<qualifier>/version`) and the rule
 * `CheckBootstrapVersion`, which fails the deployment when the version is one of a listed set
 * (`Fn::Not [Fn::Contains [["1",…,"5"], Ref BootstrapVersion]]`): the lowest accepted version is one
 * more than the highest listed.
 */
export function bootstrapRequirement(template: unknown): InventoryStack['bootstrap'] {
  const t = template as Record<string, unknown> | undefined;
  const param = (t?.['Parameters'] as Record<string, Record<string, unknown>> | undefined)?.[
    'BootstrapVersion'
  ];
  const parameter = typeof param?.['Default'] === 'string' ? param['Default'] : undefined;
  if (!parameter) return undefined;
  const rule = (t?.['Rules'] as Record<string, unknown> | undefined)?.['CheckBootstrapVersion'];
  let minVersion = 1;
  for (const m of JSON.stringify(rule ?? {}).matchAll(/\[((?:"\d+",?)+)\]/g)) {
    const listed = (m[1] ?? '').split(',').map((x) => Number(x.replace(/"/g, '')));
    minVersion = Math.max(minVersion, ...listed.map((v) => v + 1));
  }
  return { parameter, minVersion };
}

const PSEUDO = (account: string, region: string): Record<string, string> => ({
  'AWS::Partition': region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
  'AWS::Region': region,
  'AWS::AccountId': account,
  'AWS::URLSuffix': region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com',
});

/**
 * `{{resolve:secretsmanager:<id>…}}` dynamic references in the raw template (the offline resolver
 * leaves them unresolved, as CloudFormation resolves them at deploy time). Plain strings and
 * `Fn::Join`s of strings and pseudo parameters are read; anything else in a join is not a secret id.
 */
function secretIds(v: unknown, pseudo: Record<string, string>, out: Set<string>, depth = 0): void {
  if (depth > 64) return;
  const scan = (text: string) => {
    for (const m of text.matchAll(/\{\{resolve:secretsmanager:(.+?)(?::SecretString(?::[^}]*)?)?\}\}/g)) {
      if (m[1] && !m[1].includes('\u0000')) out.add(m[1]);
    }
  };
  if (typeof v === 'string') return scan(v);
  if (Array.isArray(v)) return v.forEach((x) => secretIds(x, pseudo, out, depth + 1));
  if (!v || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  const join = o['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map((p) => {
      if (typeof p === 'string') return p;
      const ref = (p as Record<string, unknown> | null)?.['Ref'];
      return typeof ref === 'string' && pseudo[ref] !== undefined ? pseudo[ref] : '\u0000';
    });
    scan(parts.join(join[0]));
  }
  Object.values(o).forEach((x) => secretIds(x, pseudo, out, depth + 1));
}

/**
 * Where to look a referenced secret up. A complete ARN ends with `-` and six random characters; a
 * partial one (`Secret.fromSecretNameV2`) is looked up by its name in the ARN's Region, since
 * DescribeSecret matches partial ARNs loosely
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html).
 */
export function secretTarget(id: string, account: string, region: string): Omit<SecretRef, 'stackName'> {
  const m = /^arn:[^:]+:secretsmanager:([^:]+):(\d{12}):secret:(.+)$/.exec(id);
  if (!m) return { account, region, id };
  const [, r = region, a = account, name = id] = m;
  return { account: a, region: r, id: /-[A-Za-z0-9]{6}$/.test(name) ? id : name };
}

/** JSON text without insignificant whitespace (what IAM counts against the trust-policy quota). */
export function policyLength(doc: unknown): number {
  const d = typeof doc === 'string' ? (JSON.parse(doc) as unknown) : doc;
  return JSON.stringify(d, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && 'unresolved' in v ? 'x'.repeat(20) : v,
  ).length;
}

export function buildInventory(inputs: readonly StackInput[]): Inventory {
  const resolved = resolveStacks(
    inputs.map((s) => ({
      template: s.template,
      context: { stackName: s.stackName, account: s.account, region: s.region },
    })),
  );
  const stacks: InventoryStack[] = [];
  const secrets: SecretRef[] = [];
  const trustPolicies: TrustPolicy[] = [];
  inputs.forEach((s, i) => {
    const r = resolved[i];
    const resources = r ? [...r.resources.values()] : [];
    const bootstrap = bootstrapRequirement(s.template);
    stacks.push({
      stackName: s.stackName,
      account: s.account,
      region: s.region,
      resources,
      ...(bootstrap ? { bootstrap } : {}),
    });
    const ids = new Set<string>();
    secretIds(
      (s.template as Record<string, unknown> | undefined)?.['Resources'],
      PSEUDO(s.account, s.region),
      ids,
    );
    for (const id of ids) secrets.push({ stackName: s.stackName, ...secretTarget(id, s.account, s.region) });
    for (const res of resources) {
      if (res.type !== 'AWS::IAM::Role') continue;
      const doc = res.properties['AssumeRolePolicyDocument'];
      if (doc === undefined) continue;
      trustPolicies.push({
        stackName: s.stackName,
        logicalId: res.logicalId,
        roleName: typeof res.physicalName === 'string' ? res.physicalName : res.logicalId,
        length: policyLength(doc),
      });
    }
  });
  return { stacks, secrets, trustPolicies };
}
