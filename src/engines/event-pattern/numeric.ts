/**
 * Numbers as EventBridge compares them.
 *
 * "Numeric matching only works with values that are between -5.0e9 and +5.0e9 inclusive, with 15 digits
 * of precision, or six digits to the right of the decimal point."
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-numeric-matching
 *
 * event-ruler (the engine behind EventBridge) turns such numbers into a fixed-point form with six
 * decimals before comparing, so 300, 300.0 and 3.0e2 are the same number and digits past the sixth
 * decimal are ignored. Numbers outside the range are never numerically equal to anything; an exact
 * match on them (an account id given as a JSON number) compares the value as written.
 */
export const NUMERIC_MIN = -5.0e9;
export const NUMERIC_MAX = 5.0e9;

export function inNumericRange(n: number): boolean {
  return Number.isFinite(n) && n >= NUMERIC_MIN && n <= NUMERIC_MAX;
}

/** Fixed-point form (micro-units, truncated toward zero) of a number in range; undefined outside it. */
export function comparable(n: number): number | undefined {
  if (!inNumericRange(n)) return undefined;
  // 5e9 * 1e6 = 5e15 < 2^53: exact integer arithmetic.
  return Math.trunc(Math.round(n * 1e7) / 10);
}

export interface NumericRange {
  /** Fixed-point bounds; undefined = unbounded. */
  readonly low?: number;
  readonly lowOpen: boolean;
  readonly high?: number;
  readonly highOpen: boolean;
}

export function inRange(r: NumericRange, value: number): boolean {
  const c = comparable(value);
  if (c === undefined) return false;
  if (r.low !== undefined && (r.lowOpen ? c <= r.low : c < r.low)) return false;
  if (r.high !== undefined && (r.highOpen ? c >= r.high : c > r.high)) return false;
  return true;
}
