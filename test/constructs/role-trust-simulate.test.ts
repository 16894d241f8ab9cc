/**
 * Differential test: the synthesized trust policy is evaluated by an independent IAM engine
 * (@cloud-copilot/iam-simulate, dev dependency only) for a matrix of AssumeRole requests.
 *
 * STS authorizes `sts:TagSession` when the request carries session tags and `sts:SetSourceIdentity`
 * when it carries a source identity, in addition to `sts:AssumeRole`, all with the same request
 * context (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html);
 * the request is allowed only if every one of them is.
 */
import { resolve } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp, loadConfigFile } from '../../src/config/index.js';
import { ALL_REGIONS } from '../../src/engines/regions.js';
import { ACCOUNT, roleStack, trustPolicyOf } from './role-helpers.js';

vi.mock('../../src/constructs/monitoring.js', () => import('./role-monitoring-stub.js'));

const OTHER = '444455556666';
const STRANGER = '999988887777';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
const SSO_PATH = 'aws-reserved/sso.amazonaws.com/eu-west-1';

interface Caller {
  /** Request principal (user ARN or assumed-role session ARN). */
  principal: string;
  accountId: string;
  /** aws:PrincipalArn (the role ARN for sessions). */
  principalArn: string;
  username?: string;
  userid: string;
}

function iamUser(account: string, name: string): Caller {
  const arn = `arn:aws:iam::${account}:user/${name}`;
  return {
    principal: arn,
    accountId: account,
    principalArn: arn,
    username: name,
    userid: `AIDAEXAMPLE${name.toUpperCase()}`,
  };
}

