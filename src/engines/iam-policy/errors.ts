import { BreakGlassError } from '../errors.js';

/**
 * A policy document that IAM would reject (or that this evaluator cannot read): wrong element
 * types, unknown elements, unknown condition operators, a Statement without Effect or Action.
 * Message: `<path>: <what is wrong>; <what is allowed>` where path is e.g. `Statement[1].Condition`.
 */
export class PolicyError extends BreakGlassError {
  override readonly name: string = 'PolicyError';
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown }, // not ErrorOptions: CDK apps compile with lib es2020
  ) {
    super(`${path || '<policy>'}: ${detail}`, options);
  }
}
