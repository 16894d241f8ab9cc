import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, matchesPattern } from '../../../src/engines/event-pattern/index.js';

const str = fc.string({ maxLength: 12 });
const scalar = fc.oneof(str, fc.integer({ min: -1000, max: 1000 }), fc.boolean(), fc.constant(null));
const fieldName = fc.constantFrom('a', 'b', 'c', 'state', 'x-y');

/** A small random pattern of exact values over a few fields (no $or), and events over the same fields. */
const leafPattern = fc.array(scalar, { minLength: 1, maxLength: 3 });
const flatPattern = fc.dictionary(fieldName, leafPattern, { minKeys: 1, maxKeys: 4 });
const flatEvent = fc.dictionary(fieldName, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), {
  maxKeys: 5,
});

function shuffleKeys(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, seed + 1));
  if (typeof v !== 'object' || v === null) return v;
  const entries = Object.entries(v);
  // deterministic permutation from the seed
  const rotated = entries.map((e, i) => entries[(i + seed) % entries.length] as [string, unknown]).reverse();
  return Object.fromEntries(rotated.map(([k, x]) => [k, shuffleKeys(x, seed + 3)]));
}

describe('event-pattern properties', () => {
  it('anything-but [x] is the negation of [x] on a present string', () => {
    fc.assert(
      fc.property(str, str, (x, value) => {
        const event = { detail: { f: value } };
        const pos = matchesPattern({ detail: { f: [x] } }, event);
        const neg = matchesPattern({ detail: { f: [{ 'anything-but': x }] } }, event);
        expect(neg).toBe(!pos);
      }),
    );
  });

  it('anything-but [n] is the negation of [n] on a present number', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (n, value) => {
        const event = { f: value };
        expect(matchesPattern({ f: [{ 'anything-but': n }] }, event)).toBe(
          !matchesPattern({ f: [n] }, event),
        );
      }),
    );
  });

  it('anything-but never matches a missing field, [x] neither', () => {
    fc.assert(
      fc.property(str, (x) => {
        expect(matchesPattern({ f: [{ 'anything-but': x }] }, { g: x })).toBe(false);
        expect(matchesPattern({ f: [x] }, { g: x })).toBe(false);
      }),
    );
  });

  it('$or is the union of its branches', () => {
    fc.assert(
      fc.property(flatPattern, flatPattern, flatEvent, (p1, p2, event) => {
        const union = matchesPattern(p1, event) || matchesPattern(p2, event);
        expect(compilePattern({ $or: [p1, p2] }).matches(event)).toBe(union);
      }),
    );
  });

  it('$or nested under detail is the union of the branches under detail', () => {
    fc.assert(
      fc.property(flatPattern, flatPattern, flatEvent, (p1, p2, detail) => {
        const event = { source: 's', detail };
        const union =
          matchesPattern({ source: ['s'], detail: p1 }, event) ||
          matchesPattern({ source: ['s'], detail: p2 }, event);
        expect(compilePattern({ source: ['s'], detail: { $or: [p1, p2] } }).matches(event)).toBe(union);
      }),
    );
  });

  it('several values in a field are the OR of single-value patterns', () => {
    fc.assert(
      fc.property(fieldName, leafPattern, flatEvent, (k, values, event) => {
        const any = values.some((v) => matchesPattern({ [k]: [v] }, event));
        expect(matchesPattern({ [k]: values }, event)).toBe(any);
      }),
    );
  });

  it('several fields are the AND of single-field patterns', () => {
    fc.assert(
      fc.property(flatPattern, flatEvent, (p, event) => {
        const all = Object.entries(p).every(([k, v]) => matchesPattern({ [k]: v }, event));
        expect(matchesPattern(p, event)).toBe(all);
      }),
    );
  });

  it('key order of pattern and event is irrelevant', () => {
    fc.assert(
      fc.property(flatPattern, flatEvent, fc.nat(7), (p, event, seed) => {
        const nested = { detail: p, source: ['x'] };
        const ev = { source: 'x', detail: event };
        expect(matchesPattern(shuffleKeys(nested, seed), shuffleKeys(ev, seed + 1))).toBe(
          matchesPattern(nested, ev),
        );
      }),
    );
  });

  it('prefix p matches p+s and suffix s matches p+s', () => {
    fc.assert(
      fc.property(str, str, (p, s) => {
        expect(matchesPattern({ f: [{ prefix: p }] }, { f: p + s })).toBe(true);
        expect(matchesPattern({ f: [{ suffix: s }] }, { f: p + s })).toBe(true);
        expect(matchesPattern({ f: [{ 'anything-but': { prefix: p + 'z' } }] }, { f: p + 'z' + s })).toBe(
          false,
        );
      }),
    );
  });

  it('prefix matches exactly when the value starts with it', () => {
    fc.assert(
      fc.property(str, str, (p, v) => {
        expect(matchesPattern({ f: [{ prefix: p }] }, { f: v })).toBe(v.startsWith(p));
      }),
    );
  });

  it('equals-ignore-case matches the upper- and lower-case forms of an ASCII string', () => {
    const ascii = fc.string({ unit: fc.constantFrom(...'abcXYZ-_09'.split('')), maxLength: 10 });
    fc.assert(
      fc.property(ascii, (x) => {
        expect(matchesPattern({ f: [{ 'equals-ignore-case': x }] }, { f: x.toUpperCase() })).toBe(true);
        expect(
          matchesPattern({ f: [{ 'equals-ignore-case': x.toUpperCase() }] }, { f: x.toLowerCase() }),
        ).toBe(true);
      }),
    );
  });

  it('numeric "=" agrees with an exact number for values in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5e6, max: 5e6 }), fc.integer({ min: -5e6, max: 5e6 }), (a, b) => {
        const n = a / 1000;
        const v = b / 1000;
        expect(matchesPattern({ f: [{ numeric: ['=', n] }] }, { f: v })).toBe(
          matchesPattern({ f: [n] }, { f: v }),
        );
      }),
    );
  });

  it('numeric range [lo, hi) matches exactly the numbers in it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer(),
        (lo, w, v) => {
          const hi = lo + w;
          const got = matchesPattern({ f: [{ numeric: ['>=', lo, '<', hi] }] }, { f: v });
          expect(got).toBe(v >= lo && v < hi);
        },
      ),
    );
  });

  it('exists true and exists false are complementary on any event', () => {
    fc.assert(
      fc.property(flatEvent, fieldName, (event, k) => {
        expect(matchesPattern({ [k]: [{ exists: true }] }, event)).toBe(
          !matchesPattern({ [k]: [{ exists: false }] }, event),
        );
      }),
    );
  });

  it('a wildcard without * behaves as an exact string; p* behaves as prefix p', () => {
    const plain = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 });
    fc.assert(
      fc.property(plain, plain, (p, v) => {
        expect(matchesPattern({ f: [{ wildcard: p }] }, { f: v })).toBe(v === p);
        expect(matchesPattern({ f: [{ wildcard: `${p}*` }] }, { f: v })).toBe(v.startsWith(p));
      }),
    );
  });

  it('wildcard agrees with a reference (anchored regex over escaped pieces) on short strings', () => {
    const unit = fc.constantFrom('a', 'b', '*');
    const wild = fc.string({ unit, maxLength: 8 }).filter((w) => !w.includes('**'));
    fc.assert(
      fc.property(wild, fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 10 }), (w, v) => {
        // Test-only oracle: pieces contain only 'a'/'b', so the regex is small and safe.
        const re = new RegExp(`^${w.split('*').join('.*')}$`, 's');
        expect(matchesPattern({ f: [{ wildcard: w }] }, { f: v })).toBe(re.test(v));
      }),
    );
  });

  it('never throws on arbitrary JSON events', () => {
    const patterns = [
      {
        detail: {
          a: [{ prefix: 'x' }, { numeric: ['>', 1] }, { exists: false }],
          b: { c: [{ 'anything-but': 'q' }] },
        },
      },
      { $or: [{ a: [{ wildcard: '*x*' }] }, { b: [{ cidr: '10.0.0.0/8' }] }] },
    ].map((p) => compilePattern(p));
    fc.assert(
      fc.property(fc.jsonValue(), (event) => {
        for (const p of patterns) expect(typeof p.matches(event)).toBe('boolean');
        expect(patterns[0]?.matches({ detail: event })).toBeTypeOf('boolean');
      }),
    );
  });
});
