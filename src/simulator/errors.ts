import { BreakGlassError } from '../engines/errors.js';

/** Input the simulator cannot read: a missing assembly, a template that is not JSON, an events file that is not CloudTrail. */
export class SimulatorInputError extends BreakGlassError {
  override readonly name = 'SimulatorInputError';
}
