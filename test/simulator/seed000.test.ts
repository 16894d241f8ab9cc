import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildMatrix,
  buildModel,
  loadTemplateFile,
  verifyModel,
  type SystemModel,
  type VerifyResult,
} from '../../src/simulator/index.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-central-1';

describe('verify on a hand-written single-region template of the seed 000 kind', () => {
  let model: SystemModel;
  let result: VerifyResult;
  let roleArn: string;

  beforeAll(() => {
    const stack = loadTemplateFile(
      join(import.meta.dirname, 'fixtures', 'seed000.template.json'),
      ACCOUNT,
      REGION,
    );
    model = buildModel([stack]);
    const role = [...model.roles.values()][0];
    if (!role) throw new Error('no role modelled');
    roleArn = role.arn;
    result = verifyModel(model, { regions: [REGION, 'us-east-1'], roleArns: [roleArn] });
  });

  it('resolves the rule pattern to the same role ARN the role gets', () => {
    const rules = [...model.buses.values()].flatMap((b) => b.rules);
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0]?.pattern?.source)).toContain(roleArn);
    expect(roleArn).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:role/`));
  });

  it('matches the successful CLI AssumeRole in the rule region, but the queue never gets it and no person is told', () => {
    const s = result.scenarios.find(
      (x) => x.wayIn === 'AssumeRole' && x.region === REGION && x.actor === 'named',
    );
    expect(s?.trust).toBe('Allow');
    // The rule matches (the one thing seed 000 covers), but the queue has no policy letting
    // EventBridge send, and a queue is read by a program, not a person.
    expect(s?.misses.map((m) => m.hop)).toEqual(['queue policy']);
    expect(s?.problems.join('\n')).toMatch(
      /^queue policy: queue arn:aws:sqs:eu-central-1:\d+:\S+ has no queue policy/m,
    );
    expect(s?.alerted).toBe(false);
    expect(s?.ok).toBe(false);
  });

  it('finds that a stranger of the same account may assume the role (account-root trust, no person named)', () => {
    const s = result.scenarios.find(
      (x) => x.wayIn === 'AssumeRole' && x.region === REGION && x.actor === 'stranger',
    );
    expect(s?.trust).toBe('Allow');
    expect(s?.ok).toBe(false);
    expect(s?.problems.join()).toMatch(/trust policy lets stranger/);
  });

  it('finds that attempts in a Region nobody watches are denied: blocked (⊘), not a gap', () => {
    const s = result.scenarios.find(
      (x) => x.wayIn === 'AssumeRole' && x.region === 'us-east-1' && x.actor === 'named',
    );
    expect(s?.trust).toBe('ImplicitDeny');
    expect(s?.alerted).toBe(false);
    expect(s?.ok).toBe(true);
  });

  it('still judges denied attempts where a rule watches (its broken hop is the gap, not ⊘)', () => {
    const denied = result.scenarios.filter(
      (x) => x.region === REGION && (x.trust === 'ImplicitDeny' || x.trust === 'ExplicitDeny'),
    );
    expect(denied.length).toBeGreaterThan(0);
    for (const s of denied) expect(s.ok, `${s.wayIn} ${s.actor}`).toBe(false);
  });

  it('marks every other way in and both action kinds as missed', () => {
    const m = buildMatrix(result);
    for (const w of [
      'SwitchRole',
      'AssumeRoleWithSAML',
      'GetSigninToken',
      'RoleChaining',
      'ReadAction',
      'WriteAction',
    ]) {
      expect(m.cells[w]?.[REGION], w).toBe('missed');
    }
    // us-east-1: nobody watches and the trust policy denies every way in there (⊘); a session of the
    // role can still be used there, unseen and unlogged.
    for (const w of ['AssumeRole', 'SwitchRole', 'AssumeRoleWithSAML'])
      expect(m.cells[w]?.['us-east-1'], w).toBe('blocked');
    for (const w of ['GetSigninToken', 'RoleChaining', 'ReadAction', 'WriteAction'])
      expect(m.cells[w]?.['us-east-1'], w).toBe('missed');
    expect(result.summary.gaps).toBeGreaterThan(0);
    expect(result.summary.ok + result.summary.gaps).toBe(result.summary.total);
  });
});
