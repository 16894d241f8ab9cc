import { describe, expect, it } from 'vitest';
import {
  AccessInputError,
  approvalStatement,
  autoRevokeSchedule,
  formatDuration,
  laterRevokeTime,
  parseDuration,
  parseSessionDuration,
  parseTime,
  parseTrailDate,
  personOf,
  requestTags,
  requestsFromTags,
  revokes,
  runbookMarkdown,
  samePerson,
  sessionsOf,
  sourceIdentityOf,
  universalTargetArn,
  withApproval,
  withoutExpiredApprovals,
  type PolicyDocument,
  type RunbookInput,
} from '../../../src/engines/access/index.js';

const NOW = new Date('2026-12-01T02:00:00Z');

describe('durations and times', () => {
  it.each([
    ['1h', 3600],
    ['90m', 5400],
    ['1h30m', 5400],
    ['45s', 45],
    ['PT2H', 7200],
    ['pt1h15m', 4500],
    ['2d', 172800],
  ])('parses %s', (text, seconds) => {
    expect(parseDuration(text, '--duration')).toBe(seconds);
  });

  it.each(['', '1', 'h', '1x', 'P1D', '0h', '-1h', 'soon'])('rejects %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--duration')).toThrow(
      /^--duration: .* is not a duration; use e\.g\. 1h/,
    );
  });

  it('keeps session durations inside STS limits (15 minutes to 12 hours)', () => {
    expect(parseSessionDuration('15m', 'f')).toBe(900);
    expect(parseSessionDuration('12h', 'f')).toBe(43200);
    expect(() => parseSessionDuration('14m', 'f')).toThrow(AccessInputError);
    expect(() => parseSessionDuration('12h1s', 'f')).toThrow(/outside what STS allows/);
  });

  it.each([
    [3600, '1h'],
    [5400, '1h30m'],
    [45, '45s'],
    [0, '0s'],
  ])('formats %i s as %s', (s, text) => expect(formatDuration(s)).toBe(text));

  it.each([
    ['now', '2026-12-01T02:00:00Z'],
    ['-30m', '2026-12-01T01:30:00Z'],
    ['+2h', '2026-12-01T04:00:00Z'],
    ['2026-12-01T03:04:05Z', '2026-12-01T03:04:05Z'],
    ['2026-12-01T03:04:05.678+01:00', '2026-12-01T02:04:05Z'],
  ])('parses time %s', (text, iso) => expect(parseTime(text, NOW, '--before')).toBe(iso));

  it.each(['2026-12-01', 'yesterday', '2026-12-01T03:04:05'])('rejects time %j (a zone is required)', (t) => {
    expect(() => parseTime(t, NOW, '--before')).toThrow(/^--before: .* is not a time/);
  });
});

describe('person from GetCallerIdentity', () => {
  it('an IAM user (also with a path)', () => {
    const p = personOf({
      arn: 'arn:aws:iam::111122223333:user/ops/alice',
      userId: 'AIDA1',
      account: '111122223333',
    });
    expect(p).toMatchObject({
      kind: 'iam-user',
      name: 'alice',
      principalArnPatterns: ['arn:aws:iam::111122223333:user/ops/alice'],
    });
    expect(sourceIdentityOf(p)).toBe('alice');
  });

  it('an Identity Center session: the session name, and both role ARN forms (the path is not in the session ARN)', () => {
    const p = personOf({
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Ops_abc/carol@example.com',
      userId: 'AROA1:carol@example.com',
      account: '111122223333',
    });
    expect(p.kind).toBe('role-session');
    expect(sourceIdentityOf(p)).toBe('carol@example.com');
    expect(p.principalArnPatterns).toEqual([
      'arn:aws:iam::111122223333:role/AWSReservedSSO_Ops_abc',
      'arn:aws:iam::111122223333:role/*/AWSReservedSSO_Ops_abc',
    ]);
  });

  it('rejects the root user and other callers with what to use instead', () => {
    expect(() =>
      personOf({ arn: 'arn:aws:iam::111122223333:root', userId: '1', account: '111122223333' }),
    ).toThrow(/root user.*cannot assume roles/);
    expect(() =>
      personOf({ arn: 'arn:aws:sts::111122223333:federated-user/x', userId: '1', account: '1' }),
    ).toThrow(/neither an IAM user nor a role session/);
  });

  it('same person: the same unique id, or the same name in any account and case', () => {
    expect(samePerson({ userId: 'A', name: 'bob' }, { userId: 'A', name: 'x' })).toBe(true);
    expect(samePerson({ userId: 'A', name: 'Bob' }, { userId: 'B', name: 'bob' })).toBe(true);
    expect(samePerson({ userId: 'A', name: 'alice' }, { userId: 'B', name: 'bob' })).toBe(false);
  });
});

