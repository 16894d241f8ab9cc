/**
 * Deterministic stand-ins for what CloudFormation generates at deploy time (physical names, key ids,
 * stack ids). Same input → same output, on every machine and every run: the suffix is a hash, not
 * randomness. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
 */

/** 32-bit FNV-1a over UTF-16 code units with a seed mixed in. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche so that similar inputs differ in every digit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** `length` hex digits derived from `text`. */
export function stableHex(text: string, length: number): string {
  let out = '';
  for (let seed = 1; out.length < length; seed++) out += fnv1a(text, seed).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `length` upper-case alphanumerics derived from `text` (CloudFormation suffixes look like `1R2D3ZQWEXAMPLE`). */
export function stableAlnum(text: string, length: number): string {
  let out = '';
  for (let seed = 101; out.length < length; seed++) {
    let h = fnv1a(text, seed);
    for (let k = 0; k < 6 && out.length < length; k++) {
      out += ALNUM[h % 36];
      h = Math.floor(h / 36);
    }
  }
  return out;
}

/** A UUID-shaped (8-4-4-4-12 hex) deterministic id. */
export function stableUuid(text: string): string {
  const h = stableHex(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const SUFFIX_LENGTH = 13;

/**
 * The name CloudFormation generates for a resource without an explicit name:
 * `<stack>-<logicalId>-<SUFFIX>`, truncated (stack name first, then logical id) to `maxLength`.
 * The suffix is a stable hash of stack name and logical id.
 */
export function deterministicPhysicalName(stackName: string, logicalId: string, maxLength = 64): string {
  const suffix = stableAlnum(`${stackName}\u0000${logicalId}`, SUFFIX_LENGTH);
  const budget = maxLength - SUFFIX_LENGTH - 2;
  if (budget < 2) return suffix.slice(0, Math.max(1, maxLength));
  let stack = stackName;
  let id = logicalId;
  if (stack.length + id.length > budget) {
    const idShare = Math.min(id.length, Math.ceil(budget / 2));
    stack = stack.slice(0, Math.max(1, budget - idShare));
    id = id.slice(0, budget - stack.length);
  }
  return `${stack}-${id}-${suffix}`;
}
