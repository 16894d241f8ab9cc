import { compilePatternCached, type CompiledPattern } from './compile.js';
import { altsOf } from './match.js';
import type { SubRule } from './model.js';
import { parsePattern } from './validate.js';

/**
 * Many patterns matched against one event at a time, as a bus matches all its rules.
 *
 * Like event-ruler's shared machine, it avoids testing rules that cannot match: a pattern whose every
 * `$or` branch requires the same field to be one of a few exact strings (`"eventName": ["AssumeRole"]`)
 * is indexed under those strings, and only looked at when the event has one of them there. The index
 * is a necessary condition only — every candidate is then tested with its full compiled pattern — so
 * the result is exactly `patterns.filter((p) => p.matches(event))`.
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

function gateOf(subRules: readonly SubRule[]): Gate | undefined {
  for (const key of GATE_KEYS) {
    const values = new Set<string>();
    let segments: readonly string[] | undefined;
    let ok = subRules.length > 0;
    for (const rule of subRules) {
      const c = rule.find((x) => x.key === key);
      if (!c || c.absent || c.matchers.length === 0 || !c.matchers.every((m) => m.kind === 'exact-string')) {
        ok = false;
        break;
      }
      segments = c.segments;
      for (const m of c.matchers) if (m.kind === 'exact-string') values.add(m.value);
    }
    if (ok && segments) return { key, segments, values };
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
): string | undefined | typeof ANY {
  let node: unknown = event;
  for (let j = 0; j < segments.length; j++) {
    if (Array.isArray(node)) return ANY;
    if (typeof node !== 'object' || node === null) return undefined;
    const longer = alts[j];
    if (longer) for (const k of longer) if ((node as Record<string, unknown>)[k] !== undefined) return ANY;
    node = (node as Record<string, unknown>)[segments[j] as string];
  }
  if (Array.isArray(node)) return ANY;
  return typeof node === 'string' ? node : undefined;
}

/** Compiles `patterns` (objects or JSON text); throws `PatternError` for the first invalid one. */
export function compileRuleSet(patterns: readonly unknown[]): CompiledRuleSet {
  const compiled: CompiledPattern[] = patterns.map((p) => compilePatternCached(p));
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
  patterns.forEach((p, i) => {
    const gate = gateOf(parsePattern(typeof p === 'string' ? (JSON.parse(p) as unknown) : p));
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
      const test = (i: number) => {
        if ((compiled[i] as CompiledPattern).matches(event)) out.push(i);
      };
      ungated.forEach(test);
      for (const g of groupList) {
        const leaf = leafAt(event, g.segments, g.alts);
        if (leaf === ANY) g.all.forEach(test);
        else if (leaf !== undefined) g.byValue.get(leaf)?.forEach(test);
      }
      return out.length > 1 ? out.sort((a, b) => a - b) : out;
    },
  };
}