describe('revoke cut-offs', () => {
  it('never moves a cut-off earlier', () => {
    expect(laterRevokeTime(undefined, '2026-12-01T01:00:00Z')).toBe('2026-12-01T01:00:00Z');
    expect(laterRevokeTime('2026-12-01T03:00:00Z', '2026-12-01T01:00:00Z')).toBe('2026-12-01T03:00:00Z');
    expect(laterRevokeTime('2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z')).toBe('2026-12-01T01:00:00Z');
  });
  it('covers sessions issued strictly before it', () => {
    expect(revokes('2026-12-01T01:00:00Z', '2026-12-01T00:59:59Z')).toBe(true);
    expect(revokes('2026-12-01T01:00:00Z', '2026-12-01T01:00:00Z')).toBe(false);
    expect(revokes(undefined, '2026-12-01T00:00:00Z')).toBe(false);
  });
});

describe('requests as role tags', () => {
  const r = {
    id: 'k3x9q2ab',
    at: '2026-12-01T02:00:00Z',
    requester: {
      userId: 'AIDA1',
      arn: 'arn:aws:iam::111122223333:user/bob',
      name: 'bob',
      account: '111122223333',
    },
    reason: 'CHG-42 rotate {prod} "db" password',
  };

  it('round-trips through tags whose values IAM accepts', () => {
    const tags = requestTags(r);
    for (const v of Object.values(tags)) {
      expect(v).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u);
    }
    expect(requestsFromTags({ ...tags, unrelated: 'x' })).toEqual([
      { ...r, reason: 'CHG-42 rotate _prod_ _db_ password' },
    ]);
  });

  it('keeps the approval', () => {
    const tags = requestTags({
      ...r,
      approval: { by: 'AIDA2', notBefore: '2026-12-01T02:00:00Z', notAfter: '2026-12-01T03:00:00Z' },
    });
    expect(requestsFromTags(tags)[0]?.approval).toEqual({
      by: 'AIDA2',
      notBefore: '2026-12-01T02:00:00Z',
      notAfter: '2026-12-01T03:00:00Z',
    });
  });

  it('rejects a bad request id', () => {
    expect(() => requestTags({ ...r, id: 'X Y' })).toThrow(/not a request id/);
  });
});

describe('approval statements in the trust policy', () => {
  const requester = { userId: 'AIDA1', arn: 'arn:aws:iam::111122223333:user/bob', account: '111122223333' };
  const stmt = (id: string, end: string) =>
    approvalStatement({ requestId: id, requester, notBefore: '2026-12-01T00:00:00Z', notAfter: end });
  const base: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'IamUsers', Effect: 'Allow', Action: 'sts:AssumeRole' }],
  };

  it('adds one, replaces an earlier one for the same request, prunes expired ones', () => {
    let doc = withApproval(base, stmt('aaaa', '2026-12-01T01:00:00Z'), '2026-12-01T00:00:00Z');
    doc = withApproval(doc, stmt('bbbb', '2026-12-01T05:00:00Z'), '2026-12-01T02:00:00Z');
    expect(doc.Statement.map((s) => s.Sid)).toEqual(['IamUsers', 'BreakGlassApprovalbbbb']);
    doc = withApproval(doc, stmt('bbbb', '2026-12-01T06:00:00Z'), '2026-12-01T02:00:00Z');
    expect(doc.Statement.map((s) => s.Sid)).toEqual(['IamUsers', 'BreakGlassApprovalbbbb']);
    expect(withoutExpiredApprovals(doc, '2026-12-01T07:00:00Z').Statement.map((s) => s.Sid)).toEqual([
      'IamUsers',
    ]);
  });

  it('rejects an empty window', () => {
    expect(() => stmt('aaaa', '2026-12-01T00:00:00Z')).toThrow(/window .* is empty/);
  });
});

