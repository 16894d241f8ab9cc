/**
 * Matching sub-rules against an event, the way event-ruler's `rulesForJSONEvent` does.
 *
 * The event is seen as leaves (strings, numbers, booleans, null) at dotted paths: the keys from the
 * root to the leaf joined with dots, so `{"detail": {"state": 1}}` and `{"detail.state": 1}` both
 * have a leaf 1 at `detail.state` (model.ts). Arrays are "crushed out" of the path, so
 * `{"a": [{"b": 1}]}` has a leaf 1 at `a.b`. Each leaf remembers which element of which array it
 * sits in (its membership). A sub-rule matches when every condition finds a leaf satisfying it and
 * all the leaves chosen are array-consistent: no two of them come from different elements of the
 * same array. That is event-ruler's array-consistent matching
 * (https://github.com/aws/event-ruler#json-array-matching, `ACFinder`), which EventBridge uses.
 *
 * `{"exists": false}` holds when no leaf at the path is consistent with the leaves chosen so far for
 * the conditions before it in key order (event-ruler's `NameState.getNameTransitions`).
 *
 * The search over array elements is memoised: whether conditions i… can still be satisfied depends
 * only on the elements chosen in arrays that those conditions' leaves sit in, so a failure is
 * remembered under (i, those choices). Independent arrays then cost the sum, not the product, of
 * their sizes. A step budget backs this up: an event that would still need more than
 * MAX_MATCH_STEPS leaf tests fails with a MatchLimitError instead of hanging.
 *
 * Only the paths a pattern names are visited; arrays are walked iteratively, so deeply nested or
 * huge events cannot overflow the stack.
 */
import { MatchLimitError } from './errors.js';
import type { Condition } from './model.js';

export interface CompiledCondition {
  readonly condition: Condition;
  readonly segments: readonly string[];
  /**
   * `alts[j]`: the event keys longer than one segment that can stand at level j
   * (`segments[j..k]` joined with dots, k > j); undefined when there are none.
   */
  readonly alts: readonly (readonly string[] | undefined)[];
  readonly test: (v: unknown) => boolean;
  /** The only alternative is this exact string (tested inline, the common case). */
  readonly exact1: string | undefined;
  readonly absent: boolean;
  /** True when the only alternative is `{"exists": false}`. */
  readonly onlyAbsent: boolean;
}

/** Leaf tests one match may make before it fails with a MatchLimitError. */
export const MAX_MATCH_STEPS = 2_000_000;

const hasOwn = Object.prototype.hasOwnProperty;

/** `alts` of a condition (see CompiledCondition). */
export function altsOf(segments: readonly string[]): (readonly string[] | undefined)[] {
  return segments.map((_, j) => {
    const out: string[] = [];
    for (let k = j + 1; k < segments.length; k++) out.push(segments.slice(j, k + 1).join('.'));
    return out.length > 0 ? out : undefined;
  });
}

