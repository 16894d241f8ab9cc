/**
 * verify across an organization on a hand-written org (test/fixtures/organization): StackSet expansion,
 * the representative replay, and the per-account wiring checks. Gap tests mutate the fixture.
 */
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  cellOf,
  verifyModel,
  type StackInput,
  type VerifyResult,
} from '../../src/simulator/index.js';
import {
  ADDED_LATER,
  expandOrganization,
  groupAccounts,
  organizationView,
  parseOrganizationExport,
  renderOrganization,
  type OrgMap,
} from '../../src/simulator/organization/index.js';
import {
  MANAGEMENT,
  MEMBERS,
  ORG_ID,
  ORG_MAP,
  OU,
  REGIONS,
  orgFixture,
  orgStacks,
  type OrgFixture,
} from '../fixtures/organization/org-stacks.js';

type Json = Record<string, unknown>;
const [A, B] = MEMBERS;

function verifyOrg(
  f: OrgFixture = orgFixture(),
  org: OrgMap = ORG_MAP,
  regions: readonly string[] = REGIONS,
) {
  const { stacks, plan } = expandOrganization(orgStacks(f), org);
  const result = verifyModel(buildModel(stacks), { regions, organization: plan });
  return { stacks, plan, result };
}
const orgChecks = (r: VerifyResult) => r.checks.filter((c) => c.family === 'organization');
const failing = (r: VerifyResult) =>
  orgChecks(r)
    .filter((c) => !c.ok)
    .map((c) => `${c.name} ${c.region}`);
const centralBus = (f: OrgFixture): Json =>
  (f.central['Resources'] as Record<string, Json>)['CentralBus'] as Json;
const policyStatement = (f: OrgFixture): Json =>
  (((centralBus(f)['Properties'] as Json)['Policy'] as Json)['Statement'] as Json[])[0] as Json;

