/**
 * "Revoke active sessions" of an IAM role, the AWS way: an inline policy on the role that denies
 * every action to credentials issued before a point in time (`DateLessThan aws:TokenIssueTime`).
 * Sessions issued later are not affected; IAM evaluates the role's policies on every request, so
 * existing credentials stop working once the policy has propagated.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html
 *
 * The policy name is the one the IAM console's "Revoke active sessions" button uses, so the console
 * and this tool see (and replace) each other's revocation.
 */
import type { PolicyDocument, Statement } from './policy.js';

export const REVOKE_POLICY_NAME = 'AWSRevokeOlderSessions';

/** The deny document for sessions issued before `before` (ISO 8601, UTC). */
export function revokePolicyDocument(before: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before } },
      },
    ],
  };
}

/** The cut-off time in an existing revoke document, if it is one of ours (or the console's). */
export function revokeTimeOf(doc: PolicyDocument): string | undefined {
  for (const s of doc.Statement) {
    const t = s.Condition?.['DateLessThan']?.['aws:TokenIssueTime'];
    if (s.Effect === 'Deny' && typeof t === 'string') return t;
  }
  return undefined;
}

/**
 * The cut-off to apply when a revoke already exists: never move it earlier, or sessions the first
 * revoke ended would work again.
 */
export function laterRevokeTime(existing: string | undefined, requested: string): string {
  if (existing === undefined || Number.isNaN(Date.parse(existing))) return requested;
  return Date.parse(existing) > Date.parse(requested) ? existing : requested;
}

/** Whether a session issued at `issuedAt` is ended by a revoke at `before` (strictly earlier, as DateLessThan). */
export function revokes(before: string | undefined, issuedAt: string): boolean {
  return before !== undefined && Date.parse(issuedAt) < Date.parse(before);
}

/**
 * Identity Center permission-set sessions cannot be revoked on the role (IAM Identity Center owns
 * those roles). AWS's documented equivalent is a deny for the person's Identity Store user id
 * (globally unique, unlike the user name), put in the permission set's inline policy or in an SCP;
 * it blocks that person's sessions until it is removed:
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html
 */
export function identityCenterRevokeDocument(identityStoreUserId: string): PolicyDocument {
  const statement: Statement = {
    Sid: 'BreakGlassRevokeIdentityCenterUser',
    Effect: 'Deny',
    Action: ['*'],
    Resource: ['*'],
    Condition: { StringEquals: { 'identitystore:userId': identityStoreUserId } },
  };
  return { Version: '2012-10-17', Statement: [statement] };
}
