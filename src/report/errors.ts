import { BreakGlassError } from '../engines/errors.js';

/** A report input or option the user has to fix (exit 2). */
export class ReportError extends BreakGlassError {
  override readonly name: string = 'ReportError';
}

/** One input file cannot be read; the run goes on and the file is listed in `inputs.skipped`. */
export class SkipFile extends Error {
  override readonly name = 'SkipFile';
  constructor(readonly reason: string) {
    super(reason);
  }
}
