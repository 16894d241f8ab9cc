import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wildcardMatch } from '../../../src/engines/iam-policy/index.js';

/** Reference semantics (tests only): the glob as an anchored regular expression. */
function reference(pattern: string, text: string, ignoreCase: boolean): boolean {
  const src = Array.from(pattern)
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${src}$`, ignoreCase ? 'isu' : 'su').test(text);
}

describe('wildcardMatch', () => {
  it.each([
    ['sts:*', 'sts:AssumeRole', false, true],
    ['sts:Assume*', 'sts:AssumeRoleWithSAML', false, true],
    ['sts:Assume?ole', 'sts:AssumeRole', false, true],
    ['sts:Assume?ole', 'sts:Assumeole', false, false],
    ['*:*', 'sts', false, false],
    ['STS:ASSUMEROLE', 'sts:AssumeRole', true, true],
    ['STS:ASSUMEROLE', 'sts:AssumeRole', false, false],
    ['a*b*c', 'abc', false, true],
    ['a*b*c', 'acb', false, false],
    ['*', '', false, true],
    ['?', '', false, false],
    ['', '', false, true],
  ])('%s vs %s (ignoreCase %s) → %s', (pattern, text, ignoreCase, expected) => {
    expect(wildcardMatch(pattern, text, ignoreCase)).toBe(expected);
  });

  it('agrees with an anchored-regex reference on random patterns', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', ':', '/', '*', '?', '.');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')),
        fc
          .array(fc.constantFrom('a', 'b', 'A', ':', '/', '.', '*'), { maxLength: 12 })
          .map((a) => a.join('')),
        fc.boolean(),
        (pattern, text, ignoreCase) =>
          wildcardMatch(pattern, text, ignoreCase) === reference(pattern, text, ignoreCase),
      ),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('stays fast on inputs that make backtracking matchers explode', () => {
    const text = 'a'.repeat(20_000);
    const pattern = `${'a*'.repeat(30)}b`;
    const start = performance.now();
    expect(wildcardMatch(pattern, text)).toBe(false);
    expect(wildcardMatch(`${'*a'.repeat(30)}*`, text)).toBe(true);
    // Generous bound: a backtracking regex needs astronomically long here.
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
