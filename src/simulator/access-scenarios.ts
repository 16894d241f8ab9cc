/**
 * Scenarios for the break-glass commands that change the role: a request (`TagRole`), an approval
 * (`UpdateAssumeRolePolicy`) and a revoke (`PutRolePolicy` of `AWSRevokeOlderSessions`), each made by
 * a named person with their own identity. IAM records them with `requestParameters.roleName` and, as
 * a global service, delivers them to EventBridge in us-east-1 only
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events).
 */
import type { CloudTrailRecord } from '../engines/cloudtrail/index.js';
import { REVOKE_POLICY_NAME, revokePolicyDocument } from '../engines/access/index.js';
import type { RoleModel } from './model.js';
import type { Person } from './persons.js';
import { assumedRoleIdentity, iamUserIdentity, stableId } from './records.js';

/** The way-in names verify uses for them, in matrix order. */
export const ACCESS_CHANGES = ['Request', 'Approve', 'Revoke'] as const;
export type AccessChange = (typeof ACCESS_CHANGES)[number];

/** Where IAM events reach EventBridge. */
export const IAM_EVENTS_REGION = 'us-east-1';

export interface AccessChangeCall {
  readonly wayIn: AccessChange;
  readonly principal: string;
  readonly record: CloudTrailRecord;
}

const AGENT = 'breakglass/0.1.0 aws-sdk-js/3 ua/2.1 os/linux lang/js md/nodejs#20';

/** The three calls a person makes on `role` (in us-east-1; none in other Regions). */
export function accessChangeCalls(role: RoleModel, person: Person, region: string): AccessChangeCall[] {
  if (region !== IAM_EVENTS_REGION) return [];
  const identity =
    person.kind === 'iam-user'
      ? iamUserIdentity(person.arn, person.name, person.account)
      : assumedRoleIdentity(person.roleArn, person.name);
  const principal = String(identity['arn']);
  const record = (wayIn: AccessChange, eventName: string, requestParameters: Record<string, unknown>) => {
    const key = [role.arn, region, 'access', wayIn].join('|');
    return {
      wayIn,
      principal,
      record: {
        eventVersion: '1.08',
        eventTime: '2026-11-20T02:13:00Z',
        eventSource: 'iam.amazonaws.com',
        eventName,
        awsRegion: region,
        sourceIPAddress: '198.51.100.7',
        userAgent: AGENT,
        userIdentity: identity,
        requestParameters: { roleName: role.name, ...requestParameters },
        responseElements: null,
        eventID: stableId(key),
        requestID: stableId(`${key}#request`),
        eventType: 'AwsApiCall',
        readOnly: false,
        managementEvent: true,
        eventCategory: 'Management',
        recipientAccountId: role.account,
      } as CloudTrailRecord,
    };
  };
  return [
    record('Request', 'TagRole', {
      tags: [{ key: 'breakglass:request:k3x9q2ab', value: `2026-11-20T02:13:00Z AIDAEXAMPLE ${principal}` }],
    }),
    record('Approve', 'UpdateAssumeRolePolicy', {
      policyDocument: '{"Version":"2012-10-17","Statement":[]}',
    }),
    record('Revoke', 'PutRolePolicy', {
      policyName: REVOKE_POLICY_NAME,
      policyDocument: JSON.stringify(revokePolicyDocument('2026-11-20T02:13:00Z')),
    }),
  ];
}
