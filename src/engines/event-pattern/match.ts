/**
 * Matching sub-rules against an event, the way event-ruler's `rulesForJSONEvent` does.
 *
 * The event is seen as leaves (strings, numbers, booleans, null) at dotted paths; arrays are
 * "crushed out" of the path, so `{"a": [{"b": 1}]}` has a leaf 1 at `a.b`. Each leaf remembers which
 * element of which array it sits in (its membership). A sub-rule matches when every condition finds
 * a leaf satisfying it and all the leaves chosen are array-consistent: no two of them come from
 * different elements of the same array. That is event-ruler's array-consistent matching
 * (https://github.com/aws/event-ruler#json-array-matching, `ACFinder`), which EventBridge uses.
 *
 * `{"exists": false}` holds when no leaf at the path is consistent with the leaves chosen so far for
 * the conditions before it in key order (event-ruler's `NameState.getNameTransitions`).
 *
 * Only the paths a pattern names are visited; arrays are walked iteratively, so deeply nested or
 * huge events cannot overflow the stack.
 */
import type { Condition } from './model.js';

/**
 * Where a leaf sits: the chain of (array, index) pairs from the leaf up to the root; null = not in
 * any array. A linked list, so descending one array level is O(1) however deep the nesting.
 */
interface Membership {
  readonly arr: unknown;
  readonly idx: number;
  readonly parent: Membership | null;
}

interface Leaf {
  readonly v: unknown;
  readonly m: Membership | null;
}

export interface CompiledCondition {
  readonly condition: Condition;
  readonly segments: readonly string[];
  readonly test: (v: unknown) => boolean;
  /** The only alternative is this exact string (tested inline, the common case). */
  readonly exact1: string | undefined;
  readonly absent: boolean;
  /** True when the only alternative is `{"exists": false}`. */
  readonly onlyAbsent: boolean;
}

const hasOwn = Object.prototype.hasOwnProperty;
const MISSING = Symbol('missing');
const SLOW = Symbol('slow');

function isLeaf(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * The leaf at `segments` when no array is on the way; MISSING when absent or not a leaf; SLOW otherwise.
 * Plain property reads are safe for inherited names: `constructor`, `toString`, … resolve to functions
 * (never a leaf) and `__proto__` to an object whose own properties are functions, so they read as
 * absent, exactly like missing fields.
 */
function resolveFast(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    if (typeof node !== 'object' || node === null) return MISSING;
    if (Array.isArray(node)) return SLOW;
    node = (node as Record<string, unknown>)[segments[i] as string];
    if (node === undefined) return MISSING;
  }
  if (typeof node === 'object' && node !== null) return Array.isArray(node) ? SLOW : MISSING;
  return typeof node === 'function' ? MISSING : node;
}

/** Every leaf at `segments`, with array memberships. Iterative. */
function collect(root: unknown, segments: readonly string[]): Leaf[] {
  const out: Leaf[] = [];
  const stack: { node: unknown; i: number; m: Membership | null }[] = [{ node: root, i: 0, m: null }];
  while (stack.length > 0) {
    const { node, i, m } = stack.pop() as { node: unknown; i: number; m: Membership | null };
    if (Array.isArray(node)) {
      for (let k = node.length - 1; k >= 0; k--) {
        stack.push({ node: node[k], i, m: { arr: node, idx: k, parent: m } });
      }
      continue;
    }
    if (i === segments.length) {
      if (isLeaf(node)) out.push({ v: node, m });
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const key = segments[i] as string;
    if (!hasOwn.call(node, key)) continue;
    stack.push({ node: (node as Record<string, unknown>)[key], i: i + 1, m });
  }
  return out;
}

/** Chosen leaves so far: array → element index. */
type Chosen = ReadonlyMap<unknown, number> | null;

function consistent(chosen: Chosen, m: Membership | null): boolean {
  if (chosen === null || m === null) return true;
  for (let n: Membership | null = m; n !== null; n = n.parent) {
    const idx = chosen.get(n.arr);
    if (idx !== undefined && idx !== n.idx) return false;
  }
  return true;
}

function choose(chosen: Chosen, m: Membership | null): Chosen {
  if (m === null) return chosen;
  const out = new Map(chosen ?? []);
  for (let n: Membership | null = m; n !== null; n = n.parent) out.set(n.arr, n.idx);
  return out;
}

/**
 * True when some condition without an `{"exists": false}` alternative certainly fails: its path
 * crosses no array and holds no leaf, or a leaf the condition rejects. Whatever order the
 * conditions are evaluated in, such a sub-rule cannot match.
 */
export function quickReject(conditions: readonly CompiledCondition[], event: unknown): boolean {
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i] as CompiledCondition;
    const fast = resolveFast(event, c.segments);
    if (fast === SLOW) continue;
    if (fast === MISSING || (c.exact1 !== undefined ? fast !== c.exact1 : !c.test(fast))) return true;
  }
  return false;
}

/**
 * The common case, inlined: walk each condition's path while it crosses no array; hand over to
 * `matchSubRule` (same result) from the first condition whose path meets an array.
 */
export function matchFlat(rule: readonly CompiledCondition[], event: unknown): boolean {
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i] as CompiledCondition;
    const segments = c.segments;
    let node: unknown = event;
    for (let j = 0; j < segments.length; j++) {
      if (typeof node !== 'object' || node === null) {
        node = undefined;
        break;
      }
      if (Array.isArray(node)) return matchSubRule(rule, event, i, null);
      node = (node as Record<string, unknown>)[segments[j] as string];
      if (node === undefined) break;
    }
    if (node === undefined || typeof node === 'function') {
      if (c.absent) continue;
      return false;
    }
    if (typeof node === 'object' && node !== null) {
      if (Array.isArray(node)) return matchSubRule(rule, event, i, null);
      if (c.absent) continue;
      return false;
    }
    if (c.exact1 !== undefined ? node === c.exact1 : !c.onlyAbsent && c.test(node)) continue;
    return false;
  }
  return true;
}

/** Does the sub-rule match `event`, starting at condition `from` with the leaves chosen so far `m`? */
export function matchSubRule(
  rule: readonly CompiledCondition[],
  event: unknown,
  from = 0,
  m: Chosen = null,
): boolean {
  for (let i = from; i < rule.length; i++) {
    const c = rule[i] as CompiledCondition;
    const fast = resolveFast(event, c.segments);
    if (fast !== SLOW) {
      if (fast === MISSING) {
        if (c.absent) continue;
        return false;
      }
      // One leaf outside any array: consistent with everything, membership unchanged.
      if (c.exact1 !== undefined ? fast === c.exact1 : !c.onlyAbsent && c.test(fast)) continue;
      return false;
    }
    const leaves = collect(event, c.segments);
    let anyConsistent = false;
    let triedOutside = false;
    for (const leaf of leaves) {
      if (!consistent(m, leaf.m)) continue;
      anyConsistent = true;
      if (c.onlyAbsent) break;
      if (leaf.m === null) {
        // Leaves outside arrays leave the membership unchanged: one success decides for all of them.
        if (triedOutside) continue;
        if (!c.test(leaf.v)) continue;
        triedOutside = true;
        if (matchSubRule(rule, event, i + 1, m)) return true;
        continue;
      }
      if (c.test(leaf.v) && matchSubRule(rule, event, i + 1, choose(m, leaf.m))) return true;
    }
    if (c.absent && !anyConsistent) return matchSubRule(rule, event, i + 1, m);
    return false;
  }
  return true;
}
