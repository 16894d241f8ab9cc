import { BreakGlassError } from '../errors.js';

/**
 * A template CloudFormation itself would reject: not an object, no Resources, a resource without a
 * Type, an intrinsic function with the wrong arguments, a Ref/GetAtt/Condition naming nothing.
 * Message: `<json path>: <what is wrong>; <what is allowed>`.
 */
export class TemplateError extends BreakGlassError {
  override readonly name: string = 'TemplateError';
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown }, // not ErrorOptions: CDK apps compile with lib es2020
  ) {
    super(`${path || '<template>'}: ${detail}`, options);
  }
}
