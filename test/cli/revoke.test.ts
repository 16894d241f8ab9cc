import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
} from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROLE_ARN, assumeEvent, awsError, configYaml, harness, type Harness } from './access-helpers.js';

const revokeDoc = (t: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': t } },
      },
    ],
  });

describe('breakglass revoke', () => {
  let h: Harness;
  let stored: string | undefined;
  beforeEach(async () => {
    h = await harness();
    stored = undefined;
    h.iam.on(GetRolePolicyCommand).callsFake(() => {
      if (stored === undefined)
        throw awsError(
          'NoSuchEntityException',
          'The role policy with name AWSRevokeOlderSessions cannot be found.',
        );
      return {
        RoleName: 'BreakGlass',
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: encodeURIComponent(stored),
      };
    });
    h.iam.on(PutRolePolicyCommand).callsFake((input: { PolicyDocument: string }) => {
      stored = input.PolicyDocument;
      return {};
    });
    h.iam.on(TagRoleCommand).resolves({});
    h.cloudTrail.on(LookupEventsCommand).resolves({
      Events: [
        // active, issued before the cut-off: ended
        assumeEvent({
          who: 'arn:aws:iam::111122223333:user/alice',
          at: '2026-12-01T01:30:00Z',
          expires: '2026-12-01T02:30:00Z',
          sourceIdentity: 'alice',
          reason: 'INC-1 db down',
          ip: '203.0.113.9',
        }),
        // already expired: not listed
        assumeEvent({
          who: 'arn:aws:iam::111122223333:user/bob',
          at: '2026-11-30T20:00:00Z',
          expires: '2026-11-30T21:00:00Z',
          sourceIdentity: 'bob',
        }),
        // failed attempt: not a session
        assumeEvent({
          who: 'arn:aws:iam::999988887777:user/eve',
          at: '2026-12-01T01:45:00Z',
          expires: '',
          errorCode: 'AccessDenied',
        }),
      ],
    });
  });
  afterEach(() => h.done());

  it('puts the deny on aws:TokenIssueTime, lists the sessions it ends, re-applies after propagation and reads it back', async () => {
    const r = await h.run([
      'revoke',
      '--role',
      ROLE_ARN,
      '--reason',
      'INC-1 resolved',
      '--regions',
      'eu-west-1',
    ]);
    expect(r.code).toBe(0);
    const puts = h.iam.commandCalls(PutRolePolicyCommand);
    expect(puts).toHaveLength(2);
    expect(puts[0]!.args[0].input.RoleName).toBe('BreakGlass');
    expect(puts[0]!.args[0].input.PolicyName).toBe('AWSRevokeOlderSessions');
    expect(JSON.parse(puts[0]!.args[0].input.PolicyDocument!)).toEqual(
      JSON.parse(revokeDoc('2026-12-01T02:00:00Z')),
    );
    expect(h.sleeps).toEqual([10_000]);
    expect(h.iam.commandCalls(TagRoleCommand)[0]!.args[0].input.Tags).toEqual([
      { Key: 'breakglass:revoke', Value: '2026-12-01T02:00:00Z INC-1 resolved' },
    ]);
    expect(r.stdout).toContain(
      'every session of arn:aws:iam::111122223333:role/BreakGlass issued before 2026-12-01T02:00:00Z is denied',
    );
    expect(r.stdout).toContain('sessions ended (1):');
    expect(r.stdout).toMatch(
      /alice {2}since 2026-12-01T01:30:00Z .*from 203\.0\.113\.9 .*reason "INC-1 db down"/,
    );
    expect(r.stdout).not.toContain('user/bob');
    expect(r.stdout).not.toContain('user/eve');
    expect(r.stdout).toContain('re-applied after 10s and read back: in force');
    const lookup = h.cloudTrail.commandCalls(LookupEventsCommand)[0]!.args[0].input;
    expect(lookup.LookupAttributes).toEqual([{ AttributeKey: 'ResourceName', AttributeValue: ROLE_ARN }]);
  });

  it('never moves an existing cut-off earlier', async () => {
    stored = revokeDoc('2026-12-01T02:30:00Z');
    const r = await h.run(['revoke', '--role', ROLE_ARN, '--before', '-1h', '--reapply-after', '0']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(h.iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input.PolicyDocument!);
    expect(doc.Statement[0].Condition.DateLessThan['aws:TokenIssueTime']).toBe('2026-12-01T02:30:00Z');
    expect(r.stderr).toContain('already revokes sessions issued before 2026-12-01T02:30:00Z');
    expect(h.sleeps).toEqual([]);
  });

  it('--dry-run prints the policy JSON on stdout and calls nothing', async () => {
    const r = await h.run(['revoke', '--role', ROLE_ARN, '--dry-run', '--before', '2026-12-01T01:00:00Z']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(revokeDoc('2026-12-01T01:00:00Z')));
    expect(h.iam.calls()).toHaveLength(0);
    expect(h.sts.calls()).toHaveLength(0);
    expect(h.cloudTrail.calls()).toHaveLength(0);
  });

  it('--undo removes the policy; says so when there was none', async () => {
    h.iam
      .on(DeleteRolePolicyCommand)
      .resolvesOnce({})
      .rejects(awsError('NoSuchEntityException', 'not found'));
    h.iam.on(UntagRoleCommand).resolves({});
    let r = await h.run(['revoke', '--role', ROLE_ARN, '--undo']);
    expect(r.code).toBe(0);
    expect(h.iam.commandCalls(DeleteRolePolicyCommand)[0]!.args[0].input).toEqual({
      RoleName: 'BreakGlass',
      PolicyName: 'AWSRevokeOlderSessions',
    });
    expect(r.stdout).toContain('removed AWSRevokeOlderSessions from BreakGlass');
    r = await h.run(['revoke', '--role', ROLE_ARN, '--undo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to undo');
  });

  it('prints the Identity Center deny (identitystore:userId) and calls nothing', async () => {
    const r = await h.run(['revoke', '--identity-center-user', '906702bf7a-1b2c3d4e']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Statement[0].Condition).toEqual({
      StringEquals: { 'identitystore:userId': '906702bf7a-1b2c3d4e' },
    });
    expect(h.iam.calls()).toHaveLength(0);
  });

  it('searches every covered Region of the config and goes on when one cannot be searched', async () => {
    const config = h.file('bg.yaml', configYaml());
    h.cloudTrail.on(LookupEventsCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      if (region === 'us-east-1') throw awsError('AccessDeniedException', 'not allowed');
      return { Events: [] };
    });
    const r = await h.run(['revoke', '--config', config, '--reapply-after', '0']);
    expect(r.code).toBe(0);
    expect(h.cloudTrail.commandCalls(LookupEventsCommand)).toHaveLength(2);
    expect(r.stderr).toMatch(/CloudTrail in us-east-1 could not be searched \(AccessDeniedException/);
    expect(r.stdout).toContain('sessions ended: none active');
  });

  it('exits 1 when the policy does not read back after the propagation window', async () => {
    h.iam.on(GetRolePolicyCommand).rejects(awsError('NoSuchEntityException', 'gone'));
    const r = await h.run(['revoke', '--role', ROLE_ARN, '--regions', 'eu-west-1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/reads back missing; run breakglass revoke again/);
  });

  it.each([
    [['revoke'], /--role: required/],
    [['revoke', '--role', ROLE_ARN, '--before', 'yesterday'], /--before: "yesterday" is not a time/],
    [['revoke', '--role', ROLE_ARN, '--undo', '--dry-run'], /--undo: cannot be combined/],
    [['revoke', '--role', ROLE_ARN, '--regions', 'mars-1'], /--regions: "mars-1" is not a Region code/],
    [
      ['revoke', '--identity-center-user', 'a b'],
      /--identity-center-user: "a b" is not an Identity Store user id/,
    ],
  ])('rejects bad input with exit 2: %j', async (argv, message) => {
    const r = await h.run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('fails with one line and exit 2 when IAM denies the change', async () => {
    h.iam
      .on(PutRolePolicyCommand)
      .rejects(awsError('AccessDenied', 'User: x is not authorized to perform: iam:PutRolePolicy'));
    const r = await h.run(['revoke', '--role', ROLE_ARN]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: revoke: PutRolePolicy on BreakGlass: access denied .*the README lists the IAM actions/,
    );
  });
});
