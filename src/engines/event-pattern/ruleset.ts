import { compilePatternCached, internalsOf, type PatternInternals } from './compile.js';
import { altsOf } from './match.js';
import type { SubRule } from './model.js';
import { addPath, emptyTrie, hasDottedKeyOnPaths } from './paths.js';

/**
 * Many patterns matched against one event at a time, as a bus matches all its rules.
 *
 * Like event-ruler's shared machine, it avoids testing rules that cannot match: a pattern whose every
 * `$or` branch requires the same field to be one of a few exact strings (`"eventName": ["AssumeRole"]`)
 * is indexed under those strings, and only looked at when the event has one of them there. The index
 * is a necessary condition only — every candidate is then tested with its full compiled pattern — so
 * the result is exactly `patterns.filter((p) => p.matches(event))`.
 *
 * Dotted event keys (`{"detail.eventName": …}`) are looked for once per event along the union of
 * the patterns' paths; only when one is there do the index and the matchers take the slower routes
 * that see them.
 */
export interface CompiledRuleSet {
  /** Indices (ascending) of the patterns that match `event`. */
  matching(event: unknown): number[];
  readonly size: number;
}

interface Gate {
  readonly key: string;
  readonly segments: readonly string[];
  readonly values: ReadonlySet<string>;
}

/** Fields tried as gates, most selective first. */
const GATE_KEYS = ['detail.eventName', 'detail.eventSource', 'source', 'detail-type'];

function gateOn(subRules: readonly SubRule[], key: string): Gate | undefined {
  const values = new Set<string>();
  let segments: readonly string[] | undefined;
  for (const rule of subRules) {
    const c = rule.find((x) => x.key === key);
    if (!c || c.absent || c.matchers.length === 0 || !c.matchers.every((m) => m.kind === 'exact-string')) {
      return undefined;
    }
    segments = c.segments;
    for (const m of c.matchers) if (m.kind === 'exact-string') values.add(m.value);
  }
  return segments ? { key, segments, values } : undefined;
}

/**
 * The field to index a pattern under: the first of GATE_KEYS every branch requires to be one of a
 * few exact strings, else any other such field (the role ARN of an action-logging rule).
 */
function gateOf(subRules: readonly SubRule[]): Gate | undefined {
  if (subRules.length === 0) return undefined;
  for (const key of GATE_KEYS) {
    const g = gateOn(subRules, key);
    if (g) return g;
  }
  for (const c of subRules[0] as SubRule) {
    const g = gateOn(subRules, c.key);
    if (g) return g;
  }
  return undefined;
}

const ANY = Symbol('any');

/**
 * The string at `segments`, `undefined` when absent or not a string, `ANY` when the path crosses an
 * array or a dotted event key (`{"detail.eventName": …}`): then every pattern of the group is tested.
 */
function leafAt(
  event: unknown,
  segments: readonly string[],
  alts: readonly (readonly string[] | undefined)[],
  dotted: boolean,
): string | undefined | typeof ANY {
  let node: unknown = event;
  for (let j = 0; j < segments.length; j++) {
    if (Array.isArray(node)) return ANY;
    if (typeof node !== 'object' || node === null) return undefined;
    const longer = dotted ? alts[j] : undefined;
    if (longer) for (const k of longer) if ((node as Record<string, unknown>)[k] !== undefined) return ANY;
    node = (node as Record<string, unknown>)[segments[j] as string];
  }
  if (Array.isArray(node)) return ANY;
  return typeof node === 'string' ? node : undefined;
}

/** Compiles `patterns` (objects or JSON text); throws `PatternError` for the first invalid one. */
export function compileRuleSet(patterns: readonly unknown[]): CompiledRuleSet {
  const compiled: PatternInternals[] = patterns.map((p) => internalsOf(compilePatternCached(p)));
  const trie = emptyTrie();
  for (const c of compiled)
    for (const rule of c.subRules) for (const cond of rule) addPath(trie, cond.segments);
  const ungated: number[] = [];
  const groups = new Map<
    string,
    {
      segments: readonly string[];
      alts: readonly (readonly string[] | undefined)[];
      all: number[];
      byValue: Map<string, number[]>;
    }
  >();
  compiled.forEach((p, i) => {
    const gate = gateOf(p.subRules);
    if (!gate) {
      ungated.push(i);
      return;
    }
    let g = groups.get(gate.key);
    if (!g) {
      g = { segments: gate.segments, alts: altsOf(gate.segments), all: [], byValue: new Map() };
      groups.set(gate.key, g);
    }
    g.all.push(i);
    for (const v of gate.values) {
      const list = g.byValue.get(v);
      if (list) list.push(i);
      else g.byValue.set(v, [i]);
    }
  });
  const groupList = [...groups.values()];
  return {
    size: compiled.length,
    matching(event: unknown): number[] {
      const out: number[] = [];
      const dotted = hasDottedKeyOnPaths(event, trie);
      const test = (i: number) => {
        if ((compiled[i] as PatternInternals).matchesWith(event, dotted)) out.push(i);
      };
      ungated.forEach(test);
      for (const g of groupList) {
        const leaf = leafAt(event, g.segments, g.alts, dotted);
        if (leaf === ANY) g.all.forEach(test);
        else if (leaf !== undefined) g.byValue.get(leaf)?.forEach(test);
      }
      return out.length > 1 ? out.sort((a, b) => a - b) : out;
    },
  };
}
