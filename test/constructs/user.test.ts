import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BreakGlassUser, type BreakGlassUserProps } from '../../src/constructs/break-glass-user.js';
import { BreakGlassMonitoring as MonitoringStub } from './role-monitoring-stub.js';
import { ACCOUNT, REGION, flatten } from './role-helpers.js';

vi.mock('../../src/constructs/monitoring.js', () => import('./role-monitoring-stub.js'));

const MEMBER_ROLE = 'arn:aws:iam::444455556666:role/BreakGlass';

function userStack(props: Partial<BreakGlassUserProps>) {
  const app = new App();
  const stack = new Stack(app, 'Security', { env: { account: ACCOUNT, region: REGION } });
  const u = new BreakGlassUser(stack, 'BGUser', {
    usernames: ['alice'],
    regions: [REGION],
    assumableRoles: [iam.Role.fromRoleArn(stack, 'Member', MEMBER_ROLE)],
    ...props,
  });
  return { stack, u };
}

describe('BreakGlassUser', () => {
  let stack: Stack;
  let u: BreakGlassUser;
  let template: Template;
  let policy: { Statement: unknown[] };
  beforeAll(() => {
    ({ stack, u } = userStack({ usernames: ['alice', 'bob'] }));
    template = Template.fromStack(stack);
    const [p] = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: unknown };
    }[];
    policy = flatten(p?.Properties.PolicyDocument) as { Statement: unknown[] };
  });

  it('creates tagged users in one group, with no password and no access key', () => {
    template.resourceCountIs('AWS::IAM::User', 2);
    template.resourceCountIs('AWS::IAM::Group', 1);
    template.resourceCountIs('AWS::IAM::AccessKey', 0);
    template.allResourcesProperties('AWS::IAM::User', {
      LoginProfile: Match.absent(),
      Tags: Match.arrayWith([{ Key: 'breakglass:user', Value: 'true' }]),
      Groups: [{ Ref: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::IAM::User', { UserName: 'alice' });
    expect(Object.keys(u.users)).toEqual(['alice', 'bob']);
  });

  it('gives the users only the Force-MFA guard and AssumeRole on the listed roles (policy snapshot)', () => {
    expect(policy).toMatchSnapshot();
  });

  it('hands the users and alerting props to BreakGlassMonitoring', () => {
    const mon = u.monitoring as unknown as MonitoringStub;
    expect(mon.props.users).toEqual(Object.values(u.users));
    expect(mon.props.regions).toEqual([REGION]);
  });

  describe('evaluated by iam-simulate', () => {
    const decide = async (action: string, resource: string, mfa: 'true' | 'false' | undefined) => {
      const ctx: Record<string, string> = { 'aws:username': 'alice', 'aws:RequestedRegion': REGION };
      if (mfa) ctx['aws:MultiFactorAuthPresent'] = mfa;
      const r = await runSimulation(
        {
          request: {
            principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
            action,
            resource: { resource, accountId: resource.split(':')[4] || ACCOUNT },
            contextVariables: ctx,
          },
          identityPolicies: [{ name: 'bg', policy: { Version: '2012-10-17', ...policy } }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          // Member-account roles trust the security account (the identity policy is under test).
          resourcePolicy: resource.includes(':role/')
            ? {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                    Action: 'sts:AssumeRole',
                  },
                ],
              }
            : undefined,
        },
        {},
      );
      if (r.resultType === 'error') throw new Error(JSON.stringify(r.errors));
      return r.overallResult;
    };
    const self = `arn:aws:iam::${ACCOUNT}:user/alice`;

    it.each([
      ['enrols an MFA device without MFA', 'iam:EnableMFADevice', self, 'false', 'Allowed'],
      ['changes its own password without MFA', 'iam:ChangePassword', self, 'false', 'Allowed'],
      [
        'fails: assume the member role without MFA',
        'sts:AssumeRole',
        MEMBER_ROLE,
        'false',
        'ExplicitlyDenied',
      ],
      [
        'fails: assume the member role with long-term keys',
        'sts:AssumeRole',
        MEMBER_ROLE,
        undefined,
        'ExplicitlyDenied',
      ],
      ['assumes the member role with MFA', 'sts:AssumeRole', MEMBER_ROLE, 'true', 'Allowed'],
      [
        'fails: assume another role even with MFA',
        'sts:AssumeRole',
        'arn:aws:iam::444455556666:role/Other',
        'true',
        'ImplicitlyDenied',
      ],
      [
        'fails: enrol MFA for another user',
        'iam:EnableMFADevice',
        `arn:aws:iam::${ACCOUNT}:user/bob`,
        'true',
        'ImplicitlyDenied',
      ],
      [
        'fails: deactivate its MFA device without MFA',
        'iam:DeactivateMFADevice',
        self,
        'false',
        'ExplicitlyDenied',
      ],
    ] as const)('%s', async (_n, action, resource, mfa, expected) => {
      expect(await decide(action, resource, mfa)).toBe(expected);
    });
  });

  it('rejects an empty user list', () => {
    expect(() => userStack({ usernames: [] })).toThrow(/BGUser: usernames: empty.*\(got \[\]\)/);
  });

  it('rejects a bad user name', () => {
    expect(() => userStack({ usernames: ['bad/name'] })).toThrow(
      /usernames\[0\]: "bad\/name" is not a valid IAM user name/,
    );
  });

  it('rejects duplicate user names', () => {
    expect(() => userStack({ usernames: ['bob', 'BOB'] })).toThrow(/usernames\[1\]: duplicate/);
  });

  it('rejects a bad alert email', () => {
    expect(() => userStack({ loginAlertEmails: ['x@'] })).toThrow(/loginAlertEmails\[0\]: .*\(got "x@"\)/);
  });
});