function isLeaf(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * Where a leaf sits: the chain of (array id, index) pairs from the leaf up to the root; null = not
 * in any array. A linked list, so descending one array level is O(1) however deep the nesting.
 */
export interface Membership {
  readonly id: number;
  readonly idx: number;
  readonly parent: Membership | null;
}

export interface Leaf {
  readonly v: unknown;
  readonly m: Membership | null;
}

/**
 * Every leaf at the condition's dotted path, with array memberships (array ids from `ids`). Iterative.
 * At each level the event key may be one segment or several joined with dots.
 */
export function collect(root: unknown, c: CompiledCondition, ids: Map<unknown, number>): Leaf[] {
  const { segments, alts } = c;
  const out: Leaf[] = [];
  const stack: { node: unknown; i: number; m: Membership | null }[] = [{ node: root, i: 0, m: null }];
  while (stack.length > 0) {
    const { node, i, m } = stack.pop() as { node: unknown; i: number; m: Membership | null };
    if (Array.isArray(node)) {
      let id = ids.get(node);
      if (id === undefined) {
        id = ids.size;
        ids.set(node, id);
      }
      for (let k = node.length - 1; k >= 0; k--) {
        stack.push({ node: node[k], i, m: { id, idx: k, parent: m } });
      }
      continue;
    }
    if (i === segments.length) {
      if (isLeaf(node)) out.push({ v: node, m });
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const longer = alts[i];
    if (longer) {
      for (let k = longer.length - 1; k >= 0; k--) {
        const key = longer[k] as string;
        if (hasOwn.call(node, key))
          stack.push({ node: (node as Record<string, unknown>)[key], i: i + k + 2, m });
      }
    }
    const key = segments[i] as string;
    if (hasOwn.call(node, key)) stack.push({ node: (node as Record<string, unknown>)[key], i: i + 1, m });
  }
  return out;
}

/**
 * True when some object on the condition's path, up to level `depth`, holds a dotted key that
 * continues the path (`{"detail.state": …}` for `detail.state.status`): then the path has another
 * route and only `matchGeneral` sees every leaf.
 */
function hasDottedRoute(event: unknown, c: CompiledCondition, depth: number): boolean {
  const { segments, alts } = c;
  let node: unknown = event;
  for (let j = 0; j <= depth && j < segments.length; j++) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
    const longer = alts[j];
    if (longer !== undefined) {
      for (let k = 0; k < longer.length; k++) {
        if ((node as Record<string, unknown>)[longer[k] as string] !== undefined) return true;
      }
    }
    node = (node as Record<string, unknown>)[segments[j] as string];
  }
  return false;
}

/**
 * The common case, inlined: walk each condition's path (cheapest condition first) while it crosses
 * no array; from the first one that does, hand over to `matchGeneral` with the conditions in key
 * order (same result). Without arrays every condition is independent of the others, so the order of
 * `byCost` cannot change the answer.
 *
 * Dotted event keys are looked for only where they could change the answer: when a condition is
 * about to fail (or an `{"exists": false}` about to hold) because its path has no (matching) leaf.
 * A leaf found on the plain path that satisfies the condition decides it whatever else exists.
 * `dotted: false` says the caller has checked the event has no such keys on these paths
 * (paths.ts), so the lookups are skipped.
 *
 * Plain property reads are safe for inherited names: `constructor`, `toString`, … resolve to
 * functions (never a leaf) and `__proto__` to an object whose own properties are functions, so they
 * read as absent, exactly like missing fields.
 */
export function matchFlat(
  byCost: readonly CompiledCondition[],
  ordered: readonly CompiledCondition[],
  event: unknown,
  dotted: boolean,
): boolean {
  for (let i = 0; i < byCost.length; i++) {
    const c = byCost[i] as CompiledCondition;
    const segments = c.segments;
    let node: unknown = event;
    let j = 0;
    for (; j < segments.length; j++) {
      if (typeof node !== 'object' || node === null) {
        node = undefined;
        break;
      }
      if (Array.isArray(node)) return matchGeneral(ordered, event);
      node = (node as Record<string, unknown>)[segments[j] as string];
      if (node === undefined) break;
    }
    let leaf = true;
    if (node === undefined || typeof node === 'function') leaf = false;
    else if (typeof node === 'object' && node !== null) {
      if (Array.isArray(node)) return matchGeneral(ordered, event);
      leaf = false;
    }
    if (leaf) {
      if (c.exact1 !== undefined ? node === c.exact1 : !c.onlyAbsent && c.test(node)) continue;
      // A leaf outside arrays is consistent with everything: exists false fails whatever else exists.
      if (c.onlyAbsent) return false;
    }
    // No (matching) leaf on the plain path: decided unless a dotted key opens another route.
    if (dotted && segments.length > 1 && hasDottedRoute(event, c, j)) return matchGeneral(ordered, event);
    if (!leaf && c.absent) continue;
    return false;
  }
  return true;
}

/** Chosen leaves so far: array id → element index. */
type Chosen = ReadonlyMap<number, number>;
const EMPTY: Chosen = new Map();

function consistent(chosen: Chosen, m: Membership | null): boolean {
  if (chosen.size === 0) return true;
  for (let n = m; n !== null; n = n.parent) {
    const idx = chosen.get(n.id);
    if (idx !== undefined && idx !== n.idx) return false;
  }
  return true;
}

function choose(chosen: Chosen, m: Membership | null): Chosen {
  if (m === null) return chosen;
  const out = new Map(chosen);
  for (let n: Membership | null = m; n !== null; n = n.parent) out.set(n.id, n.idx);
  return out;
}

/**
 * The full matcher: every condition, in key order (event-ruler's order, which decides
 * `{"exists": false}` inside arrays), over all leaves with their array memberships.
 */
export function matchGeneral(rule: readonly CompiledCondition[], event: unknown): boolean {
  const n = rule.length;
  const ids = new Map<unknown, number>();
  const leaves: Leaf[][] = [];
  for (const c of rule) {
    const found = collect(event, c, ids);
    // A condition that needs a leaf and has none fails whatever is chosen elsewhere.
    if (found.length === 0 && !c.absent) return false;
    leaves.push(found);
  }
  // future[i]: the arrays the leaves of conditions i… sit in; only choices there matter from i on.
  const future: ReadonlySet<number>[] = new Array<ReadonlySet<number>>(n + 1);
  let acc = new Set<number>();
  future[n] = acc;
  for (let i = n - 1; i >= 0; i--) {
    acc = new Set(acc);
    for (const leaf of leaves[i] as Leaf[]) for (let n = leaf.m; n !== null; n = n.parent) acc.add(n.id);
    future[i] = acc;
  }
  const failed = new Set<string>();
  let steps = 0;

  const memoKey = (i: number, chosen: Chosen): string => {
    const rel = future[i] as ReadonlySet<number>;
    const parts: number[] = [];
    for (const [id, idx] of chosen) if (rel.has(id)) parts.push(id, idx);
    if (parts.length > 2) {
      const pairs: [number, number][] = [];
      for (let k = 0; k < parts.length; k += 2) pairs.push([parts[k] as number, parts[k + 1] as number]);
      pairs.sort((a, b) => a[0] - b[0]);
      return `${i}|${pairs.map((p) => `${p[0]}:${p[1]}`).join(',')}`;
    }
    return `${i}|${parts.join(':')}`;
  };

  const search = (i: number, chosen: Chosen): boolean => {
    if (i === n) return true;
    const key = memoKey(i, chosen);
    if (failed.has(key)) return false;
    const c = rule[i] as CompiledCondition;
    let anyConsistent = false;
    let triedOutside = false;
    for (const leaf of leaves[i] as Leaf[]) {
      if (++steps > MAX_MATCH_STEPS) throw new MatchLimitError(c.condition.key, MAX_MATCH_STEPS);
      if (!consistent(chosen, leaf.m)) continue;
      anyConsistent = true;
      if (c.onlyAbsent) break;
      if (leaf.m === null) {
        // Leaves outside arrays leave the choices unchanged: one success decides for all of them.
        if (triedOutside || !c.test(leaf.v)) continue;
        triedOutside = true;
        if (search(i + 1, chosen)) return true;
        continue;
      }
      if (c.test(leaf.v) && search(i + 1, choose(chosen, leaf.m))) return true;
    }
    if (c.absent && !anyConsistent && search(i + 1, chosen)) return true;
    failed.add(key);
    return false;
  };
  return search(0, EMPTY);
}
