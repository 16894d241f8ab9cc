import { describe, expect, it } from 'vitest';
import { testOf } from '../../../src/engines/event-pattern/compile.js';
import { compilePattern, compileRuleSet } from '../../../src/engines/event-pattern/index.js';
import type { SubRule } from '../../../src/engines/event-pattern/model.js';
import { parsePattern } from '../../../src/engines/event-pattern/validate.js';

/**
 * The reference matcher, written from event-ruler's definition and nothing else: flatten the event
 * into leaves at dotted paths (keys joined with dots, arrays crushed out, each leaf remembering its
 * (array, index) memberships), then for each sub-rule try every combination of one leaf per field in
 * key order; `{"exists": false}` holds when no leaf at the path is consistent with those chosen.
 * No index, no flat-path shortcut, no memo. Value tests are the engine's own (testOf).
 */
type RefLeaf = { path: string; v: unknown; members: [number, number][] };

function flatten(
  v: unknown,
  path: string | null,
  members: [number, number][],
  out: RefLeaf[],
  ids: { n: number },
): void {
  if (Array.isArray(v)) {
    const id = ids.n++;
    v.forEach((x, i) => flatten(x, path, [...members, [id, i]], out, ids));
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) flatten(x, path === null ? k : `${path}.${k}`, members, out, ids);
  } else if (path !== null) out.push({ path, v, members });
}

function refMatches(rules: readonly SubRule[], event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const leaves: RefLeaf[] = [];
  flatten(event, null, [], leaves, { n: 0 });
  const ok = (chosen: RefLeaf[], l: RefLeaf) =>
    chosen.every((c) => c.members.every(([id, i]) => l.members.every(([id2, j]) => id !== id2 || i === j)));
  return rules.some((rule) => {
    const tests = rule.map((c) => c.matchers.map(testOf));
    const go = (i: number, chosen: RefLeaf[]): boolean => {
      if (i === rule.length) return true;
      const c = rule[i] as SubRule[number];
      const at = leaves.filter((l) => l.path === c.key && ok(chosen, l));
      if (c.absent && at.length === 0 && go(i + 1, chosen)) return true;
      return at.some(
        (l) => (tests[i] as ((v: unknown) => boolean)[]).some((t) => t(l.v)) && go(i + 1, [...chosen, l]),
      );
    };
    return go(0, []);
  });
}

/** Seeded PRNG (mulberry32): the seed is printed when a case fails. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'b', 'c', 'a.b', 'b.c'];
const STRINGS = ['x', 'xy', 'X', 'yx', 'ß', 'SS', '10.0.0.1', '::ffff:a00:1', ''];
function gen(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const scalar = (): unknown => pick<unknown>([...STRINGS, 1, 2.5, 0, -3, true, false, null]);
  const matcher = (): unknown =>
    pick<() => unknown>([
      () => pick(STRINGS),
      () => pick([1, 2.5, 0]),
      () => pick([true, null]),
      () => ({ prefix: pick(['x', 'y', '']) }),
      () => ({ suffix: pick(['x', 'y']) }),
      () => ({ prefix: { 'equals-ignore-case': pick(['X', 'ss']) } }),
      () => ({ 'equals-ignore-case': pick(['XY', 'ss', 'ß']) }),
      () => ({ wildcard: pick(['x*', '*y*', 'x']) }),
      () => ({
        numeric: pick([
          ['>', 0],
          ['<=', 2.5],
          ['>=', -3, '<', 1],
        ]),
      }),
      () => ({ cidr: pick(['10.0.0.0/8', '::/1']) }),
      () => ({ exists: pick([true, false]) }),
      () => ({
        'anything-but': pick<unknown>([
          'x',
          ['x', 'y'],
          1,
          { prefix: ['x', 'y'] },
          { suffix: ['x'] },
          { 'equals-ignore-case': 'ss' },
          { wildcard: 'x*' },
        ]),
      }),
    ])();
  const patternObj = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const n = 1 + Math.floor(r() * 2);
    for (let i = 0; i < n; i++) {
      const k = pick(NAMES);
      out[k] =
        depth < 2 && r() < 0.35
          ? patternObj(depth + 1)
          : Array.from({ length: 1 + Math.floor(r() * 2) }, matcher);
    }
    if (depth === 0 && r() < 0.15) out.$or = [patternObj(1), patternObj(1)];
    return out;
  };
  const value = (depth: number): unknown => {
    const roll = r();
    if (depth < 3 && roll < 0.3) {
      const o: Record<string, unknown> = {};
      const n = Math.floor(r() * 3);
      for (let i = 0; i < n; i++) o[pick(NAMES)] = value(depth + 1);
      return o;
    }
    if (depth < 3 && roll < 0.45) return Array.from({ length: Math.floor(r() * 3) }, () => value(depth + 1));
    return scalar();
  };
  return { pattern: () => patternObj(0), event: () => value(0) };
}

const PATTERNS = 1_000;
const EVENTS_PER_PATTERN = 100;

describe('event-pattern reference equivalence (seeded property test)', () => {
  const seed = Number(process.env.PATTERN_PROPERTY_SEED ?? Date.now() % 1_000_000);
  it(`compiled, rule-set and reference answers agree on ${PATTERNS * EVENTS_PER_PATTERN} generated pairs (seed ${seed})`, () => {
    const g = gen(seed);
    let pairs = 0;
    let matched = 0;
    for (let b = 0; b < PATTERNS / 20; b++) {
      const patterns: unknown[] = [];
      const refs: SubRule[][] = [];
      while (patterns.length < 20) {
        const p = g.pattern();
        try {
          refs.push(parsePattern(p));
          patterns.push(p);
        } catch {
          // generated patterns EventBridge would reject are skipped (validation has its own fixtures)
        }
      }
      const compiled = patterns.map((p) => compilePattern(p));
      const set = compileRuleSet(patterns);
      for (let e = 0; e < EVENTS_PER_PATTERN; e++) {
        const event = g.event();
        const expected = refs.flatMap((rules, i) => (refMatches(rules, event) ? [i] : []));
        const one = compiled.flatMap((c, i) => (c.matches(event) ? [i] : []));
        const viaSet = set.matching(event);
        if (
          JSON.stringify(one) !== JSON.stringify(expected) ||
          JSON.stringify(viaSet) !== JSON.stringify(expected)
        ) {
          const i = [...new Set([...one, ...viaSet, ...expected])].find(
            (k) => one.includes(k) !== expected.includes(k) || viaSet.includes(k) !== expected.includes(k),
          ) as number;
          throw new Error(
            `seed ${seed}: pattern ${JSON.stringify(patterns[i])} event ${JSON.stringify(event)}: reference ${expected.includes(i)}, compiled ${one.includes(i)}, rule set ${viaSet.includes(i)} (rerun with PATTERN_PROPERTY_SEED=${seed})`,
          );
        }
        pairs += patterns.length;
        matched += expected.length;
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(100_000);
    expect(matched).toBeGreaterThan(pairs / 100);
  });
});
