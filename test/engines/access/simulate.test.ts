/**
 * Differential tests: the revoke policy and the approval statement are evaluated by an independent
 * IAM engine (@cloud-copilot/iam-simulate, dev dependency only).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import {
  approvalStatement,
  revokePolicyDocument,
  withApproval,
  type PolicyDocument,
} from '../../../src/engines/access/index.js';

const ACCOUNT = '111122223333';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/BreakGlass/alice`;

type Ctx = Record<string, string | string[]>;

async function allowed(opts: {
  principal: string;
  action: string;
  resource: string;
  context: Ctx;
  identity: PolicyDocument[];
  trust?: PolicyDocument;
}): Promise<boolean> {
  const result = await runSimulation(
    {
      request: {
        principal: opts.principal,
        action: opts.action,
        resource: { resource: opts.resource, accountId: ACCOUNT },
        contextVariables: opts.context,
      },
      identityPolicies: opts.identity.map((policy, i) => ({ name: `p${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(opts.trust ? { resourcePolicy: opts.trust } : {}),
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed';
}

const admin: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

describe('revoke policy (evaluated by iam-simulate)', () => {
  const cutoff = '2026-12-01T02:30:00Z';
  const call = (issued: string, identity: PolicyDocument[]) =>
    allowed({
      principal: SESSION_ARN,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::prod-data/backup.sql',
      context: { 'aws:TokenIssueTime': issued, 'aws:PrincipalArn': ROLE_ARN },
      identity,
    });

  it.each([
    ['an hour before the cut-off', '2026-12-01T01:30:00Z', false],
    ['a second before the cut-off', '2026-12-01T02:29:59Z', false],
    ['at the cut-off itself (DateLessThan is strict)', '2026-12-01T02:30:00Z', true],
    ['a minute after the cut-off', '2026-12-01T02:31:00Z', true],
  ])('a session issued %s is %s', async (_name, issued, expected) => {
    expect(await call(issued, [admin, revokePolicyDocument(cutoff)])).toBe(expected);
  });

  it('the same old session is allowed without the revoke policy (the deny is what ends it)', async () => {
    expect(await call('2026-12-01T01:30:00Z', [admin])).toBe(true);
  });

  it('denies IAM actions too (an old session cannot remove its own revoke)', async () => {
    expect(
      await allowed({
        principal: SESSION_ARN,
        action: 'iam:DeleteRolePolicy',
        resource: ROLE_ARN,
        context: { 'aws:TokenIssueTime': '2026-12-01T01:00:00Z', 'aws:PrincipalArn': ROLE_ARN },
        identity: [admin, revokePolicyDocument(cutoff)],
      }),
    ).toBe(false);
  });
});

describe('approval statement (evaluated by iam-simulate)', () => {
  const notBefore = '2026-12-01T10:00:00Z';
  const notAfter = '2026-12-01T11:00:00Z';
  const bob = {
    arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
    userId: 'AIDAEXAMPLEBOB0000001',
    account: ACCOUNT,
  };
  const carol = {
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Ops_0123456789abcdef/carol@example.com`,
    userId: 'AROAEXAMPLEOPSROLE001:carol@example.com',
    account: ACCOUNT,
  };
  const carolRole = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Ops_0123456789abcdef`;
  const base: PolicyDocument = { Version: '2012-10-17', Statement: [] };
  const trustFor = (requester: typeof bob) =>
    withApproval(
      base,
      approvalStatement({ requestId: 'r1a2b3', requester, notBefore, notAfter, regions: ['eu-west-1'] }),
      '2026-12-01T09:59:00Z',
    );

  interface Caller {
    principal: string;
    principalArn: string;
    userid: string;
    username?: string;
    mfa?: string;
  }
  const bobCaller: Caller = {
    principal: bob.arn,
    principalArn: bob.arn,
    userid: bob.userId,
    username: 'bob',
    mfa: 'true',
  };
  const carolCaller: Caller = {
    principal: carol.arn,
    principalArn: carolRole,
    userid: carol.userId,
    mfa: 'false',
  };
  const dave: Caller = {
    principal: `arn:aws:iam::${ACCOUNT}:user/dave`,
    principalArn: `arn:aws:iam::${ACCOUNT}:user/dave`,
    userid: 'AIDAEXAMPLEDAVE000001',
    username: 'dave',
    mfa: 'true',
  };
  // Someone who names their own session like the requester, from another role.
  const impostor: Caller = {
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/Dev/carol@example.com`,
    principalArn: `arn:aws:iam::${ACCOUNT}:role/Dev`,
    userid: 'AROAEXAMPLEDEVROLE001:carol@example.com',
    mfa: 'false',
  };
  // The requester's name in another account.
  const otherAccountBob: Caller = {
    principal: 'arn:aws:iam::444455556666:user/bob',
    principalArn: 'arn:aws:iam::444455556666:user/bob',
    userid: 'AIDAEXAMPLEOTHERBOB01',
    username: 'bob',
    mfa: 'true',
  };

  /** AssumeRole with a Reason tag and a source identity: all three actions must be allowed. */
  async function assume(
    trust: PolicyDocument,
    c: Caller,
    at: string,
    region = 'eu-west-1',
  ): Promise<boolean> {
    const account = /:(\d{12}):/.exec(c.principal)?.[1] ?? ACCOUNT;
    const context: Ctx = {
      'aws:CurrentTime': at,
      'aws:PrincipalArn': c.principalArn,
      'aws:PrincipalAccount': account,
      'aws:userid': c.userid,
      'aws:RequestedRegion': region,
      'aws:TagKeys': ['Reason'],
      'aws:RequestTag/Reason': 'INC-9 approved change',
      'sts:SourceIdentity': c.username ?? 'carol@example.com',
    };
    if (c.username) context['aws:username'] = c.username;
    if (c.mfa) context['aws:MultiFactorAuthPresent'] = c.mfa;
    for (const action of ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']) {
      const ok = await allowed({
        principal: c.principal,
        action,
        resource: ROLE_ARN,
        context,
        identity: [
          { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] },
        ],
        trust,
      });
      if (!ok) return false;
    }
    return true;
  }

  const times = [
    ['before the window', '2026-12-01T09:59:59Z', false],
    ['at its start', '2026-12-01T10:00:01Z', true],
    ['inside it', '2026-12-01T10:30:00Z', true],
    ['just before its end', '2026-12-01T10:59:59Z', true],
    ['after it', '2026-12-01T11:00:01Z', false],
    ['a day later', '2026-12-02T10:30:00Z', false],
  ] as const;

  it.each(times)('the approved IAM user is allowed only inside the window: %s', async (_n, at, expected) => {
    expect(await assume(trustFor(bob), bobCaller, at)).toBe(expected);
  });

  it.each(times)(
    'the approved Identity Center person is allowed only inside the window: %s',
    async (_n, at, expected) => {
      expect(await assume(trustFor(carol), carolCaller, at)).toBe(expected);
    },
  );

  it.each([
    ['another IAM user', dave],
    ['the same name in another account', otherAccountBob],
    ['the Identity Center person (not the one approved)', carolCaller],
  ])('rejects %s at every time, inside the window too', async (_n, who) => {
    for (const [, at] of times) expect(await assume(trustFor(bob), who, at)).toBe(false);
  });

  it('rejects a session named like the approved person from another role', async () => {
    for (const [, at] of times) expect(await assume(trustFor(carol), impostor, at)).toBe(false);
  });

  it('rejects the approved IAM user without MFA, and outside the Region lock', async () => {
    const at = '2026-12-01T10:30:00Z';
    expect(await assume(trustFor(bob), { ...bobCaller, mfa: 'false' }, at)).toBe(false);
    expect(await assume(trustFor(bob), { ...bobCaller, mfa: undefined }, at)).toBe(false);
    expect(await assume(trustFor(bob), bobCaller, at, 'us-west-2')).toBe(false);
  });
});
