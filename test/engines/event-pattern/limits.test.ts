import { describe, expect, it } from 'vitest';
import { BreakGlassError } from '../../../src/engines/errors.js';
import { PatternError, compilePattern, validatePattern } from '../../../src/engines/event-pattern/index.js';

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
