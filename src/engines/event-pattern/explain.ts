/**
 * Why an event does not match: for each `$or` branch, the first condition (in key order) that no
 * leaf of the event satisfies, or, when each condition alone is satisfied, the first one that cannot
 * be satisfied by the same array elements as the conditions before it.
 */
import { compileSubRules } from './compile.js';
import { collect, matchGeneral } from './match.js';

export interface FailedCondition {
  /** Dotted field path (`detail.eventName`). */
  readonly field: string;
  /** The field's array as written in the pattern. */
  readonly expected: readonly unknown[];
  /** The event's values at the path (leaves), empty when it has none. */
  readonly found: readonly unknown[];
  /** `value`: no value matches; `consistency`: values match only in different array elements. */
  readonly reason: 'value' | 'consistency';
}

/** One entry per `$or` branch; empty when the event matches. */
export function explainMismatch(pattern: unknown, event: unknown): FailedCondition[] {
  const rules = compileSubRules(pattern);
  if (typeof event === 'object' && event !== null && rules.some((r) => matchGeneral(r, event))) return [];
  return rules.map((rule) => {
    for (let i = 0; i < rule.length; i++) {
      const c = rule[i] as (typeof rule)[number];
      const found =
        typeof event === 'object' && event !== null ? collect(event, c, new Map()).map((l) => l.v) : [];
      const alone = c.onlyAbsent
        ? found.length === 0
        : found.some((v) => c.test(v)) || (c.absent && found.length === 0);
      const base = { field: c.condition.key, expected: c.condition.written, found };
      if (!alone) return { ...base, reason: 'value' as const };
      if (typeof event === 'object' && event !== null && !matchGeneral(rule.slice(0, i + 1), event)) {
        return { ...base, reason: 'consistency' as const };
      }
    }
    const last = rule[rule.length - 1];
    return {
      field: last?.condition.key ?? '',
      expected: last?.condition.written ?? [],
      found: [],
      reason: 'value' as const,
    };
  });
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** One line per failed condition, as a person debugging a rule reads it. */
export function describeMismatch(f: FailedCondition): string {
  const has =
    f.found.length === 0 ? 'the event has no value there' : `the event has ${f.found.map(show).join(', ')}`;
  if (f.reason === 'consistency') {
    return `${f.field}: expected ${show(f.expected)}; ${has}, but not in the same array element as the fields before it`;
  }
  return `${f.field}: expected ${show(f.expected)}; ${has}`;
}
