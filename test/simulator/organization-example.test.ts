/**
 * verify across the bundled organization example (examples/organization.config.yaml): synthesized once,
 * expanded with the config's organization.accounts, verified in the example's 4 Regions. Gap tests
 * mutate the synthesized templates as a careless edit would.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, stacksFromConfig } from '../../src/cli/system.js';
import { loadConfigFile } from '../../src/config/index.js';
import { buildModel, verifyModel, type StackInput, type VerifyResult } from '../../src/simulator/index.js';
import {
  expandOrganization,
  orgMapFromConfig,
  organizationView,
  type OrgMap,
  type OrganizationView,
} from '../../src/simulator/organization/index.js';

const EXAMPLE = join(PACKAGE_ROOT, 'examples', 'organization.config.yaml');
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'];
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

let stacks: StackInput[];
let org: OrgMap;

beforeAll(() => {
  stacks = stacksFromConfig(EXAMPLE, { cdkValidation: false });
  org = orgMapFromConfig(loadConfigFile(EXAMPLE), EXAMPLE) as OrgMap;
}, 300_000);

const clone = (): StackInput[] => stacks.map((s) => ({ ...s, template: structuredClone(s.template) }));
const resources = (s: StackInput): [string, Json][] =>
  Object.entries((s.template as { Resources: Json }).Resources).filter((e): e is [string, Json] =>
    isObject(e[1]),
  );
const ofType = (input: StackInput[], type: string): Json[] =>
  input.flatMap((s) =>
    resources(s)
      .filter(([, r]) => r['Type'] === type)
      .map(([, r]) => r),
  );

function verify(input: StackInput[]): { result: VerifyResult; view: OrganizationView } {
  const { stacks: expanded, plan } = expandOrganization(input, org);
  const result = verifyModel(buildModel(expanded), { regions: REGIONS, organization: plan });
  return { result, view: organizationView(plan, result.checks, REGIONS) };
}
const failing = (r: VerifyResult): string[] =>
  r.checks.filter((c) => c.family === 'organization' && !c.ok).map((c) => `${c.name} ${c.region}`);

describe('verify on the organization example', () => {
  it('has 0 gaps: every way in on the representative, both members wired, assignments watched', () => {
    const { result, view } = verify(stacks);
    expect(result.summary.gaps).toBe(0);
    expect(result.checkSummary.gaps).toBe(0);
    expect(view.representatives).toEqual(['333333333333']);
    const row = (id: string) => view.accounts.find((a) => a.id === id);
    for (const id of ['333333333333', '444444444444']) {
      expect(row(id)?.regions).toEqual(Object.fromEntries(REGIONS.map((r) => [r, 'ok'])));
      expect(row(id)?.permissionSet).toBe('ok');
    }
    expect(row('111111111111')?.role).toBe('management');
  });

  it('fails for a member account missing from the central bus policy', () => {
    const input = clone();
    const orgStatement = ofType(input, 'AWS::Events::EventBusPolicy')
      .map((r) => (r['Properties'] as Json)['Statement'] as Json)
      .find((st) => isObject(st['Condition']) && !String(JSON.stringify(st)).includes('Tamper'));
    expect(orgStatement).toBeDefined();
    delete (orgStatement as Json)['Condition'];
    (orgStatement as Json)['Principal'] = { AWS: 'arn:aws:iam::333333333333:root' };
    const { result } = verify(input);
    expect(failing(result)).toEqual(
      expect.arrayContaining(REGIONS.map((r) => `account 444444444444: bus policy ${r}`)),
    );
    expect(failing(result).filter((c) => c.includes('333333333333:'))).toEqual([]);
  });

  it('fails for a Region missing from the StackSet', () => {
    const input = clone();
    const stackSet = ofType(input, 'AWS::CloudFormation::StackSet')[0] as Json;
    const groups = (stackSet['Properties'] as Json)['StackInstancesGroup'] as Json[];
    for (const g of groups) g['Regions'] = (g['Regions'] as string[]).filter((r) => r !== 'us-west-2');
    const { result } = verify(input);
    expect(failing(result)).toEqual(
      expect.arrayContaining([
        'account 333333333333: coverage us-west-2',
        'account 444444444444: coverage us-west-2',
      ]),
    );
    expect(result.scenarios.filter((s) => !s.ok).every((s) => s.region === 'us-west-2')).toBe(true);
  });

  it('fails for a permission-set assignment in an account the StackSet does not target', () => {
    const input = clone();
    const holder = input.find((s) => resources(s).some(([, r]) => r['Type'] === 'AWS::SSO::Assignment'));
    const [id, assignment] = resources(holder as StackInput).find(
      ([, r]) => r['Type'] === 'AWS::SSO::Assignment',
    ) as [string, Json];
    const extra = structuredClone(assignment);
    (extra['Properties'] as Json)['TargetId'] = '555555555555';
    ((holder as StackInput).template as { Resources: Json }).Resources[`${id}Extra`] = extra;
    const { result, view } = verify(input);
    expect(failing(result)).toEqual([
      expect.stringMatching(/^account 555555555555: permission-set assignment /),
    ]);
    expect(view.accounts.find((a) => a.id === '555555555555')?.permissionSet).toBe('gap');
  });
});
