/**
 * Memoizes `fn` on its argument's identity when the argument is an object (a pattern, a policy document,
 * a transformer): callers hand such objects over as immutable. Other arguments are not cached.
 */
export function memoizeByIdentity<R>(fn: (input: unknown) => R): (input: unknown) => R {
  const cache = new WeakMap<object, R>();
  return (input: unknown): R => {
    if (typeof input !== 'object' || input === null) return fn(input);
    if (cache.has(input)) return cache.get(input) as R;
    const result = fn(input);
    cache.set(input, result);
    return result;
  };
}
