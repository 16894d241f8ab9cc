import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BreakGlassRole, type BreakGlassRoleProps } from '../../src/constructs/break-glass-role.js';
import { BreakGlassValidationError } from '../../src/constructs/errors.js';
import { ALL_REGIONS } from '../../src/engines/regions.js';
import { BreakGlassMonitoring as MonitoringStub } from './role-monitoring-stub.js';
import { ACCOUNT, REGION, roleStack, trustPolicyOf } from './role-helpers.js';

vi.mock('../../src/constructs/monitoring.js', () => import('./role-monitoring-stub.js'));

type Statement = {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Condition: Record<string, Record<string, unknown>>;
};

describe('BreakGlassRole', () => {
  describe('defaults (usernames only)', () => {
    let stack: Stack;
    let template: Template;
    let bg: BreakGlassRole;
    beforeAll(() => {
      ({ stack, bg } = roleStack({ usernames: ['alice'] }));
      template = Template.fromStack(stack);
    });

    it('creates one tagged role with a 1 hour session and no hard-coded name', () => {
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.hasResourceProperties('AWS::IAM::Role', {
        MaxSessionDuration: 3600,
        Tags: Match.arrayWith([{ Key: 'breakglass:role', Value: 'true' }]),
        RoleName: Match.absent(),
      });
    });

    it('falls back to AdministratorAccess with a warning (never silently)', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        ManagedPolicyArns: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] },
        ],
      });
      Annotations.fromStack(stack).hasWarning('/Main/BG', Match.stringLikeRegexp('AdministratorAccess'));
    });

    it('locks AssumeRole to every region of the partition by default (one Deny for everyone)', () => {
      const statements = trustPolicyOf(stack).Statement as Statement[];
      const allow = statements.filter((s) => s.Action === 'sts:AssumeRole' && s.Effect === 'Allow');
      expect(allow).toHaveLength(1);
      expect(allow[0]?.Condition['StringEquals']?.['aws:RequestedRegion']).toBeUndefined();
      const deny = statements.filter((s) => s.Effect === 'Deny');
      expect(deny).toHaveLength(1);
      expect(deny[0]).toMatchObject({ Action: 'sts:AssumeRole', Principal: { AWS: '*' } });
      expect(new Set(deny[0]?.Condition['StringNotEquals']?.['aws:RequestedRegion'] as string[])).toEqual(
        new Set(ALL_REGIONS),
      );
      expect(new Set(bg.regions)).toEqual(new Set(ALL_REGIONS));
    });

    it('requires MFA with Bool (not BoolIfExists) and matches the user ARN exactly', () => {
      const [s] = trustPolicyOf(stack).Statement as Statement[];
      expect(s?.Condition['Bool']).toEqual({ 'aws:MultiFactorAuthPresent': 'true' });
      expect(s?.Condition['BoolIfExists']).toBeUndefined();
      expect(s?.Condition['ArnEquals']).toEqual({
        'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:user/alice`],
      });
      expect(s?.Condition['StringLike']).toBeUndefined();
    });

    it('hands the role and the alerting props to BreakGlassMonitoring', () => {
      const mon = bg.monitoring as unknown as MonitoringStub;
      expect(mon.props.roles).toEqual([bg.role]);
      expect(bg.node.tryFindChild('Monitoring')).toBe(bg.monitoring);
    });

    it('creates no deployer unless asked', () => {
      expect(bg.deployer).toBeUndefined();
    });
  });

  it('passes every alerting option through to BreakGlassMonitoring', () => {
    const { bg } = roleStack({
      usernames: ['alice'],
      loginAlertEmails: ['sec@example.com'],
      logActions: 'write',
      createTrail: true,
      regions: ['eu-west-1', 'us-east-1'],
    });
    const props = (bg.monitoring as unknown as MonitoringStub).props;
    expect(props).toMatchObject({
      loginAlertEmails: ['sec@example.com'],
      logActions: 'write',
      createTrail: true,
      regions: ['eu-west-1', 'us-east-1'],
    });
    expect(props).not.toHaveProperty('usernames');
  });

  it('fully hardened trust policy (snapshot of the policy document)', () => {
    const { stack } = roleStack({
      usernames: ['alice', 'bob'],
      federatedUsernames: ['carol@example.com'],
      federatedPermissionSets: ['BreakGlass'],
      federatedRoleNames: ['OktaAdmins'],
      trustedAccountUsers: [{ account: '444455556666', usernames: ['dave'] }],
      regions: ['eu-west-1', 'us-east-1'],
      requireSourceIdentity: true,
      requireReason: true,
    });
    const trust = trustPolicyOf(stack);
    // every AssumeRole Allow carries the source identity and Reason conditions; one Deny the Region lock
    for (const s of trust.Statement as Statement[]) {
      if (s.Action !== 'sts:AssumeRole' || s.Effect !== 'Allow') continue;
      expect(s.Condition['StringEquals']?.['sts:SourceIdentity'], s.Sid).toBeDefined();
      expect(s.Condition['Null'], s.Sid).toEqual({ 'aws:RequestTag/Reason': 'false' });
    }
    const deny = (trust.Statement as Statement[]).find((s) => s.Effect === 'Deny');
    expect(deny?.Condition['StringNotEquals']?.['aws:RequestedRegion']).toEqual(['eu-west-1', 'us-east-1']);
    const tags = (trust.Statement as Statement[]).find((s) => s.Sid === 'SessionTagsAndSourceIdentity');
    expect(tags?.Condition['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': ['Reason', 'Ticket'] });
    expect(trust).toMatchSnapshot();
  });

  it('uses the given role name, policies and session duration', () => {
    const { stack } = roleStack({
      usernames: ['alice'],
      roleName: 'BreakGlass',
      maxSessionDuration: Duration.hours(4),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      policyStatements: [
        new iam.PolicyStatement({ actions: ['rds:RestoreDBInstanceFromDBSnapshot'], resources: ['*'] }),
      ],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'BreakGlass',
      MaxSessionDuration: 14400,
      ManagedPolicyArns: [
        Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/ReadOnlyAccess'])] }),
      ],
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'rds:RestoreDBInstanceFromDBSnapshot' })] },
    });
    Annotations.fromStack(stack).hasNoWarning('/Main/BG', Match.stringLikeRegexp('AdministratorAccess'));
  });

  it('generates a physical name when another environment references the role', () => {
    const app = new App();
    const main = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
    const bg = new BreakGlassRole(main, 'BG', { usernames: ['alice'], regions: [REGION] });
    const other = new Stack(app, 'Other', { env: { account: '444455556666', region: REGION } });
    new iam.Role(other, 'R', { assumedBy: new iam.AccountRootPrincipal() }).addToPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [bg.roleArn] }),
    );
    Template.fromStack(main).hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.stringLikeRegexp('.+'),
    });
  });

  it('grantAssume gives a principal the identity-policy half', () => {
    const { stack, bg } = roleStack({ usernames: ['alice'] });
    bg.grantAssume(new iam.User(stack, 'U'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'] }),
        ],
      },
      Users: [{ Ref: Match.anyValue() }],
    });
  });

  it('creates a deployer when deployer is set', () => {
    const { stack, bg } = roleStack({
      usernames: ['alice'],
      deployer: 'bg-deployer',
      deployerPrincipals: [`arn:aws:iam::111122223333:role/ci-deploy`],
      regions: [REGION],
    });
    expect(bg.deployer).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'bg-deployer' });
  });

  describe('trust policy length (IAM "Role trust policy length" quota)', () => {
    const many = {
      usernames: Array.from({ length: 12 }, (_, i) => `break-glass-person-${i}`),
      federatedUsernames: ['carol@example.com', 'erin@example.com'],
      trustedAccountUsers: [{ account: '444455556666', usernames: ['dave', 'frank'] }],
      requireSourceIdentity: true,
    };

    it('rejects a trust policy over the default 2,048 characters at synth (not just a warning)', () => {
      expect(() => roleStack(many)).toThrow(
        /trustPolicyQuota: the trust policy is \d{4} characters .*over the "Role trust policy length" quota of 2048.*set trustPolicyQuota/,
      );
    });

    it('accepts it when trustPolicyQuota says the quota was raised', () => {
      expect(() => roleStack({ ...many, trustPolicyQuota: 4096 })).not.toThrow();
    });

    it('rejects a trustPolicyQuota outside 2048-4096', () => {
      expect(() => roleStack({ usernames: ['alice'], trustPolicyQuota: 8192 })).toThrow(
        /trustPolicyQuota: must be an integer from 2048 .* to 4096 .*\(got 8192\)/,
      );
    });

    it('counts as IAM does: compact JSON, whitespace excluded', () => {
      const { stack } = roleStack({ usernames: ['alice', 'bob'], federatedUsernames: ['carol'] });
      const length = JSON.stringify(trustPolicyOf(stack)).replace(/\s/g, '').length;
      expect(length).toBeLessThanOrEqual(2048);
    });
  });

  it('locks the role to exactly the watched Regions: the main Region and us-east-1 are always in', () => {
    // The awslabs README example: regions us-east-2 and us-west-2 on a stack in eu-west-1.
    const { stack, bg } = roleStack({ usernames: ['alice'], regions: ['us-east-2', 'us-west-2'] });
    const deny = (trustPolicyOf(stack).Statement as Statement[]).find((s) => s.Effect === 'Deny');
    const locked = new Set(deny?.Condition['StringNotEquals']?.['aws:RequestedRegion'] as string[]);
    expect(locked).toEqual(new Set(['eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2']));
    expect(new Set(bg.regions)).toEqual(locked);
  });

  describe('imported role', () => {
    it('is left untouched without canManageBreakGlassRole (info annotation says what was skipped)', () => {
      const app = new App();
      const stack = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
      new BreakGlassRole(stack, 'BG', {
        usernames: ['alice'],
        role: iam.Role.fromRoleName(stack, 'Existing', 'ExistingRole'),
        policyStatements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
        regions: [REGION],
      });
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::IAM::Role', 0);
      t.resourceCountIs('AWS::IAM::Policy', 0);
      Annotations.fromStack(stack).hasInfo('/Main/BG', Match.stringLikeRegexp('NOT attached'));
      Annotations.fromStack(stack).hasInfo('/Main/BG', Match.stringLikeRegexp('trust policy is not managed'));
    });

    it('gets the policies with canManageBreakGlassRole', () => {
      const app = new App();
      const stack = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
      const bg = new BreakGlassRole(stack, 'BG', {
        role: iam.Role.fromRoleName(stack, 'Existing', 'ExistingRole'),
        canManageBreakGlassRole: true,
        policyStatements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
        regions: [REGION],
      });
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', { Roles: ['ExistingRole'] });
      expect(bg.roleName).toBe('ExistingRole');
    });
  });

  describe('validation', () => {
    const cases: [string, Partial<BreakGlassRoleProps>, RegExp][] = [
      ['rejects a role nobody can assume', {}, /usernames: no one could assume the role.*\(got \[\]\)/],
      [
        'rejects a bad IAM user name',
        { usernames: ['al ice'] },
        /usernames\[0\]: "al ice" is not a valid IAM user name/,
      ],
      [
        'rejects duplicate user names (IAM names are case-insensitive)',
        { usernames: ['alice', 'Alice'] },
        /usernames\[1\]: duplicate IAM user name "Alice"/,
      ],
      [
        'rejects a session name with a colon',
        { federatedUsernames: ['a:b'] },
        /federatedUsernames\[0\]: "a:b" is not a valid role session name/,
      ],
      [
        'rejects a bad permission-set name',
        { federatedUsernames: ['carol'], federatedPermissionSets: ['Admin Set'] },
        /federatedPermissionSets\[0\]: .*\(got "Admin Set"\)/,
      ],
      [
        'rejects federated people with no role to come from',
        { federatedUsernames: ['carol'], federatedPermissionSets: [] },
        /federatedPermissionSets: empty/,
      ],
      [
        'rejects a bad trusted account id',
        { trustedAccountUsers: [{ account: '1234', usernames: ['dave'] }] },
        /trustedAccountUsers\[0\]\.account: account id must be 12 digits.*\(got "1234"\)/,
      ],
      [
        'rejects the own account as trusted account',
        { trustedAccountUsers: [{ account: ACCOUNT, usernames: ['dave'] }] },
        /trustedAccountUsers\[0\]\.account: is this stack's own account/,
      ],
      [
        'rejects a trusted account without users',
        { usernames: ['alice'], trustedAccountUsers: [{ account: '444455556666', usernames: [] }] },
        /trustedAccountUsers\[0\]\.usernames: empty/,
      ],
      [
        'rejects an unknown region',
        { usernames: ['alice'], regions: ['eu-west-9'] },
        /regions\[0\]: unknown Region "eu-west-9"/,
      ],
      ['rejects an empty region list', { usernames: ['alice'], regions: [] }, /regions: empty list/],
      [
        'rejects a bad email',
        { usernames: ['alice'], loginAlertEmails: ['not-an-email'] },
        /loginAlertEmails\[0\]: not an email address.*\(got "not-an-email"\)/,
      ],
      [
        'rejects a 13 hour session',
        { usernames: ['alice'], maxSessionDuration: Duration.hours(13) },
        /maxSessionDuration: must be between 1 and 12 hours.*\(got 46800 s\)/,
      ],
      [
        'rejects a 30 minute session',
        { usernames: ['alice'], maxSessionDuration: Duration.minutes(30) },
        /maxSessionDuration: .*\(got 1800 s\)/,
      ],
      [
        'rejects a bad role name',
        { usernames: ['alice'], roleName: 'break glass' },
        /roleName: not a valid IAM role name.*\(got "break glass"\)/,
      ],
      [
        'rejects deployerExists without deployer',
        { usernames: ['alice'], deployerExists: 'role' },
        /deployerExists: set without deployer/,
      ],
    ];
    it.each(cases)('%s', (_name, props, message) => {
      expect(() => roleStack(props as BreakGlassRoleProps)).toThrow(BreakGlassValidationError);
      expect(() => roleStack(props as BreakGlassRoleProps)).toThrow(message);
    });

    it('rejects an environment-agnostic stack when other regions need regional stacks', () => {
      const stack = new Stack(new App(), 'Agnostic');
      expect(
        () => new BreakGlassRole(stack, 'BG', { usernames: ['alice'], regions: ['eu-west-1', 'us-east-1'] }),
      ).toThrow(/Agnostic\/BG: regions: .*environment-agnostic.*set env/);
    });

    it('rejects a trust policy over the 4096-character maximum', () => {
      const many = Array.from({ length: 40 }, (_, i) => `person-number-${i}`);
      expect(() =>
        roleStack({
          usernames: many,
          federatedUsernames: many,
          requireSourceIdentity: true,
          trustPolicyQuota: 4096,
        }),
      ).toThrow(/quota of 4096; cover fewer Regions or list fewer people$/);
    });

    it('skips unresolved tokens', () => {
      const app = new App();
      const stack = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
      const name = new iam.User(stack, 'U').userName;
      expect(() => new BreakGlassRole(stack, 'BG', { usernames: [name], regions: [REGION] })).not.toThrow();
    });
  });
});
