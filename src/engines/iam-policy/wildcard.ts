/**
 * IAM wildcard matching (`*` = any run of characters, `?` = exactly one character) without regular
 * expressions and without backtracking.
 *
 * A pattern is split at `*` into segments; the first segment is anchored at the start, the last at
 * the end, and each middle segment is matched at its leftmost position after the previous one.
 * Leftmost placement is always optimal for `*`-separated segments, so no alternative is ever
 * retried: the worst case is O(|text| · |pattern|) character comparisons, never exponential.
 */

/** One element of a compiled pattern: a literal character, `?` (any one char) or `*` (any run). */
export type GlobToken = string | typeof ANY_CHAR | typeof ANY_RUN;
export const ANY_CHAR: unique symbol = Symbol('?');
export const ANY_RUN: unique symbol = Symbol('*');

/** A compiled pattern: each segment is the list of tokens between two `*`. */
export interface Glob {
  /** Segments between `*`s; a pattern without `*` has exactly one segment. */
  readonly segments: readonly (readonly (string | typeof ANY_CHAR)[])[];
  readonly hasStar: boolean;
}

/** Compiles a plain IAM wildcard string (every `*` and `?` is a wildcard). */
export function compileWildcard(pattern: string, ignoreCase = false): Glob {
  const tokens: GlobToken[] = [];
  for (const ch of ignoreCase ? pattern.toLowerCase() : pattern) {
    tokens.push(ch === '*' ? ANY_RUN : ch === '?' ? ANY_CHAR : ch);
  }
  return compileTokens(tokens);
}

/** Compiles a token list (used when policy variables inserted literal `*`/`?` characters). */
export function compileTokens(tokens: readonly GlobToken[], ignoreCase = false): Glob {
  const segments: (string | typeof ANY_CHAR)[][] = [[]];
  let hasStar = false;
  for (const t of tokens) {
    if (t === ANY_RUN) {
      hasStar = true;
      segments.push([]);
    } else {
      const seg = segments[segments.length - 1] as (string | typeof ANY_CHAR)[];
      seg.push(typeof t === 'string' && ignoreCase ? t.toLowerCase() : t);
    }
  }
  return { segments, hasStar };
}

function segmentMatchesAt(text: readonly string[], at: number, seg: readonly (string | typeof ANY_CHAR)[]) {
  if (at + seg.length > text.length) return false;
  for (let i = 0; i < seg.length; i++) {
    const p = seg[i];
    if (p !== ANY_CHAR && p !== text[at + i]) return false;
  }
  return true;
}

/** True when `text` matches the compiled glob in full. */
export function globMatches(glob: Glob, text: string, ignoreCase = false): boolean {
  // Work on code points so `?` matches one character even outside the BMP.
  const chars = Array.from(ignoreCase ? text.toLowerCase() : text);
  const segs = glob.segments;
  const first = segs[0] ?? [];
  if (!glob.hasStar) return first.length === chars.length && segmentMatchesAt(chars, 0, first);
  const last = segs[segs.length - 1] ?? [];
  if (first.length + last.length > chars.length) return false;
  if (!segmentMatchesAt(chars, 0, first)) return false;
  if (!segmentMatchesAt(chars, chars.length - last.length, last)) return false;
  let pos = first.length;
  const end = chars.length - last.length;
  for (let s = 1; s < segs.length - 1; s++) {
    const seg = segs[s] as (string | typeof ANY_CHAR)[];
    let found = -1;
    for (let at = pos; at + seg.length <= end; at++) {
      if (segmentMatchesAt(chars, at, seg)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + seg.length;
  }
  return true;
}

/** Convenience: does `text` match the IAM wildcard string `pattern`? */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? pattern.toLowerCase() === text.toLowerCase() : pattern === text;
  }
  return globMatches(compileWildcard(pattern, ignoreCase), text, ignoreCase);
}
