import { ipInRange } from './cidr.js';
import { PatternError } from './errors.js';
import { foldCase } from './fold.js';
import { altsOf, matchFlat, type CompiledCondition } from './match.js';
import type { Condition, SubRule, ValueMatcher } from './model.js';
import { comparable, inRange } from './numeric.js';
import { parsePattern } from './validate.js';
import { matchWildcard } from './wildcard.js';
import { memoizeByIdentity } from '../memo.js';

/** A validated pattern, ready to test events against. */
export interface CompiledPattern {
  /** True when EventBridge would deliver `event` (a parsed JSON object) to a rule with this pattern. */
  matches(event: unknown): boolean;
  /** The pattern as given (object, or the JSON string). */
  readonly source: unknown;
}

export type Test = (v: unknown) => boolean;

/**
 * One value test. Semantics per operator (EventBridge "Comparison operators",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 * prefix/suffix/equals-ignore-case/wildcard/cidr apply to strings, numeric to JSON numbers only.
 * anything-but matches any present leaf that is not excluded, whatever its type: event-ruler
 * assumes an anything-but "matched unless we can prove it didn't" (ByteMachine), so
 * `{"anything-but": "a"}` matches 5, true and null, and `{"anything-but": {"prefix": "a"}}` matches 5.
 */
export function testOf(m: ValueMatcher): Test {
  switch (m.kind) {
    case 'exact-string': {
      const s = m.value;
      return (v) => v === s;
    }
    case 'exact-number': {
      const { value, comparable: c } = m;
      if (c === undefined) return (v) => v === value;
      return (v) => typeof v === 'number' && (v === value || comparable(v) === c);
    }
    case 'exact-literal': {
      const lit = m.value;
      return (v) => v === lit;
    }
    case 'exact-ip': {
      const { value, range } = m;
      return (v) => typeof v === 'string' && (v === value || ipInRange(range, v));
    }
    case 'prefix': {
      const p = m.value;
      return m.ignoreCase
        ? (v) => typeof v === 'string' && foldCase(v).startsWith(p)
        : (v) => typeof v === 'string' && v.startsWith(p);
    }
    case 'suffix': {
      const p = m.value;
      return m.ignoreCase
        ? (v) => typeof v === 'string' && foldCase(v).endsWith(p)
        : (v) => typeof v === 'string' && v.endsWith(p);
    }
    case 'equals-ignore-case': {
      const p = m.value;
      return (v) => typeof v === 'string' && foldCase(v) === p;
    }
    case 'wildcard': {
      const w = m.value;
      return (v) => typeof v === 'string' && matchWildcard(w, v);
    }
    case 'numeric': {
      const r = m.range;
      return (v) => typeof v === 'number' && inRange(r, v);
    }
    case 'cidr': {
      const r = m.range;
      return (v) => typeof v === 'string' && ipInRange(r, v);
    }
    case 'exists':
      return () => true;
    case 'anything-but-strings': {
      const set = m.values;
      return (v) => !(typeof v === 'string' && set.has(v));
    }
    case 'anything-but-numbers': {
      const set = m.values;
      return (v) => {
        if (typeof v !== 'number') return true;
        const c = comparable(v);
        return c === undefined || !set.has(c);
      };
    }
    case 'anything-but-ignore-case': {
      const set = m.values;
      return (v) => !(typeof v === 'string' && set.has(foldCase(v)));
    }
    case 'anything-but-prefix': {
      const ps = m.values;
      return (v) => !(typeof v === 'string' && ps.some((p) => v.startsWith(p)));
    }
    case 'anything-but-suffix': {
      const ps = m.values;
      return (v) => !(typeof v === 'string' && ps.some((p) => v.endsWith(p)));
    }
    case 'anything-but-wildcard': {
      const ws = m.values;
      return (v) => !(typeof v === 'string' && ws.some((w) => matchWildcard(w, v)));
    }
  }
}

function compileCondition(c: Condition): CompiledCondition {
  const exact = new Set<string>();
  const others: Test[] = [];
  for (const m of c.matchers) {
    if (m.kind === 'exact-string') exact.add(m.value);
    else others.push(testOf(m));
  }
  let test: Test;
  if (others.length === 0) {
    if (exact.size === 1) {
      const only = [...exact][0] as string;
      test = (v) => v === only;
    } else {
      test = (v) => typeof v === 'string' && exact.has(v);
    }
  } else if (exact.size === 0 && others.length === 1) {
    test = others[0] as Test;
  } else {
    test = (v) => (typeof v === 'string' && exact.has(v)) || others.some((t) => t(v));
  }
  const single = others.length === 0 && exact.size === 1 ? ([...exact][0] as string) : undefined;
  return {
    condition: c,
    segments: c.segments,
    alts: altsOf(c.segments),
    exact1: single,
    test,
    absent: c.absent,
    onlyAbsent: c.absent && c.matchers.length === 0,
  };
}

