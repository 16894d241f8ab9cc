import { BreakGlassError } from '../engines/errors.js';

/**
 * Thrown by construct constructors for props that can never deploy or never work.
 * Message: `<construct path>: <prop>: <what is wrong>; <how to fix>`.
 */
export class BreakGlassValidationError extends BreakGlassError {
  override readonly name = 'BreakGlassValidationError';
  constructor(
    readonly constructPath: string,
    readonly prop: string,
    detail: string,
  ) {
    super(`${constructPath}: ${prop}: ${detail}`);
  }
}
