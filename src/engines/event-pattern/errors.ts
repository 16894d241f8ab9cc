import { BreakGlassError } from '../errors.js';

/**
 * An event pattern that EventBridge would reject (`InvalidEventPatternException`).
 * `path` names the offending place in the pattern (`detail.eventName[0].prefix`), `''` for the root.
 */
export class PatternError extends BreakGlassError {
  override readonly name = 'PatternError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path || '<root>'}: ${detail}`);
  }
}
