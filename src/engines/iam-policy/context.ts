import type { ContextValue } from './model.js';

/** A request context with case-insensitive key lookup (condition keys are case-insensitive). */
export class RequestContext {
  private readonly values = new Map<string, ContextValue>();
  constructor(values: Readonly<Record<string, ContextValue>>) {
    for (const [k, v] of Object.entries(values)) this.values.set(k.toLowerCase(), v);
  }
  has(key: string): boolean {
    return this.values.has(key.toLowerCase());
  }
  get(key: string): ContextValue | undefined {
    return this.values.get(key.toLowerCase());
  }
}

/** A single-valued context value as a string; undefined for lists. */
export function singleString(v: ContextValue | undefined): string | undefined {
  if (v === undefined || Array.isArray(v)) return undefined;
  return String(v);
}
