import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetRoleCommand, GetRolePolicyCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROLE_ARN, assumeEvent, awsError, harness, type Harness } from './access-helpers.js';

const ALICE_EVENT = assumeEvent({
  who: 'arn:aws:iam::111122223333:user/alice',
  at: '2026-12-01T01:30:00Z',
  expires: '2026-12-01T02:30:00Z',
  sourceIdentity: 'alice',
  reason: 'INC-1 db down',
  ip: '203.0.113.9',
});
const CAROL_EVENT = assumeEvent({
  who: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_BreakGlass_0123/carol@example.com',
  at: '2026-12-01T01:50:00Z',
  expires: '2026-12-01T02:50:00Z',
  sourceIdentity: 'carol@example.com',
  reason: 'INC-1 second pair of hands',
});
const OLD_EVENT = assumeEvent({
  who: 'arn:aws:iam::111122223333:user/bob',
  at: '2026-11-30T20:00:00Z',
  expires: '2026-11-30T21:00:00Z',
  sourceIdentity: 'bob',
});

describe('breakglass status', () => {
  let h: Harness;
  let revokeTime: string | undefined;
  beforeEach(async () => {
    h = await harness();
    revokeTime = undefined;
    h.iam.on(GetRolePolicyCommand).callsFake(() => {
      if (!revokeTime) throw awsError('NoSuchEntityException', 'none');
      return {
        PolicyDocument: encodeURIComponent(
          JSON.stringify({
            Statement: [
              {
                Effect: 'Deny',
                Action: '*',
                Resource: '*',
                Condition: { DateLessThan: { 'aws:TokenIssueTime': revokeTime } },
              },
            ],
          }),
        ),
      };
    });
    h.iam.on(GetRoleCommand).resolves({
      Role: {
        Arn: ROLE_ARN,
        RoleName: 'BreakGlass',
        Path: '/',
        RoleId: 'AROA',
        CreateDate: new Date(),
        AssumeRolePolicyDocument: '%7B%22Statement%22%3A%5B%5D%7D',
      },
    });
    h.iam.on(ListRoleTagsCommand).resolves({ Tags: [] });
    h.cloudTrail.on(LookupEventsCommand).resolves({ Events: [CAROL_EVENT, ALICE_EVENT, OLD_EVENT] });
  });
  afterEach(() => h.done());

  it('lists the active sessions with who, since when, reason and source IP; exit 1 (break-glass activity)', async () => {
    const r = await h.run(['status', '--role', ROLE_ARN, '--regions', 'eu-west-1']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toContain('2 active break-glass session(s) not revoked');
    expect(lines[1]).toBe('no revoke in force');
    expect(lines[2]).toMatch(
      /^ {2}ACTIVE {2}alice {2}since 2026-12-01T01:30:00Z {2}until 2026-12-01T02:30:00Z {2}from 203\.0\.113\.9 {2}in eu-west-1 {2}reason "INC-1 db down"/,
    );
    expect(lines[3]).toMatch(/ACTIVE {2}carol@example\.com {2}since 2026-12-01T01:50:00Z/);
    expect(r.stdout).not.toContain('user/bob');
  });

  it('marks sessions a revoke covers and exits 0 when every active one is revoked', async () => {
    revokeTime = '2026-12-01T01:55:00Z';
    const r = await h.run(['status', '--role', ROLE_ARN, '--regions', 'eu-west-1', '--all']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('revoke in force: sessions issued before 2026-12-01T01:55:00Z are denied');
    expect(r.stdout).toMatch(/REVOKED {2}alice/);
    expect(r.stdout).toMatch(/REVOKED {2}carol/);
    expect(r.stdout).toMatch(/expired {2}bob/);
  });

  it('exits 1 for a session issued after the revoke (not covered)', async () => {
    revokeTime = '2026-12-01T01:40:00Z';
    const r = await h.run(['status', '--role', ROLE_ARN, '--regions', 'eu-west-1', '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as {
      sessions: { sourceIdentity: string; revoked: boolean; active: boolean }[];
    };
    expect(json.sessions.map((s) => [s.sourceIdentity, s.revoked])).toEqual([
      ['alice', true],
      ['carol@example.com', false],
    ]);
  });

  it('exits 0 when nobody is in', async () => {
    h.cloudTrail.on(LookupEventsCommand).resolves({ Events: [OLD_EVENT] });
    const r = await h.run(['status', '--role', ROLE_ARN, '--regions', 'eu-west-1,us-east-1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 active break-glass session(s)');
    expect(h.cloudTrail.commandCalls(LookupEventsCommand)).toHaveLength(2);
  });

  it('fails with exit 2 when no Region can be searched', async () => {
    h.cloudTrail
      .on(LookupEventsCommand)
      .rejects(
        awsError('AccessDeniedException', 'User is not authorized to perform: cloudtrail:LookupEvents'),
      );
    const r = await h.run(['status', '--role', ROLE_ARN, '--regions', 'eu-west-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CloudTrail LookupEvents/);
  });

  it('fails with exit 2 without credentials', async () => {
    h.iam
      .on(GetRolePolicyCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const r = await h.run(['status', '--role', ROLE_ARN]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no valid AWS credentials/);
  });
});
