import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../src/engines/cloudtrail/record.js';
import { iamActionsOf, type ActionClassifier } from '../../../src/engines/cloudtrail/actions.js';
import {
  buildSessions,
  roleKeyOf,
  selectorsOf,
  type Session,
  type SessionPrincipals,
} from '../../../src/engines/cloudtrail/sessions.js';
import { classifierOf, resolveAccessLevels } from '../../../src/report/access-levels.js';

const fixtures = join(import.meta.dirname, 'fixtures');
function load(name: string): CloudTrailRecord[] {
  const f = JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as {
    provenance: string;
    records: CloudTrailRecord[];
  };
  expect(f.provenance.length).toBeGreaterThan(20);
  return f.records;
}

interface Expected {
  status?: string;
  wayIn?: string;
  role?: string;
  principal?: string;
  start?: string;
  end?: string;
  durationSeconds?: number;
  regions?: string[];
  accounts?: string[];
  chainedRoles?: string[];
  sourceIdentity?: string;
  sessionName?: string;
  person?: string;
  mfa?: boolean;
  tags?: Record<string, string>;
  total?: number;
  read?: number;
  write?: number;
  failed?: number;
  calls?: number;
  attempts?: number;
  keys?: string[];
  order?: string[];
  eventNames?: Record<string, number>;
  riskyCategories?: Record<string, number>;
}
interface Case {
  name: string;
  source: string;
  principals: SessionPrincipals;
  expected: Expected[];
}

function tally(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** The observable part of a session, restricted to what the case states. */
function view(s: Session, e: Expected): Expected {
  const full: Required<Expected> = {
    status: s.status,
    wayIn: s.wayIn,
    role: (s.roleArn ?? '').split('/').pop() ?? '',
    principal: s.principal,
    start: s.start,
    end: s.end,
    durationSeconds: s.durationSeconds,
    regions: [...s.regions],
    accounts: [...s.accounts],
    chainedRoles: [...s.chainedRoles],
    sourceIdentity: s.sourceIdentity ?? '',
    sessionName: s.sessionName ?? '',
    person: s.person.name ?? '',
    mfa: s.person.mfa ?? false,
    tags: { ...s.tags },
    total: s.counts.total,
    read: s.counts.read,
    write: s.counts.write,
    failed: s.actions.filter((a) => a.errorCode).length,
    calls: s.counts.calls,
    attempts: s.counts.attempts,
    keys: [...s.accessKeyIds],
    order: s.actions.map((a) => a.eventId ?? ''),
    eventNames: tally(s.actions.map((a) => a.eventName)),
    riskyCategories: tally(s.risky.map((a) => a.risk?.category ?? '')),
  };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(e)) out[k] = full[k as keyof Expected];
  return out as Expected;
}

const cases = JSON.parse(readFileSync(join(fixtures, 'session-cases.json'), 'utf8')) as Case[];
let classify: ActionClassifier;

beforeAll(async () => {
  const all = [
    'stratus-red-team.json',
    'awsdocs-examples.json',
    'chained-two-regions.json',
    'signin-and-denials.json',
  ].flatMap(load);
  classify = classifierOf(await resolveAccessLevels(all.flatMap(iamActionsOf)));
});

describe('buildSessions (fixtures)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const sessions = buildSessions(load(c.source), { principals: c.principals, classify });
      expect(sessions.map((s, i) => view(s, c.expected[i] ?? {}))).toEqual(c.expected);
      expect(sessions.map((s) => s.id)).toEqual(c.expected.map((_, i) => `S${i + 1}`));
    });
  }
});

describe('buildSessions (properties)', () => {
  it('does not depend on the order records arrive in', () => {
    const recs = [...load('chained-two-regions.json'), ...load('stratus-red-team.json')];
    const principals = {
      roleArns: ['arn:aws:iam::111111111111:role/BreakGlass', 'stratus-red-team-ec2-get-password-data-role'],
      userNames: [],
    };
    const forward = buildSessions(recs, { principals, classify });
    const backward = buildSessions([...recs].reverse(), { principals, classify });
    expect(backward).toEqual(forward);
    expect(forward.length).toBe(5);
  });

  it('counts a record read twice once', () => {
    const recs = load('chained-two-regions.json');
    const principals = { roleArns: ['arn:aws:iam::111111111111:role/BreakGlass'], userNames: [] };
    const once = buildSessions(recs, { principals, classify });
    const twice = buildSessions([...recs, ...recs], { principals, classify });
    expect(twice[0]?.counts.total).toBe(once[0]?.counts.total);
  });

  it('opens an Unseen session for calls whose way in is outside the input', () => {
    const recs = load('chained-two-regions.json').filter((r) => r.eventID !== 'e01');
    const sessions = buildSessions(recs, {
      principals: { roleArns: ['arn:aws:iam::111111111111:role/BreakGlass'], userNames: [] },
      classify,
    });
    expect(sessions.map((s) => [s.wayIn, s.start, s.counts.total])).toEqual([
      ['Unseen', '2026-03-01T10:01:00Z', 9],
    ]);
    expect(sessions[0]?.sessionName).toBe('alice');
  });

  it('classifies unknown actions as Unknown without a classifier', () => {
    const sessions = buildSessions(load('chained-two-regions.json'), {
      principals: { roleArns: ['BreakGlass'], userNames: [] },
    });
    // 10 records: the way in, 8 successful calls and 1 denied attempt.
    expect(sessions[0]?.counts.calls).toBe(8);
    expect(sessions[0]?.counts.byLevel.Unknown).toBe(8);
    expect(sessions[0]?.counts.attemptsByLevel.Unknown).toBe(1);
    expect(sessions[0]?.counts.read).toBe(0);
  });

  it('gives the second pass every credential the sessions used', () => {
    const recs = load('chained-two-regions.json');
    const wayIns = recs.filter((r) => r.eventSource === 'sts.amazonaws.com');
    const sessions = buildSessions(wayIns, {
      principals: { roleArns: ['arn:aws:iam::111111111111:role/BreakGlass'], userNames: [] },
    });
    expect(selectorsOf(sessions, wayIns)).toEqual({
      accessKeyIds: ['ASIABG1', 'ASIAOPS1'],
      assumedRoleArns: [
        'arn:aws:sts::111111111111:assumed-role/BreakGlass/alice',
        'arn:aws:sts::222222222222:assumed-role/Ops/alice',
      ],
      sourceIdentities: ['alice'],
    });
  });

  it('matches roles by account and name whatever the path, and bare names in any account', () => {
    expect(roleKeyOf('arn:aws:iam::123456789012:role/team/ops/BreakGlass')).toBe('123456789012:BreakGlass');
    expect(roleKeyOf('arn:aws:sts::123456789012:assumed-role/BreakGlass/alice')).toBe(
      '123456789012:BreakGlass',
    );
    expect(roleKeyOf('BreakGlass')).toBe('*:BreakGlass');
    expect(roleKeyOf('not a role arn')).toBeUndefined();
  });
});