function parseSource(pattern: unknown): unknown {
  if (typeof pattern !== 'string') return pattern;
  try {
    return JSON.parse(pattern) as unknown;
  } catch (e) {
    throw new PatternError('', `event pattern is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Validates `pattern` (a parsed object, or its JSON text as PutRule takes it) and compiles it.
 * @throws PatternError for anything EventBridge would reject, naming the path.
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  const subRules: SubRule[] = parsePattern(parseSource(pattern));
  const compiled = subRules.map(compileSubRule);
  const only = compiled[0] as SubRuleMatcher;
  const matchesWith: SubRuleMatcher =
    compiled.length === 1 ? only : (event, dotted) => compiled.some((r) => r(event, dotted));
  const matches =
    compiled.length === 1
      ? (event: unknown) => only(event, true)
      : (event: unknown) => matchesWith(event, true);
  const result: CompiledPattern = { source: pattern, matches };
  internals.set(result, { subRules, matchesWith });
  return result;
}

type SubRuleMatcher = (event: unknown, dotted: boolean) => boolean;

/** What a rule set needs from a compiled pattern beyond `matches`. */
export interface PatternInternals {
  readonly subRules: readonly SubRule[];
  /** `matches`, told whether the event may hold dotted keys on the pattern's paths (paths.ts). */
  readonly matchesWith: SubRuleMatcher;
}

const internals = new WeakMap<CompiledPattern, PatternInternals>();

/** The internals of a pattern compiled here (compilePattern / compilePatternCached). */
export function internalsOf(p: CompiledPattern): PatternInternals {
  const i = internals.get(p);
  if (!i) throw new TypeError('internalsOf: not a pattern compiled by compilePattern');
  return i;
}

/** Cheap, selective conditions first: exact-value tests on short paths (source, detail-type, eventName). */
function rank(c: CompiledCondition): number {
  const exactOnly = c.condition.matchers.every((m) => m.kind.startsWith('exact-'));
  // detail-type takes few distinct values (most CloudTrail events share one), so it rarely rejects.
  const weak = c.condition.key === 'detail-type' || c.condition.key === 'version' ? 50 : 0;
  return (exactOnly ? 0 : 100) + weak + c.segments.length;
}

/**
 * The matcher of one sub-rule. While no path crosses an array (or a dotted event key) every
 * condition stands alone, so they run cheapest-first; from the first one that does, the full
 * matcher takes over in event-ruler's key order (which decides `{"exists": false}` inside arrays).
 */
function compileSubRule(rule: SubRule): SubRuleMatcher {
  const ordered = rule.map(compileCondition);
  const byCost = ordered
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((x) => x.c);
  return (event, dotted) =>
    typeof event === 'object' && event !== null && matchFlat(byCost, ordered, event, dotted);
}

/** The conditions of each sub-rule, compiled, in key order (for explanations and tests). */
export function compileSubRules(pattern: unknown): CompiledCondition[][] {
  return parsePattern(parseSource(pattern)).map((rule) => rule.map(compileCondition));
}

const textCache = new Map<string, CompiledPattern>();
const TEXT_CACHE_SIZE = 256;
const compileObject = memoizeByIdentity((pattern) => compilePattern(pattern));

/**
 * `compilePattern` with a cache: pattern objects by identity (do not mutate one after handing it
 * over), JSON text in a bounded map (oldest dropped first). Used by `matchesPattern` and `compileRuleSet`, so a
 * pattern compiled for one is not compiled again for the other.
 */
export function compilePatternCached(pattern: unknown): CompiledPattern {
  if (typeof pattern === 'object' && pattern !== null) return compileObject(pattern);
  if (typeof pattern === 'string') {
    let c = textCache.get(pattern);
    if (!c) {
      c = compilePattern(pattern);
      if (textCache.size >= TEXT_CACHE_SIZE) textCache.delete(textCache.keys().next().value as string);
      textCache.set(pattern, c);
    }
    return c;
  }
  return compilePattern(pattern);
}

/** One-off match; patterns (objects, or JSON text) are compiled once and cached, so do not mutate a pattern object after using it here. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePatternCached(pattern).matches(event);
}

/** @throws PatternError when EventBridge would reject `pattern`. */
export function validatePattern(pattern: unknown): void {
  parsePattern(parseSource(pattern));
}
