/**
 * Case-insensitive comparison for `equals-ignore-case` (and the prefix/suffix/anything-but forms).
 *
 * The user guide says only that the operator matches "regardless of case"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-equals-ignore-case-matching);
 * it says nothing about text outside ASCII. We use Unicode *simple* case folding (one code point to
 * one code point, CaseFolding.txt statuses C and S), so:
 *   - "ß" equals "ẞ" but not "SS" or "ss" (that would be full folding);
 *   - "Σ", "σ" and the final "ς" are all equal;
 *   - title-case digraphs are equal to their upper- and lower-case forms ("ǅ" = "Ǆ" = "ǆ");
 *   - the Kelvin sign "K" equals "k"; dotless "ı" and dotted "İ" equal only themselves.
 * aws/event-ruler differs: it compares each UTF-16 unit with its Locale.ROOT upper- and lower-case
 * forms, so for it "ß" also matches "SS", "ς" does not match "σ", and "ǅ" does not match itself.
 *
 * Folding keeps the number of code points, so a folded prefix is the prefix of the folded value.
 */

/** Code points whose upper-then-lower round trip is not their simple case folding. */
const SELF: ReadonlySet<number> = new Set([0x0130, 0x0131]);

function foldCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  if (SELF.has(cp)) return ch;
  const upper = ch.toUpperCase();
  if (isOneCodePoint(upper)) {
    const lower = upper.toLowerCase();
    if (isOneCodePoint(lower)) return lower;
  }
  const lower = ch.toLowerCase();
  return isOneCodePoint(lower) ? lower : ch;
}

function isOneCodePoint(s: string): boolean {
  return s.length === 1 || (s.length === 2 && (s.codePointAt(0) as number) > 0xffff);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The simple case folding of `s` (ASCII: `toLowerCase`). */
export function foldCase(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += foldCodePoint(ch);
  return out;
}
