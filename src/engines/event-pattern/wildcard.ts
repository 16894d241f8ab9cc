/**
 * Wildcard matching without regular expressions.
 *
 * A wildcard pattern is split at its unescaped `*` into literal segments. Matching is the classic
 * greedy left-to-right scan: the first segment must be a prefix, the last a suffix, and each middle
 * segment is found with `indexOf` after the previous one. Taking the leftmost occurrence of every
 * middle segment is always safe (it leaves the most room for the rest), so there is no
 * backtracking: the cost is O(|pattern| · |value|) in the worst case of `indexOf`, and in practice
 * linear. Adversarial patterns like `a*a*a*…b` against long strings of `a` finish in milliseconds.
 */
export interface WildcardPattern {
  /** Literal segments between unescaped `*`; length = number of `*` + 1. */
  readonly segments: readonly string[];
}

/** Parses `text` (already a JS string); returns an error message instead of throwing. */
export function parseWildcard(text: string): WildcardPattern | string {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '\\') {
        current += next;
        i++;
        continue;
      }
      return `invalid escape at position ${i}; a backslash may only escape '*' or '\\'`;
    }
    if (c === '*') {
      if (text[i + 1] === '*') {
        return `consecutive wildcard characters at position ${i}; use a single '*'`;
      }
      segments.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  segments.push(current);
  return { segments };
}

export function matchWildcard(p: WildcardPattern, value: string): boolean {
  const segs = p.segments;
  const n = segs.length;
  const first = segs[0] as string;
  if (n === 1) return value === first;
  const last = segs[n - 1] as string;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first)) return false;
  const end = value.length - last.length;
  if (!value.endsWith(last)) return false;
  let pos = first.length;
  for (let i = 1; i < n - 1; i++) {
    const seg = segs[i] as string;
    if (seg.length === 0) continue;
    const at = value.indexOf(seg, pos);
    if (at < 0 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
}
