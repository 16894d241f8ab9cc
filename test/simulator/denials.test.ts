/**
 * Denied AssumeRole attempts in every wording AWS documents reach a person, keyed on the full role ARN;
 * the scenario generator writes every wording, so `verify` shows a pattern that knows only some of them.
 * Fixtures: test/simulator/fixtures/denials (provenance per case).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toEventBridgeEvent, type CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import {
  buildModel,
  simulateEvents,
  verifyModel,
  type StackInput,
  type SystemModel,
} from '../../src/simulator/index.js';
import { DENIAL_WORDINGS, wordingsForRegion } from '../../src/simulator/denials.js';
import { iamUserIdentity, signinRecord, stsAssumeRecord } from '../../src/simulator/records.js';
import { stacksOfConfig } from './config-stacks.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
const ROLE = 'arn:aws:iam::111122223333:role/BreakGlass';
type Json = Record<string, unknown>;
interface Case {
  readonly name: string;
  readonly provenance: string;
  readonly record: Json;
}
const fixture = (file: string): Case[] =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'denials', file), 'utf8')) as {
      cases: Case[];
    }
  ).cases;
const denied = fixture('denied-assume-role.json');
const notOurs = fixture('not-our-role.json');

let stacks: StackInput[];
let model: SystemModel;

beforeAll(() => {
  stacks = stacksOfConfig([
    "account: '111122223333'",
    'region: eu-west-1',
    'role:',
    '  usernames: [alice]',
    '  roleName: BreakGlass',
    '  managedPolicies: [ReadOnlyAccess]',
    `  regions: [${REGIONS.join(', ')}]`,
    '  loginAlertEmails: [sec@example.com]',
    'users:',
    "  account: '444455556666'",
    '  region: eu-west-1',
    '  usernames: [breakglass-1]',
    '  loginAlertEmails: [sec@example.com]',
    `  regions: [${REGIONS.join(', ')}]`,
  ]);
  model = buildModel(stacks);
}, 180_000);

function simulate(m: SystemModel, records: readonly Json[]) {
  return simulateEvents(
    m,
    records.map((r, i) => ({
      file: 'fixture',
      position: i + 1,
      record: r as unknown as CloudTrailRecord,
      event: toEventBridgeEvent(r as unknown as CloudTrailRecord),
    })),
  );
}

/**
 * Reached a person: alerted at once, or counted by the denied-attempt handling on the central bus
 * (denied attempts may be summarised rather than paged one by one).
 */
const caught = (r: { alerted: boolean; deliveries: readonly unknown[] } | undefined) =>
  r !== undefined && (r.alerted || r.deliveries.length > 0);

/** The same record with the role ARN in the error message spelled in other letter case. */
function otherCase(c: Case, spell: (s: string) => string): Json {
  const msg = String(c.record['errorMessage']);
  return { ...c.record, errorMessage: msg.replace(ROLE, spell(ROLE)) };
}
const mixed = (arn: string) => arn.replace('role/BreakGlass', 'role/breakGLASS');

describe('denied AssumeRole: every documented wording', () => {
  it('has one fixture per documented wording, each with its provenance', () => {
    expect(denied.length).toBeGreaterThanOrEqual(DENIAL_WORDINGS.length);
    for (const c of denied) {
      expect(c.provenance).toMatch(/https:\/\/|stratus-red-team/);
      expect(c.record['requestParameters']).toBeNull();
      expect(String(c.record['errorMessage'])).toContain(`on resource: ${ROLE}`);
    }
  });

  for (const c of denied) {
    it(`simulate alerts: ${c.name}`, () => {
      const [r] = simulate(model, [c.record]);
      expect(caught(r), c.name).toBe(true);
    });
  }

  it('simulate alerts the end-of-message form with the role ARN in other letter case', () => {
    const c = denied.find((x) => x.name.startsWith('no context')) as Case;
    for (const spell of [mixed, (s: string) => s.toLowerCase(), (s: string) => s.toUpperCase()]) {
      const [r] = simulate(model, [otherCase(c, spell)]);
      expect(caught(r), spell(ROLE)).toBe(true);
    }
  });

  it('does not alert on other roles whose ARN contains ours, nor on messages that name no resource', () => {
    const results = simulate(
      model,
      notOurs.map((c) => c.record),
    );
    const reached = results.map((r, i) => (r.deliveries.length > 0 ? notOurs[i]?.name : undefined));
    expect(reached.filter(Boolean)).toEqual([]);
    expect(results).toHaveLength(notOurs.length);
  });
});