describe('StackSet deployment targets', () => {
  const org: OrgMap = {
    ...ORG_MAP,
    accounts: [...ORG_MAP.accounts, { id: '555555555555', ou: 'ou-ab12-22222222' }],
  };
  const group = (over: Json) => ({
    organizationalUnitIds: [OU],
    accounts: [],
    regions: ['eu-west-1'],
    ...over,
  });
  it.each([
    ['OUs alone: every account of the OU but the management account', {}, [A, B]],
    ['NONE: the OU, listed accounts ignored', { accounts: [A], accountFilterType: 'NONE' }, [A, B]],
    [
      'INTERSECTION: listed accounts that are in the OU',
      { accounts: [A, '555555555555'], accountFilterType: 'INTERSECTION' },
      [A],
    ],
    ['DIFFERENCE: the OU but the listed accounts', { accounts: [A], accountFilterType: 'DIFFERENCE' }, [B]],
    [
      'UNION: the OU and the listed accounts',
      { accounts: ['555555555555'], accountFilterType: 'UNION' },
      [A, B, '555555555555'],
    ],
    [
      'the root: every account but the management account',
      { organizationalUnitIds: ['r-ab12'] },
      ['222222222222', A, B, '555555555555'],
    ],
    ['accounts alone', { organizationalUnitIds: [], accounts: [B] }, [B]],
  ])('%s', (_name, over, expected) => {
    expect(groupAccounts(group(over), 'SERVICE_MANAGED', org).sort()).toEqual([...expected].sort());
  });

  it('deploys to the management account only when the StackSet is self-managed', () => {
    const g = group({ organizationalUnitIds: [], accounts: [MANAGEMENT, A] });
    expect(groupAccounts(g, 'SERVICE_MANAGED', org)).toEqual([A]);
    expect(groupAccounts(g, 'SELF_MANAGED', org)).toEqual([MANAGEMENT, A]);
  });

  it('warns when a StackSet targets no known account', () => {
    const f = orgFixture();
    f.stackSet['StackInstancesGroup'] = [
      { DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-99999999'] }, Regions: ['eu-west-1'] },
    ];
    const { plan } = expandOrganization(orgStacks(f), ORG_MAP);
    expect(plan.stackSets[0]?.instances).toEqual([]);
    expect(plan.warnings.join('\n')).toMatch(
      /StackSet BreakGlass-Members .*ou-ab12-99999999.* resolve to no known account/,
    );
  });
});

describe('verify on the example organization', () => {
  const { stacks, plan, result } = verifyOrg();

  it('models one representative account per template, in each of its Regions', () => {
    expect(plan.templates.map((t) => t.representative)).toEqual([A]);
    const members = stacks.filter((s) => s.stackName.startsWith('StackSet-'));
    expect(members.map((s) => `${s.account} ${s.region}`).sort()).toEqual(
      REGIONS.map((r) => `${A} ${r}`).sort(),
    );
    expect(stacks.every((s: StackInput) => s.organizationId === ORG_ID)).toBe(true);
  });

  it('replays every way in on the representative with no gap, and wires every account with no gap', () => {
    expect(result.roles).toEqual([`arn:aws:iam::${A}:role/BreakGlass`]);
    expect(result.summary.gaps).toBe(0);
    expect(result.summary.total).toBeGreaterThan(40);
    expect(failing(result)).toEqual([]);
    // coverage + bus policy per member and Region, central rules for the non-representatives.
    const accounts = new Set(orgChecks(result).map((c) => c.account));
    expect(accounts).toEqual(new Set([A, B, ADDED_LATER]));
    for (const acct of [B, ADDED_LATER])
      for (const region of REGIONS)
        for (const name of ['coverage', 'bus policy', 'central rules'])
          expect(
            orgChecks(result).some((c) => c.name === `account ${acct}: ${name}` && c.region === region),
          ).toBe(true);
  });

  it('prints one row per member account, the added-later account, and who is not a target', () => {
    const text = renderOrganization(organizationView(plan, result.checks, REGIONS));
    expect(text).toMatch(new RegExp(`^${A} workload-a ★\\s+✓\\s+✓\\s+✓\\s+✓\\s+✓$`, 'm'));
    expect(text).toMatch(new RegExp(`^${B} workload-b\\s+✓\\s+✓\\s+✓\\s+✓\\s+✓$`, 'm'));
    expect(text).toMatch(/^an account added later \(auto-deployment\)\s+✓\s+✓\s+✓\s+✓/m);
    expect(text).toMatch(/111111111111 \(management account: service-managed StackSets never deploy there\)/);
  });

  it('fails without aws:PrincipalOrgID: the bus policy admits only the organization', () => {
    const bare = stacks.map(({ organizationId: _o, ...s }) => s);
    const r = verifyModel(buildModel(bare), { regions: ['eu-west-1'] });
    const assume = r.scenarios.find((s) => s.wayIn === 'AssumeRole' && s.actor === 'named');
    expect(assume?.alerted).toBe(false);
    expect(assume?.misses.map((m) => m.reason).join('\n')).toMatch(
      /does not let account 333333333333 PutEvents/,
    );
  });
});

describe('a StackSet on the root (the security account is a member too)', () => {
  it('picks a representative that hosts nothing else, and wires the security account to its own bus', () => {
    const f = orgFixture();
    f.stackSet['StackInstancesGroup'] = [
      { DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: [...REGIONS] },
    ];
    const { plan, result } = verifyOrg(f);
    expect(plan.templates.map((t) => t.representative)).toEqual([A]);
    expect(new Set(plan.stackSets[0]?.instances.map((i) => i.account))).toEqual(
      new Set(['222222222222', A, B]),
    );
    expect(result.summary.gaps).toBe(0);
    expect(failing(result)).toEqual([]);
    expect(orgChecks(result).filter((c) => c.account === '222222222222').length).toBe(REGIONS.length * 3);
  });
});

describe('a Region without a stack instance', () => {
  const lock = {
    PolicyName: 'RegionLock',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': [...REGIONS] } },
        },
      ],
    },
  };
  const gapsIn = (r: VerifyResult, region: string) =>
    [...new Set(r.scenarios.filter((s) => !s.ok && s.region === region).map((s) => s.wayIn))].sort();

  it("is a gap for calls made with a session there, unless the role's own policy denies them (Region lock)", () => {
    const regions = [...REGIONS, 'ap-south-1'];
    expect(gapsIn(verifyOrg(orgFixture(), ORG_MAP, regions).result, 'ap-south-1')).toEqual([
      'GetSigninToken',
      'ReadAction',
      'RoleChaining',
      'WriteAction',
    ]);
    const f = orgFixture();
    const role = (f.member['Resources'] as Record<string, Json>)['BreakGlassRole'] as Json;
    (role['Properties'] as Json)['Policies'] = [lock];
    const { result } = verifyOrg(f, ORG_MAP, regions);
    expect(gapsIn(result, 'ap-south-1')).toEqual([]);
    const read = result.scenarios.find((s) => s.wayIn === 'ReadAction' && s.region === 'ap-south-1');
    expect(read?.trust).toBe('ExplicitDeny');
    // Sign-in to the console is not decided by identity policies and is not watched there; the session
    // could only begin (alerted) in a watched Region and can do nothing here: marked, not a gap.
    const signin = result.scenarios.find((s) => s.wayIn === 'GetSigninToken' && s.region === 'ap-south-1');
    expect(signin).toMatchObject({ ok: true, alerted: false, sessionLocked: true });
    expect(cellOf(result.scenarios.filter((s) => s === signin))).toBe('session-alerted');
    // In a watched Region the lock does not apply and the call is logged.
    expect(gapsIn(result, 'eu-central-1')).toEqual([]);
    expect(result.scenarios.some((s) => s.region === 'eu-central-1' && s.sessionLocked)).toBe(false);
  });

  it('is a gap for the console sign-in when the session could also begin there (no Region in the trust policy)', () => {
    const f = orgFixture();
    const role = (f.member['Resources'] as Record<string, Json>)['BreakGlassRole'] as Json;
    (role['Properties'] as Json)['Policies'] = [lock];
    const trust = (role['Properties'] as Json)['AssumeRolePolicyDocument'] as Json;
    for (const st of trust['Statement'] as Json[]) delete (st['Condition'] as Json)['StringEquals'];
    const { result } = verifyOrg(f, ORG_MAP, [...REGIONS, 'ap-south-1']);
    expect(gapsIn(result, 'ap-south-1')).toEqual(['AssumeRole', 'GetSigninToken', 'SwitchRole']);
  });
});

