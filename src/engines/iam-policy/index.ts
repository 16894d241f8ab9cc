export { PolicyError } from './errors.js';
export type {
  ContextValue,
  Decision,
  Effect,
  PolicyDocument,
  PolicyStatement,
  PrincipalSet,
  ConditionClause,
  BaseOperator,
  RequestPrincipal,
} from './model.js';
export { parsePolicyDocument } from './parse.js';
export {
  type AssumeRoleAction,
  type AssumeRoleRequest,
  type TrustEvaluation,
  type PolicyRequest,
  type PolicyEvaluation,
  type StatementResult,
  evaluateTrustPolicy,
  evaluatePolicyStatements,
  evaluatePolicy,
  trustRequestContext,
} from './evaluate.js';
export { type PrincipalMatch, matchPrincipal } from './principal.js';
export { wildcardMatch } from './wildcard.js';