describe('verify writes every denial wording', () => {
  it('spreads the wordings over the Regions: each once per role, linear in Regions + wordings', () => {
    for (const n of [1, 2, 5, DENIAL_WORDINGS.length, 34]) {
      const spread = Array.from({ length: n }, (_, i) => wordingsForRegion(i, n).map((w) => w.id));
      expect(new Set(spread.flat())).toEqual(new Set(DENIAL_WORDINGS.map((w) => w.id)));
      expect(spread.flat().length).toBe(Math.max(n, DENIAL_WORDINGS.length));
    }
  });

  it('catches a stranger’s denied AssumeRole in every wording with today’s patterns', () => {
    const result = verifyModel(model, { regions: REGIONS });
    const strangers = result.scenarios.filter((s) => s.wayIn === 'AssumeRole' && s.actor === 'stranger');
    expect(strangers.map((s) => s.variant).sort()).toEqual(
      DENIAL_WORDINGS.map((w) => `denial wording ${w.id}`).sort(),
    );
    expect(strangers.filter((s) => s.deliveries.length === 0).map((s) => s.variant)).toEqual([]);
  });

  it('shows the gap the old two-wording pattern (end of message, or " because ") leaves', () => {
    // Rewrites every errorMessage matcher back to the old form, whatever the ARN's intrinsic shape.
    let replaced = 0;
    const toOld = (m: unknown): unknown => {
      const o = m as Json;
      if ('suffix' in o) {
        replaced++;
        return { suffix: (o['suffix'] as Json)['equals-ignore-case'] ?? o['suffix'] };
      }
      // `*on resource: <ARN> *` → `*on resource: <ARN> because *` (a string, or the last part of a Fn::Join)
      const because = (v: unknown): unknown => {
        if (typeof v === 'string') return v.replace(/ \*$/, ' because *');
        const [sep, parts] = (v as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
        return { 'Fn::Join': [sep, [...parts.slice(0, -1), because(parts[parts.length - 1])]] };
      };
      return { wildcard: because(o['wildcard']) };
    };
    const walk = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(walk);
      if (!node || typeof node !== 'object') return node;
      const out: Json = {};
      for (const [k, v] of Object.entries(node as Json))
        out[k] = k === 'errorMessage' && Array.isArray(v) ? v.map(toOld) : walk(v);
      return out;
    };
    const mutated = stacks.map((s) => ({ ...s, template: walk(s.template) as typeof s.template }));
    expect(replaced).toBeGreaterThanOrEqual(REGIONS.length + 1); // a forwarder per Region + the central rule
    const result = verifyModel(buildModel(mutated), { regions: REGIONS });
    const missed = result.scenarios
      .filter((s) => s.wayIn === 'AssumeRole' && s.actor === 'stranger' && s.deliveries.length === 0)
      .map((s) => s.variant);
    const explicit = DENIAL_WORDINGS.filter((w) => w.id.startsWith('explicit-'));
    expect(missed.sort()).toEqual(explicit.map((w) => `denial wording ${w.id}`).sort());
    expect(result.scenarios.filter((s) => missed.includes(s.variant)).every((s) => !s.ok)).toBe(true);
  });
});

describe('letter case: what a caller types', () => {
  const alice = 'arn:aws:iam::111122223333:user/alice';
  const caller = { identity: iamUserIdentity(alice, 'alice', '111122223333'), arn: alice };
  const common = { region: 'eu-west-1', account: '111122223333' };
  const records = (spelled: string) => [
    // IAM role names are unique whatever their case, so any spelling of the ARN names our role.
    stsAssumeRecord({
      ...common,
      key: `assume ${spelled}`,
      action: 'AssumeRole',
      caller,
      roleArn: spelled,
      sessionName: 'alice',
      success: true,
    }),
    signinRecord({
      ...common,
      key: `switch ${spelled}`,
      eventName: 'SwitchRole',
      identity: caller.identity,
      success: true,
      switchTo: spelled,
    }),
  ];

  it('alerts AssumeRole and console SwitchRole with the role ARN in other letter case', () => {
    for (const spelled of [mixed(ROLE), ROLE.toLowerCase()]) {
      const results = simulate(model, records(spelled) as unknown as Json[]);
      expect(results.map((r) => [r.eventName, r.alerted])).toEqual([
        ['AssumeRole', true],
        ['SwitchRole', true],
      ]);
    }
  });

  it('alerts a failed console sign-in with the user name typed in other letter case', () => {
    const typed = {
      type: 'IAMUser',
      accountId: '444455556666',
      principalId: '444455556666',
      userName: 'BreakGlass-1',
    };
    const record = signinRecord({
      key: 'login typed',
      region: 'us-east-1',
      account: '444455556666',
      eventName: 'ConsoleLogin',
      identity: typed,
      success: false,
    });
    const [r] = simulate(model, [record as unknown as Json]);
    expect(r?.alerted).toBe(true);
  });

  it('still tells other roles and users apart (case-insensitive is not a prefix or suffix)', () => {
    const other = records('arn:aws:iam::111122223333:role/breakglass2');
    const login = signinRecord({
      key: 'login other',
      region: 'us-east-1',
      account: '444455556666',
      eventName: 'ConsoleLogin',
      identity: {
        type: 'IAMUser',
        accountId: '444455556666',
        principalId: '444455556666',
        userName: 'BreakGlass-10',
      },
      success: false,
    });
    const results = simulate(model, [...other, login] as unknown as Json[]);
    expect(results.filter((r) => r.deliveries.length > 0).map((r) => r.eventName)).toEqual([]);
  });
});