describe('the organization trail', () => {
  it('counts for the member accounts: no "no CloudTrail trail" warning when the management account has one', () => {
    const without = verifyOrg().result.warnings.join('\n');
    expect(without).toMatch(/account 333333333333: the templates have no CloudTrail trail/);
    const stacks = orgStacks();
    const mgmt = stacks[1] as StackInput;
    ((mgmt.template as Json)['Resources'] as Json)['OrgTrail'] = {
      Type: 'AWS::CloudTrail::Trail',
      Properties: {
        IsLogging: true,
        IsMultiRegionTrail: true,
        IsOrganizationTrail: true,
        S3BucketName: 'org-trail',
      },
    };
    const { stacks: expanded, plan } = expandOrganization(stacks, ORG_MAP);
    const r = verifyModel(buildModel(expanded), { regions: REGIONS, organization: plan });
    expect(r.warnings.join('\n')).not.toMatch(/no CloudTrail trail/);
  });
});

describe('organization gaps', () => {
  it('fails for a member account missing from an explicit bus policy', () => {
    const f = orgFixture();
    const st = policyStatement(f);
    delete st['Condition'];
    st['Principal'] = { AWS: [`arn:aws:iam::${A}:root`, 'arn:aws:iam::222222222222:root'] };
    const { result } = verifyOrg(f);
    expect(result.summary.gaps).toBe(0); // the representative is listed: its replay is fine
    expect(failing(result)).toEqual(
      expect.arrayContaining(REGIONS.map((r) => `account ${B}: bus policy ${r}`)),
    );
    expect(failing(result).filter((c) => c.includes(A))).toEqual([]);
    const gap = orgChecks(result).find((c) => !c.ok && c.account === B);
    expect(gap?.problems.join()).toMatch(/does not let account 444444444444 put events \(ImplicitDeny/);
  });

  it('fails for every account when the bus policy names another organization', () => {
    const f = orgFixture();
    policyStatement(f)['Condition'] = { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } };
    const { result } = verifyOrg(f);
    expect(result.summary.gaps).toBeGreaterThan(0);
    for (const acct of [A, B, ADDED_LATER])
      expect(failing(result)).toContain(`account ${acct}: bus policy eu-west-1`);
  });

  it('fails for a Region missing from the StackSet, where the role can still be used', () => {
    const f = orgFixture();
    f.stackSet['StackInstancesGroup'] = [
      {
        DeploymentTargets: { OrganizationalUnitIds: [OU] },
        Regions: REGIONS.filter((r) => r !== 'us-west-2'),
      },
    ];
    const { result } = verifyOrg(f);
    expect(failing(result)).toEqual(
      expect.arrayContaining([`account ${A}: coverage us-west-2`, `account ${B}: coverage us-west-2`]),
    );
    expect(failing(result).every((c) => c.endsWith('us-west-2'))).toBe(true);
    // The representative's replay shows it too: nothing forwards from us-west-2.
    expect(new Set(result.scenarios.filter((s) => !s.ok).map((s) => s.region))).toEqual(
      new Set(['us-west-2']),
    );
  });

  it('fails for an account the instances group leaves out of a Region the others have', () => {
    const f = orgFixture();
    f.stackSet['StackInstancesGroup'] = [
      {
        DeploymentTargets: { OrganizationalUnitIds: [OU] },
        Regions: REGIONS.filter((r) => r !== 'us-west-2'),
      },
      { DeploymentTargets: { Accounts: [A] }, Regions: ['us-west-2'] },
    ];
    const { result } = verifyOrg(f);
    expect(result.summary.gaps).toBe(0);
    expect(failing(result)).toEqual([`account ${B}: coverage us-west-2`]);
  });

  it('fails for a permission-set assignment in an account the StackSet does not target', () => {
    const f = orgFixture();
    f.assignments.push('555555555555');
    const { result, plan } = verifyOrg(f);
    expect(failing(result)).toEqual(['account 555555555555: permission-set assignment eu-west-1']);
    const view = organizationView(plan, result.checks, REGIONS);
    expect(view.accounts.find((a) => a.id === '555555555555')).toMatchObject({
      role: 'not-targeted',
      gaps: 1,
    });
  });

  it('fails when a central rule names the representative account: other accounts are not alerted', () => {
    const f = orgFixture();
    const rule = (f.central['Resources'] as Record<string, Json>)['WayInAlert'] as Json;
    const pattern = (rule['Properties'] as Json)['EventPattern'] as Json;
    ((pattern['detail'] as Json)['requestParameters'] as Json)['roleArn'] = [
      `arn:aws:iam::${A}:role/BreakGlass`,
    ];
    const { result } = verifyOrg(f);
    expect(result.summary.gaps).toBe(0);
    expect(failing(result)).toEqual(
      expect.arrayContaining([
        `account ${B}: central rules eu-west-1`,
        `account ${ADDED_LATER}: central rules us-east-1`,
      ]),
    );
    expect(failing(result).some((c) => c.includes(`${A}:`))).toBe(false);
  });

  it("fails for an account added later when a central rule lists today's accounts", () => {
    const f = orgFixture();
    const rule = (f.central['Resources'] as Record<string, Json>)['WayInAlert'] as Json;
    ((rule['Properties'] as Json)['EventPattern'] as Json)['account'] = [A, B];
    const { result } = verifyOrg(f);
    expect(result.summary.gaps).toBe(0);
    expect(failing(result)).toEqual(REGIONS.map((r) => `account ${ADDED_LATER}: central rules ${r}`));
  });

  it('fails when the member template names a member account literally', () => {
    const f = orgFixture();
    const role = (f.member['Resources'] as Record<string, Json>)['ForwarderRole'] as Json;
    (role['Properties'] as Json)['Description'] = `forwarder of ${A}`;
    const { result } = verifyOrg(f);
    expect(failing(result)).toEqual([`account ${A}: member template eu-west-1`]);
  });
});

