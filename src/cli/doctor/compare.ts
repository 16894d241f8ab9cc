/**
 * Semantic comparison of a synthesized value with what AWS returns for it.
 *
 * - The template side is resolved offline with stand-in names for what CloudFormation generates;
 *   {@link physicalSubstitutions} maps each stand-in (Ref value and physical name) to the deployed
 *   physical id from DescribeStackResources, and {@link expectedValue} applies it.
 * - Values the offline resolver could not know (an `Unresolved`) match anything.
 * - JSON text is parsed; arrays are compared as sets (IAM statements, actions and principals, and
 *   EventBridge pattern values are unordered); a single IAM value equals a one-element list.
 */
import { isUnresolved, type ResolvedResource } from '../../engines/cfn/index.js';
import type { DeployedResource } from '../aws/doctor-ports.js';

/** Stand-in → deployed, longest first so an ARN is replaced before the name inside it. */
export function physicalSubstitutions(
  resources: readonly ResolvedResource[],
  deployed: readonly DeployedResource[],
): [string, string][] {
  const byId = new Map(deployed.map((d) => [d.logicalId, d.physicalId]));
  const pairs = new Map<string, string>();
  for (const r of resources) {
    const real = byId.get(r.logicalId);
    if (!real) continue;
    if (typeof r.ref === 'string' && r.ref !== real) pairs.set(r.ref, real);
    const realName = real.split(/[/:|]/).pop() ?? real;
    // The name inside ARNs and URLs (when Ref is the name itself, the whole physical id wins).
    const name = r.physicalName;
    if (typeof name === 'string' && !pairs.has(name) && name !== realName && name.length >= 8)
      pairs.set(name, realName);
  }
  return [...pairs].sort((a, b) => b[0].length - a[0].length);
}

/** A resolved template value with every stand-in replaced by its deployed value. */
export function expectedValue(v: unknown, subs: readonly [string, string][]): unknown {
  if (isUnresolved(v)) return v;
  if (typeof v === 'string') {
    let s = v;
    for (const [from, to] of subs) if (s.includes(from)) s = s.split(from).join(to);
    return s;
  }
  if (Array.isArray(v)) return v.map((x) => expectedValue(x, subs));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expectedValue(x, subs)]));
  return v;
}

/** Keys whose single value IAM treats as a one-element list. */
const LISTY = new Set([
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'AWS',
  'Service',
  'Federated',
  'CanonicalUser',
  'Statement',
]);

function parseIfJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

/**
 * Canonical form: JSON parsed, IAM singletons listed (also every condition value), an account id
 * principal spelled as its root ARN (the services store `"AWS": "111122223333"` as
 * `arn:aws:iam::111122223333:root`), arrays sorted, object keys sorted.
 */
export function normalise(v: unknown, key = '', inCondition = false): unknown {
  if (isUnresolved(v)) return v;
  const p = parseIfJson(v);
  if (Array.isArray(p)) {
    const items = p.map((x) => normalise(x, key, inCondition));
    return items.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }
  if (p && typeof p === 'object') {
    const o = p as Record<string, unknown>;
    const depth = key === 'Condition' ? 1 : 0;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => {
          const x = o[k];
          const cond = inCondition || depth === 1;
          const single =
            !Array.isArray(parseIfJson(x)) && !isUnresolved(x) && (typeof x !== 'object' || x === null);
          const listed = single && (LISTY.has(k) || (cond && key !== 'Condition')) ? [x] : x;
          return [k, normalise(listed, k, cond)];
        }),
    );
  }
  if (key === 'AWS' && typeof p === 'string' && /^\d{12}$/.test(p)) return `arn:aws:iam::${p}:root`;
  return p;
}

function sortKey(v: unknown): string {
  // JSON.stringify hands the replacer Unresolved.toJSON()'s result; the holder still has the instance.
  return (
    JSON.stringify(v, function (this: Record<string, unknown>, k: string, x: unknown) {
      return isUnresolved(this[k]) ? '\uffff' : x;
    }) ?? ''
  );
}

/**
 * Paths where `actual` differs from `expected` (both normalised first); an Unresolved on the expected
 * side matches anything. Arrays with an Unresolved element are compared by length only.
 */
export function differences(expected: unknown, actual: unknown, path = ''): string[] {
  return diff(normalise(expected), normalise(actual), path);
}

function diff(e: unknown, a: unknown, path: string): string[] {
  if (isUnresolved(e)) return [];
  if (Array.isArray(e)) {
    if (!Array.isArray(a)) return [`${path || '<root>'}: expected a list, found ${show(a)}`];
    if (e.some((x) => sortKey(x).includes('\uffff'))) {
      return e.length === a.length
        ? []
        : [`${path || '<root>'}: expected ${e.length} entries, found ${a.length}`];
    }
    const out: string[] = [];
    const rest = a.map((x) => sortKey(x));
    for (const x of e) {
      const i = rest.indexOf(sortKey(x));
      if (i >= 0) rest.splice(i, 1);
      else out.push(`${path || '<root>'}: missing ${show(x)}`);
    }
    for (const x of rest)
      out.push(`${path || '<root>'}: unexpected ${x.length > 120 ? `${x.slice(0, 117)}...` : x}`);
    return out;
  }
  if (e && typeof e === 'object') {
    if (!a || typeof a !== 'object' || Array.isArray(a))
      return [`${path || '<root>'}: expected an object, found ${show(a)}`];
    const ao = a as Record<string, unknown>;
    const eo = e as Record<string, unknown>;
    const out: string[] = [];
    for (const k of Object.keys(eo)) out.push(...diff(eo[k], ao[k], path ? `${path}.${k}` : k));
    for (const k of Object.keys(ao))
      if (!(k in eo)) out.push(`${path ? `${path}.${k}` : k}: unexpected ${show(ao[k])}`);
    return out;
  }
  if (typeof e === 'number' || typeof e === 'boolean') {
    return String(e) === String(a) ? [] : [`${path || '<root>'}: expected ${show(e)}, found ${show(a)}`];
  }
  return e === a ? [] : [`${path || '<root>'}: expected ${show(e)}, found ${show(a)}`];
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