describe('one-shot schedules', () => {
  it('auto revoke: at() in UTC, the revoke policy through the iam:putRolePolicy universal target', () => {
    const s = autoRevokeSchedule('aws', 'BreakGlass', '2026-12-01T04:00:00Z');
    expect(s.expression).toBe('at(2026-12-01T04:00:00)');
    expect(s.name).toMatch(/^breakglass-revoke-BreakGlass-20261201040000$/);
    expect(s.name.length).toBeLessThanOrEqual(64);
    expect(s.targetArn).toBe('arn:aws:scheduler:::aws-sdk:iam:putRolePolicy');
  });
  it('refuses read-only actions (the Scheduler guide lists their prefixes)', () => {
    expect(() => universalTargetArn('aws', 'iam', 'getRole')).toThrow(/read-only/);
    expect(() => universalTargetArn('aws', 'iam', 'listRoles')).toThrow(/read-only/);
    expect(universalTargetArn('aws-cn', 'iam', 'updateAssumeRolePolicy')).toBe(
      'arn:aws-cn:scheduler:::aws-sdk:iam:updateAssumeRolePolicy',
    );
  });
});

describe('sessions from CloudTrail records', () => {
  const rec = (o: Record<string, unknown>) => ({
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    eventTime: '2026-12-01T01:30:00Z',
    eventID: 'e1',
    userIdentity: { arn: 'arn:aws:iam::111122223333:user/alice' },
    requestParameters: {
      roleArn: 'arn:aws:iam::111122223333:role/BreakGlass',
      durationSeconds: 3600,
      sourceIdentity: 'alice',
    },
    responseElements: { credentials: { expiration: 'Dec 1, 2026, 2:30:00 AM' } },
    ...o,
  });
  const role = 'arn:aws:iam::111122223333:role/BreakGlass';

  it('reads the CloudTrail date form of the expiration, dedupes by event id, leaves out failures and other roles', () => {
    const s = sessionsOf(
      [
        rec({}),
        rec({}),
        rec({ eventID: 'e2', errorCode: 'AccessDenied' }),
        rec({ eventID: 'e3', requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/Other' } }),
      ],
      role,
      NOW,
      undefined,
    );
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ sourceIdentity: 'alice', active: true, revoked: false });
  });

  it.each([
    ['Dec 1, 2026, 2:30:00 AM', '2026-12-01T02:30:00.000Z'],
    ['2026-12-01T02:30:00Z', '2026-12-01T02:30:00.000Z'],
    ['2026-12-01T03:30:00+01:00', '2026-12-01T02:30:00.000Z'],
  ])('reads the trail date %j as UTC whatever the local zone', (text, iso) => {
    expect(new Date(parseTrailDate(text)).toISOString()).toBe(iso);
  });

  it('falls back to eventTime + durationSeconds without an expiration', () => {
    const [s] = sessionsOf(
      [rec({ responseElements: null, eventTime: '2026-12-01T00:30:00Z' })],
      role,
      NOW,
      undefined,
    );
    expect(s).toMatchObject({ expires: '2026-12-01T01:30:00Z', active: false });
  });
});

describe('runbook Markdown', () => {
  const input: RunbookInput = {
    configPath: 'bg.yaml',
    account: '111122223333',
    region: 'eu-west-1',
    memberAccounts: [],
    regions: ['eu-west-1'],
    iamUsers: [],
    federatedUsernames: [],
    permissionSets: ['*'],
    federatedRoleNames: [],
    trustedAccountUsers: [{ account: '444455556666', usernames: ['dave'] }],
    requireMfa: true,
    requireSourceIdentity: false,
    requireReason: false,
    maxSessionHours: 1,
    alerts: { emails: [], webhookHosts: [], topics: [], queues: [], functions: [], logGroup: false },
  };

  it('says how people of another account get in, and that no alert channel is configured', () => {
    const md = runbookMarkdown(input);
    expect(md).toContain('### IAM users of account `444455556666`: `dave`');
    expect(md).toContain('--role <break-glass role ARN>');
    expect(md).toContain('nowhere configured');
    expect(md).toContain('No break-glass users are created by this config');
  });

  it('says when nobody is named', () => {
    expect(runbookMarkdown({ ...input, trustedAccountUsers: [] })).toContain('Nobody is named in the config');
  });
});
