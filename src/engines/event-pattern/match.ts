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

/** Alternating [array, index, array, index, …]; null = not inside any array. */
type Membership = readonly unknown[] | null;

interface Leaf {
  readonly v: unknown;
  readonly m: Membership;
}

export interface CompiledCondition {
  readonly condition: Condition;
  readonly segments: readonly string[];
  readonly test: (v: unknown) => boolean;
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

/** The leaf at `segments` when no array is on the way; MISSING when absent or not a leaf; SLOW otherwise. */
function resolveFast(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    if (typeof node !== 'object' || node === null) return MISSING;
    if (Array.isArray(node)) return SLOW;
    const key = segments[i] as string;
    if (!hasOwn.call(node, key)) return MISSING;
    node = (node as Record<string, unknown>)[key];
  }
  if (Array.isArray(node)) return SLOW;
  return isLeaf(node) ? node : MISSING;
}

function extend(m: Membership, arr: unknown, idx: number): Membership {
  return m === null ? [arr, idx] : [...m, arr, idx];
}

/** Every leaf at `segments`, with array memberships. Iterative. */
function collect(root: unknown, segments: readonly string[]): Leaf[] {
  const out: Leaf[] = [];
  const stack: { node: unknown; i: number; m: Membership }[] = [{ node: root, i: 0, m: null }];
  while (stack.length > 0) {
    const { node, i, m } = stack.pop() as { node: unknown; i: number; m: Membership };
    if (Array.isArray(node)) {
      for (let k = node.length - 1; k >= 0; k--) stack.push({ node: node[k], i, m: extend(m, node, k) });
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

function consistent(a: Membership, b: Membership): boolean {
  if (a === null || b === null) return true;
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      if (a[i] === b[j] && a[i + 1] !== b[j + 1]) return false;
    }
  }
  return true;
}

function merge(a: Membership, b: Membership): Membership {
  if (b === null) return a;
  if (a === null) return b;
  const out = [...a];
  for (let j = 0; j < b.length; j += 2) {
    let seen = false;
    for (let i = 0; i < a.length; i += 2) {
      if (a[i] === b[j]) {
        seen = true;
        break;
      }
    }
    if (!seen) out.push(b[j], b[j + 1]);
  }
  return out;
}

/** Does the sub-rule match `event`, starting at condition `from` with the leaves chosen so far `m`? */
export function matchSubRule(
  rule: readonly CompiledCondition[],
  event: unknown,
  from = 0,
  m: Membership = null,
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
      if (!c.onlyAbsent && c.test(fast)) continue;
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
      if (c.test(leaf.v) && matchSubRule(rule, event, i + 1, merge(m, leaf.m))) return true;
    }
    if (c.absent && !anyConsistent) return matchSubRule(rule, event, i + 1, m);
    return false;
  }
  return true;
}
