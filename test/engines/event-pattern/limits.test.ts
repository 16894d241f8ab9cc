import { describe, expect, it } from 'vitest';
import { BreakGlassError } from '../../../src/engines/errors.js';
import { MatchLimitError } from '../../../src/engines/event-pattern/errors.js';
import { PatternError, compilePattern, validatePattern } from '../../../src/engines/event-pattern/index.js';
import { MAX_MATCH_STEPS } from '../../../src/engines/event-pattern/match.js';

/** `arrays` independent arrays of `size` objects {x: "v", y: "w"}, plus `z`: `size` objects {q: "other"}. */
function manyArrays(arrays: number, size: number): Record<string, unknown> {
  const names = 'abcdefghij'.slice(0, arrays).split('');
  const event: Record<string, unknown> = {};
  for (const n of names) event[n] = Array.from({ length: size }, () => ({ x: 'v', y: 'w' }));
  event.z = Array.from({ length: size }, () => ({ q: 'other' }));
  return event;
}

describe('event-pattern limits', () => {
  it('matches an adversarial wildcard against a 100 KB string without backtracking', () => {
    const pattern = compilePattern({ s: [{ wildcard: `${'a*'.repeat(50)}b` }] });
    const hay = 'a'.repeat(100_000);
    const t0 = performance.now();
    expect(pattern.matches({ s: hay })).toBe(false);
    expect(pattern.matches({ s: `${hay}b` })).toBe(true);
    // A backtracking matcher needs astronomically long here; the bound is only a guard against that.
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('matches an adversarial anything-but wildcard list on a 100 KB string', () => {
    const pattern = compilePattern({ s: [{ 'anything-but': { wildcard: ['*a*a*a*a*c', '*b*b*b*b*c'] } }] });
    const t0 = performance.now();
    expect(pattern.matches({ s: 'ab'.repeat(50_000) })).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  // 5 arrays x 40 objects and a condition that never matches: a plain backtracking search tries
  // 40^5 combinations. The memoised search needs a few thousand leaf tests; MAX_MATCH_STEPS (a
  // deterministic bound, no clock) proves it: the match answers instead of throwing MatchLimitError.
  it('answers the 5 arrays x 40 objects worst case within the step budget (never-matching field last)', () => {
    const event = manyArrays(5, 40);
    const fields = Object.fromEntries('abcde'.split('').map((n) => [n, { x: ['v'] }]));
    const never = compilePattern({ ...fields, z: { q: ['never'] } });
    expect(never.matches(event)).toBe(false);
    const always = compilePattern({ ...fields, z: { q: ['other'] } });
    expect(always.matches(event)).toBe(true);
  });

  it('answers the worst case when the failing field shares the last array', () => {
    const event = manyArrays(5, 40);
    const fields = Object.fromEntries('abcd'.split('').map((n) => [n, { x: ['v'] }]));
    expect(compilePattern({ ...fields, e: { x: ['v'], y: ['never'] } }).matches(event)).toBe(false);
    expect(compilePattern({ ...fields, e: { x: ['v'], y: ['w'] } }).matches(event)).toBe(true);
  });

  it('answers the worst case with exists false and 10 arrays of 40', () => {
    const event = manyArrays(10, 40);
    const fields = Object.fromEntries('abcdefghij'.split('').map((n) => [n, { x: ['v'] }]));
    expect(compilePattern({ ...fields, z: { q: [{ exists: false }] } }).matches(event)).toBe(false);
    expect(compilePattern({ ...fields, z: { r: [{ exists: false }] } }).matches(event)).toBe(true);
  });

  it('fails cleanly with a MatchLimitError naming the field when an event needs more than the budget', () => {
    const items = Array.from({ length: MAX_MATCH_STEPS + 10 }, (_, i) => i);
    const p = compilePattern({ detail: { items: [{ numeric: ['<', 0] }] }, source: ['s'] });
    let thrown: unknown;
    try {
      p.matches({ source: 's', detail: { items } });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MatchLimitError);
    expect(thrown).toBeInstanceOf(BreakGlassError);
    expect((thrown as MatchLimitError).message).toBe(
      "detail.items: matching needs more than 2,000,000 steps (the event's arrays give this pattern's fields too many combinations); narrow the pattern or split the event",
    );
    expect((thrown as MatchLimitError).exitCode).toBe(2);
  });

  it('walks 100 000 levels of nested arrays without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(compilePattern({ detail: { a: ['x'] } }).matches({ detail: { a: deep } })).toBe(true);
    expect(compilePattern({ detail: { a: [{ exists: false }] } }).matches({ detail: { a: deep } })).toBe(
      false,
    );
  });

  it('matches against an event with 100 000 array elements', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({ id: `i-${i}`, n: i }));
    const p = compilePattern({ detail: { items: { id: ['i-99999'], n: [{ numeric: ['>', 99_998] }] } } });
    expect(p.matches({ detail: { items } })).toBe(true);
    const q = compilePattern({ detail: { items: { id: ['i-5'], n: [{ numeric: ['>', 99_998] }] } } });
    expect(q.matches({ detail: { items } })).toBe(false);
  });

  it('ignores event fields the pattern does not name, however deep', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50_000; i++) deep = { nest: deep };
    expect(compilePattern({ source: ['s'] }).matches({ source: 's', detail: deep })).toBe(true);
  });

  it('rejects patterns nested deeper than the limit with a PatternError, not a stack overflow', () => {
    let p: Record<string, unknown> = { leaf: ['x'] };
    for (let i = 0; i < 5_000; i++) p = { n: p };
    expect(() => validatePattern(p)).toThrow(/nests deeper than 256 levels/);
  });

  it('rejects $or combinations that explode', () => {
    const branches = (k: string) => Array.from({ length: 6 }, (_, i) => ({ [`${k}${i}`]: ['x'] }));
    const p = {
      a: { $or: branches('a') },
      b: { $or: branches('b') },
      c: { $or: branches('c') },
      d: { $or: branches('d') },
    };
    expect(() => validatePattern(p)).toThrow(/expands to more than 1024 combinations/);
  });

  it('does not match events that are not objects', () => {
    const p = compilePattern({ source: [{ exists: false }] });
    for (const e of [null, undefined, 'source', 5, true]) expect(p.matches(e)).toBe(false);
    expect(p.matches([])).toBe(true); // an array event has no source field
  });

  it('keeps the pattern it was compiled from as source', () => {
    const pattern = { source: ['aws.sts'] };
    expect(compilePattern(pattern).source).toBe(pattern);
    expect(compilePattern(JSON.stringify(pattern)).source).toBe(JSON.stringify(pattern));
  });

  it('does not match inherited properties such as constructor or __proto__', () => {
    const p = compilePattern({ detail: { constructor: [{ exists: true }] } });
    expect(p.matches({ detail: {} })).toBe(false);
    expect(compilePattern({ toString: [{ exists: false }] }).matches({})).toBe(true);
  });

  it('rejects with a PatternError that is a BreakGlassError naming the path', () => {
    try {
      validatePattern({ detail: { eventName: [{ prefx: 'Assume' }] } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PatternError);
      expect(e).toBeInstanceOf(BreakGlassError);
      expect((e as PatternError).path).toBe('detail.eventName[0].prefx');
      expect((e as PatternError).message).toMatch(
        /^detail\.eventName\[0\]\.prefx: unknown operator 'prefx'; expected one of prefix/,
      );
    }
  });

  it('rejects non-JSON values in a pattern (NaN, undefined, functions)', () => {
    expect(() => validatePattern({ a: [Number.NaN] })).toThrow(/a\[0\]: NaN is not a JSON number/);
    expect(() => validatePattern({ a: [undefined] })).toThrow(/a\[0\]: match value must be/);
    expect(() => validatePattern({ a: [() => 1] })).toThrow(/a\[0\]: match value must be/);
  });
});

describe('event-pattern JSON text', () => {
  it('uses the last of duplicate keys, as the user guide notes for patterns', () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
    const text = '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}';
    const p = compilePattern(text);
    expect(p.matches({ detail: { location: 'eu-west' } })).toBe(true);
    expect(p.matches({ detail: { location: 'us-east' } })).toBe(false);
  });
});
