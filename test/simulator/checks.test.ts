import { describe, expect, it } from 'vitest';
import {
  checkSummaryLines,
  describeCheckGap,
  runChecks,
  summarizeChecks,
  type CheckContext,
  type CheckFamily,
} from '../../src/simulator/checks.js';
import { buildModel } from '../../src/simulator/model.js';

const context: CheckContext = {
  model: buildModel([]),
  regions: ['eu-west-1', 'us-east-1'],
  roles: [],
  users: [],
};

const family = (id: string, failIn: string[]): CheckFamily => ({
  family: id,
  title: `${id} title`,
  run: (c) =>
    c.regions.map((region) => ({
      family: id,
      name: 'Thing',
      region,
      ok: !failIn.includes(region),
      problems: failIn.includes(region) ? ['no alert reached a person'] : [],
    })),
});

describe('verifier check families', () => {
  it('runs every family over the context and counts its gaps', () => {
    const checks = runChecks(context, [family('a', []), family('b', ['us-east-1'])]);
    expect(checks).toHaveLength(4);
    expect(summarizeChecks(checks)).toEqual({ total: 4, ok: 3, gaps: 1 });
  });

  it('prints one summary line per family that produced results, and each gap on its own line', () => {
    const families = [family('a', []), family('b', ['us-east-1']), { ...family('c', []), run: () => [] }];
    const checks = runChecks(context, families);
    expect(checkSummaryLines(checks, families)).toEqual([
      'a title: 2 check(s) in 2 Region(s): 2 ok, 0 gap(s)',
      'b title: 2 check(s) in 2 Region(s): 1 ok, 1 gap(s)',
    ]);
    expect(checks.filter((c) => !c.ok).map(describeCheckGap)).toEqual([
      '  ✗ b Thing in us-east-1: no alert reached a person',
    ]);
  });
});
