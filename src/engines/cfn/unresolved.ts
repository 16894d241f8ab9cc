/**
 * Placeholder for a value the offline resolver cannot know (an SSM parameter, an IAM-assigned id,
 * a custom resource attribute, an import no given stack exports). It travels inside resolved values
 * wherever the real value would be, and is listed in `ResolvedTemplate.unresolved`.
 */
export class Unresolved {
  constructor(
    readonly reason: string,
    /** JSON path in the template where the value was needed, e.g. `Resources.Rule.Properties.Targets[0].Arn`. */
    readonly path: string,
  ) {}
  toString(): string {
    return `<unresolved: ${this.reason} at ${this.path}>`;
  }
  toJSON(): { unresolved: string; path: string } {
    return { unresolved: this.reason, path: this.path };
  }
}

export function isUnresolved(v: unknown): v is Unresolved {
  return v instanceof Unresolved;
}

/** Every Unresolved nested in a resolved value (depth-first, in order). */
export function unresolvedIn(v: unknown): Unresolved[] {
  if (v instanceof Unresolved) return [v];
  if (Array.isArray(v)) return v.flatMap(unresolvedIn);
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap(unresolvedIn);
  return [];
}
