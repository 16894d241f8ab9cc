/**
 * The `organization:` config section: the example's stacks (central, Organization, users; no
 * per-account role stack), every problem of a wrong section reported in one pass, the delegated
 * administrator, the Regions defaulting to role.regions, and the users allowed into the member role.
 */
import { resolve } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError, buildApp, loadConfigFile, parseConfig } from '../../src/config/index.js';
import { tempDir } from '../temp.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/organization.config.yaml');

const base = {
  account: '222222222222',
  region: 'eu-west-1',
  organization: {
    id: 'o-a1b2c3d4e5',
    managementAccount: '111111111111',
    targets: ['ou-ab12-11111111'],
    regions: ['eu-west-1', 'us-east-1'],
  },
  role: { roleName: 'BreakGlass', usernames: ['alice'], managedPolicies: ['ReadOnlyAccess'] },
};

function issues(raw: unknown): string[] {
  try {
    parseConfig(raw, 'test');
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

function stacksOf(raw: unknown): Map<string, Stack> {
  const app = buildApp(parseConfig(raw, 'test'), { outdir: tempDir('bg-orgcfg-') });
  return new Map(
    app.node
      .findAll()
      .filter((c): c is Stack => Stack.isStack(c))
      .map((s) => [s.stackName, s]),
  );
}

describe('organization config', () => {
  it('builds the central, Organization and users stacks of the example, and no per-account role stack', () => {
    const stacks = stacksOf(loadConfigFile(EXAMPLE));
    const env = (n: string) => `${stacks.get(n)?.account}/${stacks.get(n)?.region}`;
    expect(env('BreakGlass')).toBe('222222222222/eu-west-1');
    expect(env('BreakGlass-Organization')).toBe('111111111111/eu-west-1');
    expect(env('BreakGlass-Users')).toBe('222222222222/eu-west-1');
    expect([...stacks.keys()].filter((n) => /\d{12}/.test(n))).toEqual([]);
    const org = Template.fromStack(stacks.get('BreakGlass-Organization') as Stack);
    org.hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'SELF',
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-11111111'] },
          Regions: ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'],
        },
      ],
    });
    // The users of the security account may assume the member role in any account.
    Template.fromStack(stacks.get('BreakGlass-Users') as Stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/BreakGlass']] },
          }),
        ]),
      },
    });
    // …and the member role trusts them.
    const body = JSON.stringify(org.toJSON());
    expect(body).toContain(':iam::222222222222:user/breakglass-1');
  });

  it('deploys from the delegated administrator with CallAs DELEGATED_ADMIN', () => {
    const stacks = stacksOf({
      ...base,
      organization: { ...base.organization, delegatedAdmin: '555555555555' },
    });
    const org = stacks.get('BreakGlass-Organization') as Stack;
    expect(org.account).toBe('555555555555');
    Template.fromStack(org).hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'DELEGATED_ADMIN',
    });
  });

  it('takes the StackSet Regions from role.regions when it lists them', () => {
    const { regions: _r, ...org } = base.organization;
    const stacks = stacksOf({
      ...base,
      organization: org,
      role: { ...base.role, regions: ['us-east-1', 'eu-north-1'] },
    });
    Template.fromStack(stacks.get('BreakGlass-Organization') as Stack).hasResourceProperties(
      'AWS::CloudFormation::StackSet',
      { StackInstancesGroup: [{ Regions: ['eu-west-1', 'us-east-1', 'eu-north-1'] }] },
    );
    expect(issues({ ...base, organization: org, role: { ...base.role, regions: ['*'] } })).toEqual([
      "organization.regions: required unless role.regions lists Regions; list the StackSet Regions, e.g. ['eu-west-1', 'us-east-1'] (got undefined)",
    ]);
  });

  it('rejects a wrong organization section with every problem in one pass, each naming the field and the fix', () => {
    const got = issues({
      ...base,
      memberAccounts: ['333333333333'],
      organization: {
        id: 'o-bad',
        managementAccount: '111111111111',
        delegatedAdmin: '111111111111',
        targets: ['ou-x'],
        regions: ['eu-central-1', '*'],
        accounts: [
          { id: '111111111111', ou: 'ou-ab12-11111111' },
          { id: '333333333333', ou: 'ou-ab12-11111111' },
          { id: '333333333333', ou: 'ou-ab12-11111111' },
        ],
        permissionSet: {
          name: 'devops-break-glass',
          instanceArn: 'nope',
          groupId: 'x',
          sessionDuration: 'PT13H',
        },
      },
      role: { usernames: ['alice'], deployer: 'deployer', role: 'existing' },
    });
    const fields = got.map((l) => l.slice(0, l.indexOf(':')));
    expect(fields.sort()).toEqual(
      [
        'memberAccounts',
        'organization.accounts[0].id',
        'organization.accounts[2].id',
        'organization.delegatedAdmin',
        'organization.id',
        'organization.permissionSet.groupId',
        'organization.permissionSet.instanceArn',
        'organization.permissionSet.sessionDuration',
        'organization.regions',
        'organization.regions',
        'organization.regions[1]',
        'organization.targets[0]',
        'role.deployer',
        'role.role',
        'role.roleName',
      ].sort(),
    );
    expect(got).toContain(
      'role.roleName: required with organization: the member role gets one fixed name in every account (runbooks and the central rules match it); set e.g. roleName: BreakGlass (got undefined)',
    );
    expect(got.filter((l) => l.startsWith('organization.regions:'))).toEqual([
      'organization.regions: must include the home Region (the member role and the central bus live there); add \'eu-west-1\' (got ["eu-central-1","*"])',
      'organization.regions: must include us-east-1 (IAM and global STS events are delivered there only); add \'us-east-1\' (got ["eu-central-1","*"])',
    ]);
  });

  it('accepts the example and a minimal section', () => {
    expect(() => loadConfigFile(EXAMPLE)).not.toThrow();
    expect(issues(base)).toEqual([]);
  });
});
