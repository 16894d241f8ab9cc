import { BreakGlassError } from '../errors.js';

/** A value given to one of the access builders (a duration, a time, a request) is not usable. */
export class AccessInputError extends BreakGlassError {
  override readonly name = 'AccessInputError';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}
