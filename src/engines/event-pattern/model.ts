import type { IpRange } from './cidr.js';
import type { NumericRange } from './numeric.js';
import type { WildcardPattern } from './wildcard.js';

/**
 * One value test of a leaf (one element of a field's array in the pattern). Matchers are tested
 * against the leaves (string, number, boolean, null) found at the field's path in the event.
 */
export type ValueMatcher =
  | { readonly kind: 'exact-string'; readonly value: string }
  /** `comparable` is the fixed-point form, undefined when the number is outside the numeric range. */
  | { readonly kind: 'exact-number'; readonly value: number; readonly comparable: number | undefined }
  | { readonly kind: 'exact-literal'; readonly value: boolean | null }
  | { readonly kind: 'exact-ip'; readonly value: string; readonly range: IpRange }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly value: WildcardPattern }
  | { readonly kind: 'numeric'; readonly range: NumericRange }
  | { readonly kind: 'cidr'; readonly range: IpRange }
  | { readonly kind: 'exists' }
  | { readonly kind: 'anything-but-strings'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'anything-but-numbers'; readonly values: ReadonlySet<number> }
  | { readonly kind: 'anything-but-ignore-case'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'anything-but-prefix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-suffix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-wildcard'; readonly values: readonly WildcardPattern[] };

/**
 * A field of a sub-rule: the leaves at `key` must satisfy one of `matchers` (or be absent).
 *
 * EventBridge compares dotted names: the pattern `{"detail": {"state": …}}` and `{"detail.state": …}`
 * are the same field, and either matches the event's `{"detail": {"state": …}}` or
 * `{"detail.state": …}` (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html#eb-create-pattern-considerations,
 * event-ruler README "JSON keys with dots"). `segments` is the key split at every dot; an event
 * path matches when its keys, joined with dots, equal `key`.
 */
export interface Condition {
  /** Dotted name (`detail.userIdentity.arn`), the order event-ruler evaluates fields in. */
  readonly key: string;
  readonly segments: readonly string[];
  /** The field's array as written in the pattern (for explanations). */
  readonly written: readonly unknown[];
  readonly matchers: readonly ValueMatcher[];
  /** `{"exists": false}` is one of the alternatives. */
  readonly absent: boolean;
}

/** A conjunction of conditions, sorted by key. A pattern is the disjunction of its sub-rules (`$or`). */
export type SubRule = readonly Condition[];