function ssoPerson(
  name: string,
  roleArn = `arn:aws:iam::${ACCOUNT}:role/${SSO_PATH}/AWSReservedSSO_BreakGlass_0123456789abcdef`,
): Caller {
  const roleName = roleArn.split('/').pop() as string;
  return {
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${name}`,
    accountId: ACCOUNT,
    principalArn: roleArn,
    userid: `AROAEXAMPLEROLEID:${name}`,
  };
}

interface Request {
  caller: Caller;
  /** undefined = key absent (long-term access keys). */
  mfa?: 'true' | 'false';
  region?: string;
  sourceIdentity?: string;
  tags?: Record<string, string>;
}

type Policy = { Statement: Record<string, unknown>[] };

async function decide(trust: Policy, r: Request): Promise<'Allowed' | 'Denied'> {
  const ctx: Record<string, string | string[]> = {
    'aws:PrincipalArn': r.caller.principalArn,
    'aws:PrincipalAccount': r.caller.accountId,
    'aws:userid': r.caller.userid,
    'aws:RequestedRegion': r.region ?? 'eu-west-1',
  };
  if (r.caller.username) ctx['aws:username'] = r.caller.username;
  if (r.mfa !== undefined) ctx['aws:MultiFactorAuthPresent'] = r.mfa;
  if (r.sourceIdentity !== undefined) ctx['sts:SourceIdentity'] = r.sourceIdentity;
  const tags = r.tags ?? {};
  if (Object.keys(tags).length > 0) {
    ctx['aws:TagKeys'] = Object.keys(tags);
    for (const [k, v] of Object.entries(tags)) ctx[`aws:RequestTag/${k}`] = v;
  }
  const actions = ['sts:AssumeRole'];
  if (r.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  if (Object.keys(tags).length > 0) actions.push('sts:TagSession');
  for (const action of actions) {
    const result = await runSimulation(
      {
        request: {
          principal: r.caller.principal,
          action,
          resource: { resource: ROLE_ARN, accountId: ACCOUNT },
          contextVariables: ctx,
        },
        // The caller's own identity policy allows it (the trust policy is what is under test).
        identityPolicies: [
          {
            name: 'caller',
            policy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }],
            },
          },
        ],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: { Version: '2012-10-17', ...trust },
      },
      {},
    );
    if (result.resultType === 'error') throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
    if (result.overallResult !== 'Allowed') return 'Denied';
  }
  return 'Allowed';
}

const alice = iamUser(ACCOUNT, 'alice');
const ok = { mfa: 'true', region: 'eu-west-1' } as const;

describe('BreakGlassRole trust policy (evaluated by iam-simulate)', () => {
  describe('fully hardened: MFA, region lock, source identity, reason tags', () => {
    let trust: Policy;
    beforeAll(() => {
      trust = trustPolicyOf(
        roleStack({
          usernames: ['alice'],
          federatedUsernames: ['alice', 'carol'],
          federatedPermissionSets: ['BreakGlass'],
          trustedAccountUsers: [{ account: OTHER, usernames: ['dave'] }],
          regions: ['eu-west-1', 'us-east-1'],
          requireSourceIdentity: true,
          requireReason: true,
        }).stack,
      );
    });

    const full = (caller: Caller, extra: Partial<Request> = {}): Request => ({
      caller,
      ...ok,
      sourceIdentity: caller.username ?? caller.userid.split(':')[1],
      tags: { Reason: 'INC-42 database down' },
      ...extra,
    });

    const cases: [string, () => Request, 'Allowed' | 'Denied'][] = [
      ['listed IAM user with MFA, region, source identity and reason', () => full(alice), 'Allowed'],
      [
        'listed IAM user with Reason and Ticket',
        () => full(alice, { tags: { Reason: 'r', Ticket: 'INC-1' } }),
        'Allowed',
      ],
      ['listed IAM user in the second covered region', () => full(alice, { region: 'us-east-1' }), 'Allowed'],
      ['fails: listed IAM user with MFA false', () => full(alice, { mfa: 'false' }), 'Denied'],
      [
        'fails: listed IAM user with long-term keys (MFA key absent)',
        () => full(alice, { mfa: undefined }),
        'Denied',
      ],
      [
        'fails: listed IAM user in an uncovered region',
        () => full(alice, { region: 'ap-south-1' }),
        'Denied',
      ],
      [
        'fails: listed IAM user without source identity',
        () => full(alice, { sourceIdentity: undefined }),
        'Denied',
      ],
      [
        "fails: listed IAM user claiming someone else's source identity",
        () => full(alice, { sourceIdentity: 'bob' }),
        'Denied',
      ],
      ['fails: listed IAM user without reason tag', () => full(alice, { tags: {} }), 'Denied'],
      [
        'fails: listed IAM user with only a Ticket tag',
        () => full(alice, { tags: { Ticket: 'INC-1' } }),
        'Denied',
      ],
      [
        'fails: listed IAM user with an extra tag key',
        () => full(alice, { tags: { Reason: 'r', Owner: 'x' } }),
        'Denied',
      ],
      ['fails: unlisted IAM user "malice"', () => full(iamUser(ACCOUNT, 'malice')), 'Denied'],
      ['fails: unlisted IAM user "bob"', () => full(iamUser(ACCOUNT, 'bob')), 'Denied'],
      ['fails: "alice" of a stranger account', () => full(iamUser(STRANGER, 'alice')), 'Denied'],
      ['trusted-account user with MFA', () => full(iamUser(OTHER, 'dave')), 'Allowed'],
      [
        'fails: trusted-account user without MFA',
        () => full(iamUser(OTHER, 'dave'), { mfa: 'false' }),
        'Denied',
      ],
      ['fails: unlisted user of the trusted account', () => full(iamUser(OTHER, 'erin')), 'Denied'],
      [
        'fails: "alice" of the trusted account (only listed there as dave)',
        () => full(iamUser(OTHER, 'alice')),
        'Denied',
      ],
      [
        'federated person via Identity Center (mfaAuthenticated false)',
        () => full(ssoPerson('alice'), { mfa: 'false' }),
        'Allowed',
      ],
      ['second federated person', () => full(ssoPerson('carol'), { mfa: 'false' }), 'Allowed'],
      ['fails: federated "malice"', () => full(ssoPerson('malice'), { mfa: 'false' }), 'Denied'],
      ['fails: federated "alice2"', () => full(ssoPerson('alice2'), { mfa: 'false' }), 'Denied'],
      [
        'fails: federated alice claiming carol as source identity',
        () => full(ssoPerson('alice'), { mfa: 'false', sourceIdentity: 'carol' }),
        'Denied',
      ],
      [
        'fails: session "alice" of a non-Identity-Center role',
        () => full(ssoPerson('alice', `arn:aws:iam::${ACCOUNT}:role/SomeAppRole`), { mfa: 'false' }),
        'Denied',
      ],
      [
        'fails: session "alice" of another permission set',
        () =>
          full(
            ssoPerson(
              'alice',
              `arn:aws:iam::${ACCOUNT}:role/${SSO_PATH}/AWSReservedSSO_ReadOnly_0123456789abcdef`,
            ),
            {
              mfa: 'false',
            },
          ),
        'Denied',
      ],
      [
        'fails: federated alice in an uncovered region',
        () => full(ssoPerson('alice'), { region: 'sa-east-1' }),
        'Denied',
      ],
      ['fails: federated alice without reason tag', () => full(ssoPerson('alice'), { tags: {} }), 'Denied'],
    ];

    it.each(cases)('%s', async (_name, req, expected) => {
      expect(await decide(trust, req())).toBe(expected);
    });
  });

  describe('defaults: MFA on, no source identity / reason required, every region', () => {
    let trust: Policy;
    beforeAll(() => {
      trust = trustPolicyOf(roleStack({ usernames: ['alice'], federatedUsernames: ['alice'] }).stack);
    });

    const cases: [string, Request, 'Allowed' | 'Denied'][] = [
      ['listed IAM user with MFA', { caller: alice, ...ok }, 'Allowed'],
      ['listed IAM user in an opt-in region', { caller: alice, ...ok, region: 'me-central-1' }, 'Allowed'],
      [
        'listed IAM user with an optional reason tag',
        { caller: alice, ...ok, tags: { Reason: 'r' } },
        'Allowed',
      ],
      [
        'fails: listed IAM user with a non-reason tag',
        { caller: alice, ...ok, tags: { Team: 'x' } },
        'Denied',
      ],
      ['fails: listed IAM user without MFA', { caller: alice, mfa: 'false' }, 'Denied'],
      ['fails: listed IAM user with long-term keys', { caller: alice }, 'Denied'],
      [
        'fails: listed IAM user in a region outside the partition list',
        { caller: alice, ...ok, region: 'us-gov-west-1' },
        'Denied',
      ],
      ['fails: unlisted IAM user "malice"', { caller: iamUser(ACCOUNT, 'malice'), ...ok }, 'Denied'],
      ['federated alice from any permission set', { caller: ssoPerson('alice'), mfa: 'false' }, 'Allowed'],
      ['fails: federated malice', { caller: ssoPerson('malice'), mfa: 'false' }, 'Denied'],
      [
        'fails: source identity set without it being allowed',
        { caller: alice, ...ok, sourceIdentity: 'alice' },
        'Denied',
      ],
    ];

    it.each(cases)('%s', async (_name, req, expected) => {
      expect(await decide(trust, req)).toBe(expected);
    });
  });

  describe('requireMfa: false', () => {
    it('lets a listed IAM user in without MFA but still rejects unlisted users', async () => {
      const trust = trustPolicyOf(roleStack({ usernames: ['alice'], requireMfa: false }).stack);
      expect(await decide(trust, { caller: alice, mfa: 'false' })).toBe('Allowed');
      expect(await decide(trust, { caller: iamUser(ACCOUNT, 'malice'), mfa: 'true' })).toBe('Denied');
    });

    it('still requires MFA from trusted-account users', async () => {
      const trust = trustPolicyOf(
        roleStack({
          usernames: ['alice'],
          requireMfa: false,
          trustedAccountUsers: [{ account: OTHER, usernames: ['dave'] }],
        }).stack,
      );
      expect(await decide(trust, { caller: alice, mfa: 'false' })).toBe('Allowed');
      expect(await decide(trust, { caller: iamUser(OTHER, 'dave'), mfa: 'false' })).toBe('Denied');
      expect(await decide(trust, { caller: iamUser(OTHER, 'dave'), mfa: 'true' })).toBe('Allowed');
    });
  });

  describe('Region lock = the watched Regions (regions us-east-2, us-west-2 on an eu-west-1 stack)', () => {
    let trust: Policy;
    beforeAll(() => {
      trust = trustPolicyOf(roleStack({ usernames: ['alice'], regions: ['us-east-2', 'us-west-2'] }).stack);
    });

    const cases: [string, string, 'Allowed' | 'Denied'][] = [
      ['the main Region (central bus, alerts)', 'eu-west-1', 'Allowed'],
      ['us-east-1 (global STS endpoint, global events)', 'us-east-1', 'Allowed'],
      ['a listed Region', 'us-east-2', 'Allowed'],
      ['the other listed Region', 'us-west-2', 'Allowed'],
      ['fails: a Region nobody watches', 'ap-south-1', 'Denied'],
    ];
    it.each(cases)('%s', async (_name, region, expected) => {
      expect(await decide(trust, { caller: alice, mfa: 'true', region })).toBe(expected);
    });
  });

  describe('the bundled example (every Region, IAM users, Identity Center, security-account users)', () => {
    let trust: Policy;
    beforeAll(() => {
      const app = buildApp(
        loadConfigFile(resolve(import.meta.dirname, '../../examples/breakglass.config.yaml')),
      );
      const stack = app.node.findChild('BreakGlass') as Stack;
      trust = trustPolicyOf(stack);
    });

    it('fits IAM\'s default 2,048-character "Role trust policy length" (whitespace not counted)', () => {
      expect(JSON.stringify(trust).replace(/\s/g, '').length).toBeLessThanOrEqual(2048);
    });

    const reason = { Reason: 'INC-42 database down' };
    const bg1 = iamUser(OTHER, 'breakglass-1');
    const carol = ssoPerson(
      'carol@example.com',
      `arn:aws:iam::${ACCOUNT}:role/${SSO_PATH}/AWSReservedSSO_BreakGlassAccess_0123456789abcdef`,
    );
    const carolIn = (region: string): Request => ({
      caller: carol,
      mfa: 'false',
      region,
      sourceIdentity: 'carol@example.com',
      tags: reason,
    });
    const userIn = (caller: Caller, region: string): Request => ({
      caller,
      mfa: 'true',
      region,
      sourceIdentity: caller.username,
      tags: reason,
    });

    it.each(ALL_REGIONS.map((r) => [r]))('everyone listed gets in in %s', async (region) => {
      expect(await decide(trust, userIn(alice, region))).toBe('Allowed');
      expect(await decide(trust, userIn(bg1, region))).toBe('Allowed');
      expect(await decide(trust, carolIn(region))).toBe('Allowed');
    });

    const denied: [string, Request][] = [
      ['fails: a Region outside the partition list', userIn(alice, 'us-gov-west-1')],
      ['fails: security-account user without MFA', { ...userIn(bg1, 'eu-west-1'), mfa: 'false' }],
      ['fails: unlisted security-account user', userIn(iamUser(OTHER, 'breakglass-3'), 'eu-west-1')],
      ['fails: without the Reason tag', { ...userIn(alice, 'eu-west-1'), tags: { Ticket: 'INC-1' } }],
      ['fails: an extra session tag', { ...userIn(alice, 'eu-west-1'), tags: { ...reason, Team: 'x' } }],
      ['fails: without a source identity', { ...userIn(alice, 'eu-west-1'), sourceIdentity: undefined }],
      ["fails: someone else's source identity", { ...userIn(alice, 'eu-west-1'), sourceIdentity: 'bob' }],
      [
        'fails: carol through another permission set',
        { ...carolIn('eu-west-1'), caller: ssoPerson('carol@example.com') },
      ],
      ['fails: a stranger account', userIn(iamUser(STRANGER, 'alice'), 'eu-west-1')],
    ];
    it.each(denied)('%s', async (_name, req) => {
      expect(await decide(trust, req)).toBe('Denied');
    });
  });
});
