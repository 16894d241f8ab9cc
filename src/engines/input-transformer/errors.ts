import { BreakGlassError } from '../errors.js';

/** An input transformer (or target input) that EventBridge's PutTargets would reject. */
export class InputTransformerError extends BreakGlassError {
  override readonly name = 'InputTransformerError';
}
