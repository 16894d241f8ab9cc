/**
 * Alerts on the break-glass commands that change the role itself: an approval request (`TagRole` /
 * `UntagRole`), an approval (`UpdateAssumeRolePolicy`) and a revoke (`PutRolePolicy` /
 * `DeleteRolePolicy` of `AWSRevokeOlderSessions`). They are IAM API calls, recorded by CloudTrail
 * with `requestParameters.roleName` (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html)
 * and, IAM being a global service, delivered to EventBridge in us-east-1 only
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events).
 */
import { REVOKE_POLICY_NAME } from '../../engines/access/index.js';
import type { Field, FieldMap } from './alert-placeholders.js';
import {
  API_CALL,
  commonFields,
  type AlertVariant,
  type MonitoredRole,
  type PatternJson,
  type WayInFamily,
} from './alert-ways.js';

const p = (path: string): Field => ({ path });
const lit = (literal: string): Field => ({ literal });

function fields(title: string): Omit<FieldMap, 'result' | 'errorCode'> {
  return {
    ...commonFields(title),
    username: p('$.detail.userIdentity.arn'),
    roleArn: p('$.detail.requestParameters.roleName'),
    sessionName: lit('-'),
    sourceIdentity: p('$.detail.userIdentity.sessionContext.sourceIdentity'),
    mfa: p('$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated'),
  };
}

function outcomes(id: string, title: string, pattern: PatternJson): AlertVariant[] {
  const f = fields(title);
  const detail = pattern.detail ?? {};
  return [
    {
      id: `${id}Ok`,
      pattern: { ...pattern, detail: { ...detail, errorCode: [{ exists: false }] } },
      fields: { ...f, result: lit('Success'), errorCode: lit('-') },
    },
    {
      id: `${id}Failed`,
      pattern: { ...pattern, detail: { ...detail, errorCode: [{ exists: true }] } },
      fields: { ...f, result: lit('Failure'), errorCode: p('$.detail.errorCode') },
    },
  ];
}

/** The IAM event names each break-glass command produces on the role. */
export const ACCESS_CHANGE_EVENTS = {
  Request: ['TagRole', 'UntagRole'],
  Approve: ['UpdateAssumeRolePolicy'],
  Revoke: ['PutRolePolicy', 'DeleteRolePolicy'],
} as const;

/** Families for request / approve / revoke on the monitored roles (empty without roles). */
export function accessChangeFamilies(roles: readonly MonitoredRole[]): WayInFamily[] {
  if (roles.length === 0) return [];
  const base = (eventName: readonly string[], extra: Record<string, unknown> = {}): PatternJson => ({
    source: ['aws.iam'],
    detailType: [API_CALL],
    account: [...new Set(roles.map((r) => r.account))],
    detail: {
      eventSource: ['iam.amazonaws.com'],
      eventName: [...eventName],
      requestParameters: { roleName: roles.map((r) => r.name), ...extra },
    },
  });
  const request = 'Break-glass access request (tags on the role)';
  const approve = 'Break-glass approval (trust policy of the role changed)';
  const revoke = 'Break-glass revoke (AWSRevokeOlderSessions on the role)';
  return [
    {
      id: 'AccessRequest',
      title: request,
      variants: outcomes('AccessRequest', request, base(ACCESS_CHANGE_EVENTS.Request)),
    },
    {
      id: 'AccessApprove',
      title: approve,
      variants: outcomes('AccessApprove', approve, base(ACCESS_CHANGE_EVENTS.Approve)),
    },
    {
      id: 'AccessRevoke',
      title: revoke,
      variants: outcomes(
        'AccessRevoke',
        revoke,
        base(ACCESS_CHANGE_EVENTS.Revoke, { policyName: [REVOKE_POLICY_NAME] }),
      ),
    },
  ];
}
