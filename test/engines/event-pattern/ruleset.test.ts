import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, compileRuleSet } from '../../../src/engines/event-pattern/index.js';

interface Fixture {
  readonly name: string;
  readonly pattern: unknown;
  readonly event: unknown;
  readonly expected: boolean;
}

const dir = join(import.meta.dirname, 'fixtures');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'invalid.json')
  .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture[]);

/** The reference: every pattern tested on its own (compiled once per pattern list). */
const compiledFor = new WeakMap<readonly unknown[], ReturnType<typeof compilePattern>[]>();
function oneByOne(patterns: readonly unknown[], event: unknown): number[] {
  let compiled = compiledFor.get(patterns);
  if (!compiled) {
    compiled = patterns.map((p) => compilePattern(p));
    compiledFor.set(patterns, compiled);
  }
  return compiled.flatMap((p, i) => (p.matches(event) ? [i] : []));
}

describe('compileRuleSet', () => {
  it('matches exactly the patterns that match one by one, over the whole fixture corpus', () => {
    const patterns = fixtures.map((f) => f.pattern);
    const set = compileRuleSet(patterns);
    expect(set.size).toBe(patterns.length);
    let matchedSomewhere = 0;
    for (const f of fixtures) {
      const got = set.matching(f.event);
      expect(got, f.name).toEqual(oneByOne(patterns, f.event));
      matchedSomewhere += got.length > 0 ? 1 : 0;
    }
    expect(matchedSomewhere).toBeGreaterThan(fixtures.length / 4);
  });

  it('agrees with one-by-one matching on generated events, including arrays and non-strings at gate fields', () => {
    const names = ['AssumeRole', 'SwitchRole', 'ConsoleLogin', 'GetSigninToken'];
    const patterns: unknown[] = [
      { detail: { eventName: ['AssumeRole'] } },
      { detail: { eventName: ['AssumeRole', 'SwitchRole'], eventSource: ['sts.amazonaws.com'] } },
      { detail: { eventName: [{ prefix: 'Get' }] } },
      { $or: [{ detail: { eventName: ['ConsoleLogin'] } }, { detail: { eventName: ['SwitchRole'] } }] },
      { $or: [{ detail: { eventName: ['ConsoleLogin'] } }, { source: ['aws.signin'] }] },
      { source: ['aws.sts', 'aws.signin'] },
      { detail: { eventName: [{ 'anything-but': 'AssumeRole' }] } },
      { detail: { eventName: [{ exists: false }] } },
      '{"detail":{"eventName":["GetSigninToken"]}}',
    ];
    const set = compileRuleSet(patterns);
    const leaf = fc.oneof(
      fc.constantFrom(...names),
      fc.constant(5),
      fc.constant(null),
      fc.array(fc.constantFrom(...names), { maxLength: 3 }),
      fc.constant({ nested: 'AssumeRole' }),
    );
    const event = fc.record(
      {
        source: fc.oneof(
          fc.constantFrom('aws.sts', 'aws.signin', 'aws.ec2'),
          fc.array(fc.constant('aws.sts'), { maxLength: 2 }),
        ),
        detail: fc.oneof(
          fc.record(
            { eventName: leaf, eventSource: fc.constantFrom('sts.amazonaws.com', 'signin.amazonaws.com') },
            { requiredKeys: [] },
          ),
          fc.array(fc.record({ eventName: leaf }), { maxLength: 2 }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(event, (e) => {
        expect(set.matching(e)).toEqual(oneByOne(patterns, e));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('rejects an invalid pattern in the set with its PatternError', () => {
    expect(() => compileRuleSet([{ source: ['aws.sts'] }, { source: [{ prefx: 'aws.' }] }])).toThrow(/prefx/);
  });
});