describe('Organizations export (--organization)', () => {
  const arn = (acct: string) => `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${acct}`;
  it('reads aws organizations list-accounts: the organization id and management account from the ARNs', () => {
    const org = parseOrganizationExport(
      {
        Accounts: [
          { Id: MANAGEMENT, Arn: arn(MANAGEMENT), Name: 'management', Status: 'ACTIVE' },
          { Id: A, Arn: arn(A), Name: 'workload-a', Status: 'ACTIVE', ParentId: OU },
        ],
      },
      'org.json',
    );
    expect(org).toMatchObject({ id: ORG_ID, managementAccount: MANAGEMENT });
    expect(org.accounts).toEqual([
      { id: MANAGEMENT, name: 'management' },
      { id: A, ou: OU, name: 'workload-a' },
    ]);
  });

  it.each([
    [
      'no Accounts',
      {},
      /--organization org\.json: no "Accounts" list; expected the JSON printed by 'aws organizations list-accounts'/,
    ],
    [
      'a bad account id',
      { Accounts: [{ Id: '12' }] },
      /Accounts\[0\]\.Id must be a 12-digit account id \(got "12"\)/,
    ],
    ['no organization id', { Accounts: [{ Id: A }] }, /no organization id/],
  ])('rejects an export with %s', (_n, json, message) => {
    expect(() => parseOrganizationExport(json, 'org.json')).toThrow(message);
  });
});
