import {
  evaluatePolicyStatements,
  evaluateTrustPolicy,
  PolicyError,
  type AssumeRoleRequest,
  type Decision,
  type PolicyRequest,
} from '../engines/iam-policy/index.js';

/**
 * Policy decisions for the simulator. A policy the evaluator cannot read (unresolved values, malformed
 * document) denies: the simulator then reports a gap rather than assuming a door is open or shut.
 */
export function trustDecision(
  policy: unknown,
  request: AssumeRoleRequest,
): { decision: Decision; error?: string } {
  try {
    return { decision: evaluateTrustPolicy(policy, request).decision };
  } catch (e) {
    if (e instanceof PolicyError) return { decision: 'ImplicitDeny', error: e.message };
    throw e;
  }
}

export function policyDecision(policy: unknown, request: PolicyRequest): Decision {
  try {
    return evaluatePolicyStatements(policy, request);
  } catch (e) {
    if (e instanceof PolicyError) return 'ImplicitDeny';
    throw e;
  }
}
