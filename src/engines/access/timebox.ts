/**
 * Time box of a break-glass session: it cannot hop into other roles (role juggling), and it can be
 * ended automatically at the end of the incident window by a one-shot EventBridge Scheduler schedule
 * whose universal target calls IAM itself (no Lambda).
 *
 * Universal targets are `arn:aws:scheduler:::aws-sdk:<service>:<apiAction>` with the request as JSON
 * `Input`; read-only actions (prefixes get, list, describe, …) are not supported, write actions such
 * as `iam:putRolePolicy` and `iam:updateAssumeRolePolicy` are
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html).
 * A one-shot schedule is `at(yyyy-mm-ddThh:mm:ss)` and can delete itself after it ran
 * (`ActionAfterCompletion: DELETE`,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time).
 */
import { REVOKE_POLICY_NAME, revokePolicyDocument } from './revoke.js';
import type { PolicyDocument, Statement } from './policy.js';

/** Prefixes of the API actions a universal target cannot call (from the Scheduler guide above). */
export const UNIVERSAL_TARGET_UNSUPPORTED_PREFIXES: readonly string[] = [
  'get',
  'describe',
  'list',
  'poll',
  'receive',
  'search',
  'scan',
  'query',
  'select',
  'read',
  'lookup',
  'discover',
  'validate',
  'batchGet',
  'batchDescribe',
  'batchRead',
  'transactGet',
  'adminGet',
  'adminList',
  'testMigration',
  'retrieve',
  'testConnection',
  'translateDocument',
  'isAuthorized',
  'invokeModel',
];

/** `arn:<partition>:scheduler:::aws-sdk:<service>:<action>`; throws for an action Scheduler cannot call. */
export function universalTargetArn(partition: string, service: string, action: string): string {
  if (UNIVERSAL_TARGET_UNSUPPORTED_PREFIXES.some((p) => action.startsWith(p))) {
    throw new Error(
      `${service}:${action} is read-only; EventBridge Scheduler universal targets cannot call it`,
    );
  }
  return `arn:${partition}:scheduler:::aws-sdk:${service}:${action}`;
}

/**
 * The deny that keeps a break-glass session from assuming other roles (role chaining), except the
 * listed ones. `sts:AssumeRole` is authorized against the caller's identity policies as well as the
 * target's trust policy, so an explicit deny here wins over any trust
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 */
export function antiChainingStatement(allowedRoleArns: readonly string[]): Statement {
  return {
    Sid: 'BreakGlassNoRoleChaining',
    Effect: 'Deny',
    Action: ['sts:AssumeRole'],
    ...(allowedRoleArns.length > 0 ? { NotResource: [...allowedRoleArns] } : { Resource: ['*'] }),
  };
}

export interface ScheduledCall {
  /** Schedule name: 1-64 of `[0-9a-zA-Z-_.]`. */
  readonly name: string;
  /** `at(...)` in UTC. */
  readonly expression: string;
  readonly targetArn: string;
  /** The API request, as the JSON string Scheduler sends. */
  readonly input: string;
}

function atExpression(isoUtc: string): string {
  return `at(${isoUtc.replace(/(\.\d+)?Z$/, '')})`;
}

function scheduleName(kind: string, roleName: string, isoUtc: string): string {
  const stamp = isoUtc.replace(/[^0-9]/g, '').slice(0, 14);
  return (
    `breakglass-${kind}-${roleName}`.replace(/[^0-9A-Za-z_.-]/g, '-').slice(0, 64 - stamp.length - 1) +
    `-${stamp}`
  );
}

/** A one-shot schedule that revokes every session of `roleName` issued before `at` (puts the revoke policy at `at`). */
export function autoRevokeSchedule(partition: string, roleName: string, at: string): ScheduledCall {
  return {
    name: scheduleName('revoke', roleName, at),
    expression: atExpression(at),
    targetArn: universalTargetArn(partition, 'iam', 'putRolePolicy'),
    input: JSON.stringify({
      RoleName: roleName,
      PolicyName: REVOKE_POLICY_NAME,
      PolicyDocument: JSON.stringify(revokePolicyDocument(at)),
    }),
  };
}

/** A one-shot schedule that sets the trust policy back (the approval removed) at `at`. */
export function approvalCleanupSchedule(
  partition: string,
  roleName: string,
  requestId: string,
  at: string,
  trustWithout: PolicyDocument,
): ScheduledCall {
  return {
    name: scheduleName(`approval-${requestId}`, roleName, at),
    expression: atExpression(at),
    targetArn: universalTargetArn(partition, 'iam', 'updateAssumeRolePolicy'),
    input: JSON.stringify({ RoleName: roleName, PolicyDocument: JSON.stringify(trustWithout) }),
  };
}
