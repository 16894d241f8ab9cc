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

/**
 * An event whose arrays give a pattern's fields too many combinations to try. `key` names the
 * pattern field being tried when the budget ran out; callers add which pattern and event it was.
 */
export class MatchLimitError extends BreakGlassError {
  override readonly name = 'MatchLimitError';
  constructor(
    readonly key: string,
    readonly steps: number,
  ) {
    super(
      `${key}: matching needs more than ${steps.toLocaleString('en-US')} steps (the event's arrays give this pattern's fields too many combinations); narrow the pattern or split the event`,
    );
  }
}
