import { BreakGlassError } from '../engines/errors.js';

/** A flag or argument the user got wrong: one line naming the flag, exit 2. */
export class CliUsageError extends BreakGlassError {
  override readonly name = 'CliUsageError';
}
