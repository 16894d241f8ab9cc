import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  GetRoleCommand,
  ListRoleTagsCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, CAROL, ROLE_ARN, awsError, harness, type Harness } from './access-helpers.js';

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'IamUsers',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] },
        ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:user/alice'] },
      },
    },
    // An approval whose window is over: pruned by the next approval.
    {
      Sid: 'BreakGlassApprovaloldone1',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['sts:AssumeRole'],
      Condition: { DateLessThan: { 'aws:CurrentTime': '2026-11-30T00:00:00Z' } },
    },
  ],
};

describe('breakglass request / approve', () => {
  let h: Harness;
  let tags: Record<string, string>;
  beforeEach(async () => {
    h = await harness();
    tags = { 'breakglass:role': 'true' };
    h.iam.on(GetRoleCommand).resolves({
      Role: {
        Arn: ROLE_ARN,
        RoleName: 'BreakGlass',
        Path: '/',
        RoleId: 'AROA',
        CreateDate: new Date(),
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(TRUST)),
      },
    });
    h.iam
      .on(ListRoleTagsCommand)
      .callsFake(() => ({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    h.iam.on(TagRoleCommand).callsFake((input: { Tags: { Key: string; Value: string }[] }) => {
      for (const t of input.Tags) tags[t.Key] = t.Value;
      return {};
    });
    h.iam.on(UntagRoleCommand).callsFake((input: { TagKeys: string[] }) => {
      for (const k of input.TagKeys) delete tags[k];
      return {};
    });
    h.iam.on(UpdateAssumeRolePolicyCommand).resolves({});
  });
  afterEach(() => h.done());

  async function requestAs(caller: typeof BOB): Promise<string> {
    h.sts.on(GetCallerIdentityCommand).resolves(caller);
    const r = await h.run([
      'request',
      '--role',
      ROLE_ARN,
      '--reason',
      'rotate the prod DB password',
      '--ticket',
      'CHG-42',
    ]);
    expect(r.code).toBe(0);
    return r.stdout;
  }

  it('records the request as role tags and prints its id', async () => {
    const id = await requestAs(BOB);
    expect(id).toBe('k3x9q2ab');
    expect(tags['breakglass:request:k3x9q2ab']).toBe(`2026-12-01T02:00:00Z ${BOB.UserId} ${BOB.Arn}`);
    expect(tags['breakglass:request:k3x9q2ab:reason']).toBe('CHG-42 rotate the prod DB password');
  });

  it('a second person approves: one time-bounded trust statement for exactly the requester, expired ones pruned', async () => {
    await requestAs(BOB);
    h.sts.on(GetCallerIdentityCommand).resolves(ALICE);
    const r = await h.run(['approve', 'k3x9q2ab', '--role', ROLE_ARN, '--duration', '2h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `approved k3x9q2ab: bob may assume ${ROLE_ARN} until 2026-12-01T04:00:00Z (approved by alice)`,
    );
    const doc = JSON.parse(
      h.iam.commandCalls(UpdateAssumeRolePolicyCommand)[0]!.args[0].input.PolicyDocument!,
    );
    expect(doc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      'IamUsers',
      'BreakGlassApprovalk3x9q2ab',
    ]);
    expect(doc.Statement[1]).toEqual({
      Sid: 'BreakGlassApprovalk3x9q2ab',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
      Condition: {
        DateGreaterThan: { 'aws:CurrentTime': '2026-12-01T02:00:00Z' },
        DateLessThan: { 'aws:CurrentTime': '2026-12-01T04:00:00Z' },
        StringEquals: { 'aws:userid': BOB.UserId, 'aws:RequestedRegion': ['eu-west-1'] },
        ArnLike: { 'aws:PrincipalArn': [BOB.Arn] },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['Reason', 'Ticket'] },
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      },
    });
    expect(tags['breakglass:request:k3x9q2ab:approved']).toBe(
      `${ALICE.UserId} 2026-12-01T02:00:00Z 2026-12-01T04:00:00Z`,
    );
    expect(r.stderr).toContain('pass --scheduler-role to remove it on time');
  });

  it('schedules the removal of the approval at the end of the window (--scheduler-role)', async () => {
    await requestAs(BOB);
    h.sts.on(GetCallerIdentityCommand).resolves(CAROL);
    const r = await h.run([
      'approve',
      'k3x9q2ab',
      '--role',
      ROLE_ARN,
      '--scheduler-role',
      'arn:aws:iam::111122223333:role/Sched',
    ]);
    expect(r.code).toBe(0);
    const s = h.scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(s.ScheduleExpression).toBe('at(2026-12-01T03:00:00)');
    expect(s.Target?.Arn).toBe('arn:aws:scheduler:::aws-sdk:iam:updateAssumeRolePolicy');
    expect(s.Target?.RoleArn).toBe('arn:aws:iam::111122223333:role/Sched');
    const restored = JSON.parse(JSON.parse(s.Target!.Input!).PolicyDocument);
    expect(restored.Statement.map((x: { Sid: string }) => x.Sid)).toEqual(['IamUsers']);
  });

  it('rejects approving your own request (exit 2), also from another identity with the same name', async () => {
    await requestAs(BOB);
    h.sts.on(GetCallerIdentityCommand).resolves(BOB);
    let r = await h.run(['approve', 'k3x9q2ab', '--role', ROLE_ARN]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bob made request k3x9q2ab; a second person must approve it/);
    h.sts.on(GetCallerIdentityCommand).resolves({
      Arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_abc/bob',
      UserId: 'AROAEXAMPLEADMIN0001:bob',
      Account: '111122223333',
    });
    r = await h.run(['approve', 'k3x9q2ab', '--role', ROLE_ARN]);
    expect(r.code).toBe(2);
    expect(h.iam.commandCalls(UpdateAssumeRolePolicyCommand)).toHaveLength(0);
  });

  it.each([
    [['approve', 'nosuch12', '--role', ROLE_ARN], /request "nosuch12" is not recorded on BreakGlass/],
    [['approve', 'BAD ID', '--role', ROLE_ARN], /request: "BAD ID" is not a request id/],
    [['approve', 'k3x9q2ab', '--role', ROLE_ARN, '--duration', '13h'], /--duration: 13h is longer than 12h/],
    [['request', '--role', ROLE_ARN], /--reason: required/],
  ])('rejects bad input with exit 2: %j', async (argv, message) => {
    h.sts.on(GetCallerIdentityCommand).resolves(ALICE);
    const r = await h.run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('fails with one line and exit 2 when the requester may not tag the role', async () => {
    h.sts.on(GetCallerIdentityCommand).resolves(BOB);
    h.iam
      .on(TagRoleCommand)
      .rejects(awsError('AccessDenied', 'User: bob is not authorized to perform: iam:TagRole'));
    const r = await h.run(['request', '--role', ROLE_ARN, '--reason', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/request: TagRole on BreakGlass: access denied/);
  });
});
