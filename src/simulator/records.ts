/**
 * Real-shaped CloudTrail records for every way in, written from AWS's documented examples and the real
 * records in shared/data/cloudtrail (stratus-red-team detonations, AWS docs samples):
 * - AssumeRole success carries `requestParameters.roleArn` and `resources[]`; a denied AssumeRole has
 *   `requestParameters: null`, no `resources`, and the role ARN only inside `errorMessage`
 *   ("User: <caller> is not authorized to perform: sts:AssumeRole on resource: <role ARN>").
 * - ConsoleLogin / SwitchRole / GetSigninToken come from `signin.amazonaws.com` with eventType
 *   `AwsConsoleSignIn`, in the Region of the sign-in endpoint; results live in `responseElements`.
 *   SwitchRole is recorded with the *caller's* identity (the IAM user switching) and names the role in
 *   `additionalEventData.SwitchTo` (real record quoted in airbnb/streamalert#447).
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#cloudtrail-integration_signin-tempcreds
 */
import type { CloudTrailRecord } from '../engines/cloudtrail/index.js';
import { DENIAL_WORDINGS, denialMessage, type DenialWording } from './denials.js';

export interface Caller {
  /** `userIdentity` of the caller. */
  readonly identity: Record<string, unknown>;
  /** The caller's ARN as it appears in error messages. */
  readonly arn: string;
}

/** Deterministic UUID-shaped id from a key (FNV-1a, 128 bits from four rounds). */
export function stableId(key: string): string {
  const parts: string[] = [];
  for (let round = 0; round < 4; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    parts.push(h.toString(16).padStart(8, '0'));
  }
  const hex = parts.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const AGENT_CLI = 'aws-cli/2.17.0 Python/3.11.8 Linux/6.1 exe/x86_64 command/sts.assume-role';
const AGENT_BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const IP = '198.51.100.7';

export function iamUserIdentity(arn: string, name: string, account: string): Record<string, unknown> {
  return {
    type: 'IAMUser',
    principalId: `AIDA${stableId(arn).replace(/-/g, '').slice(0, 16).toUpperCase()}`,
    arn,
    accountId: account,
    accessKeyId: `AKIA${stableId(`${arn}#key`).replace(/-/g, '').slice(0, 16).toUpperCase()}`,
    userName: name,
  };
}

export function assumedRoleIdentity(
  roleArn: string,
  sessionName: string,
  opts: { mfa?: boolean; sourceIdentity?: string } = {},
): Record<string, unknown> {
  const account = roleArn.split(':')[4] ?? '';
  const roleName = roleArn.split('/').pop() ?? roleArn;
  const roleId = `AROA${stableId(roleArn).replace(/-/g, '').slice(0, 16).toUpperCase()}`;
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${sessionName}`,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    accountId: account,
    accessKeyId: `ASIA${stableId(`${roleArn}/${sessionName}`).replace(/-/g, '').slice(0, 16).toUpperCase()}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: roleArn,
        accountId: account,
        userName: roleName,
      },
      attributes: { creationDate: '2026-11-20T02:00:00Z', mfaAuthenticated: opts.mfa ? 'true' : 'false' },
      ...(opts.sourceIdentity ? { sourceIdentity: opts.sourceIdentity } : {}),
    },
  };
}

interface Common {
  readonly key: string;
  readonly region: string;
  readonly account: string;
  readonly time?: string;
}

function base(c: Common, eventSource: string, eventName: string, eventType: string, readOnly: boolean) {
  return {
    eventVersion: '1.08',
    eventTime: c.time ?? '2026-11-20T02:13:00Z',
    eventSource,
    eventName,
    awsRegion: c.region,
    sourceIPAddress: IP,
    eventID: stableId(c.key),
    requestID: stableId(`${c.key}#request`),
    eventType,
    readOnly,
    managementEvent: true,
    eventCategory: 'Management',
    recipientAccountId: c.account,
  };
}

/** `sts:AssumeRole`, `AssumeRoleWithSAML`, `AssumeRoleWithWebIdentity` — success or AccessDenied. */
export function stsAssumeRecord(
  c: Common & {
    readonly action: 'AssumeRole' | 'AssumeRoleWithSAML' | 'AssumeRoleWithWebIdentity';
    readonly caller: Caller;
    readonly roleArn: string;
    readonly sessionName: string;
    readonly success: boolean;
    readonly sourceIdentity?: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly providerArn?: string;
    /** How the AccessDenied message is worded ({@link DENIAL_WORDINGS}); default: no context. */
    readonly denial?: DenialWording;
  },
): CloudTrailRecord {
  const roleName = c.roleArn.split('/').pop() ?? c.roleArn;
  const roleAccount = c.roleArn.split(':')[4] ?? c.account;
  const requestParameters: Record<string, unknown> = {
    roleArn: c.roleArn,
    roleSessionName: c.sessionName,
    durationSeconds: 3600,
    ...(c.sourceIdentity ? { sourceIdentity: c.sourceIdentity } : {}),
    ...(c.tags ? { tags: Object.entries(c.tags).map(([key, value]) => ({ key, value })) } : {}),
    ...(c.action === 'AssumeRoleWithSAML'
      ? { principalArn: c.providerArn, sAMLAssertionID: `_${stableId(c.key)}` }
      : {}),
  };
  const record: Record<string, unknown> = {
    ...base(c, 'sts.amazonaws.com', c.action, 'AwsApiCall', true),
    userIdentity: c.caller.identity,
    userAgent: AGENT_CLI,
  };
  if (c.success) {
    const roleId = `AROA${stableId(c.roleArn).replace(/-/g, '').slice(0, 16).toUpperCase()}`;
    record['requestParameters'] = requestParameters;
    record['responseElements'] = {
      credentials: {
        accessKeyId: `ASIA${stableId(`${c.roleArn}/${c.sessionName}`).replace(/-/g, '').slice(0, 16).toUpperCase()}`,
        sessionToken: '<session token>',
        expiration: 'Nov 20, 2026, 3:13:00 AM',
      },
      assumedRoleUser: {
        assumedRoleId: `${roleId}:${c.sessionName}`,
        arn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${c.sessionName}`,
      },
      ...(c.sourceIdentity ? { sourceIdentity: c.sourceIdentity } : {}),
    };
    record['resources'] = [{ ARN: c.roleArn, accountId: roleAccount, type: 'AWS::IAM::Role' }];
  } else {
    record['errorCode'] = 'AccessDenied';
    // AWS's newer access-denied messages append why after the resource ARN (./denials.ts), so a rule
    // keyed on "ends with the role ARN" misses them; `denial` lets scenarios write every documented form.
    record['errorMessage'] = denialMessage(
      c.caller.arn,
      `sts:${c.action}`,
      c.roleArn,
      c.denial ?? (DENIAL_WORDINGS[0] as DenialWording),
      roleAccount,
    );
    // A denied AssumeRole keeps no request parameters (real stratus-red-team record); the federated calls
    // are unauthenticated requests whose parameters we keep, as the role ARN is part of the request.
    record['requestParameters'] = c.action === 'AssumeRole' ? null : requestParameters;
    record['responseElements'] = null;
  }
  return record as CloudTrailRecord;
}

/** Console sign-in events (`ConsoleLogin`, `SwitchRole`, `GetSigninToken`). */
export function signinRecord(
  c: Common & {
    readonly eventName: 'ConsoleLogin' | 'SwitchRole' | 'GetSigninToken';
    readonly identity: Record<string, unknown>;
    readonly success: boolean;
    readonly mfaUsed?: boolean;
    /** SwitchRole: the role switched to. */
    readonly switchTo?: string;
  },
): CloudTrailRecord {
  const record: Record<string, unknown> = {
    ...base(c, 'signin.amazonaws.com', c.eventName, 'AwsConsoleSignIn', false),
    userIdentity: c.identity,
    userAgent: AGENT_BROWSER,
    requestParameters: null,
    responseElements: { [c.eventName]: c.success ? 'Success' : 'Failure' },
    additionalEventData:
      c.eventName === 'ConsoleLogin'
        ? {
            LoginTo: 'https://console.aws.amazon.com/console/home',
            MobileVersion: 'No',
            MFAUsed: c.mfaUsed ? 'Yes' : 'No',
          }
        : c.eventName === 'SwitchRole'
          ? { SwitchTo: c.switchTo, RedirectTo: 'https://console.aws.amazon.com/console/home' }
          : {},
  };
  if (!c.success) record['errorMessage'] = 'Failed authentication';
  return record as CloudTrailRecord;
}

/** `sts:GetFederationToken` by an IAM user (console from CLI credentials). */
export function federationTokenRecord(
  c: Common & { readonly caller: Caller; readonly name: string },
): CloudTrailRecord {
  return {
    ...base(c, 'sts.amazonaws.com', 'GetFederationToken', 'AwsApiCall', false),
    userIdentity: c.caller.identity,
    userAgent: AGENT_CLI,
    requestParameters: { name: c.name, durationSeconds: 3600 },
    responseElements: {
      credentials: { accessKeyId: `ASIA${stableId(c.key).replace(/-/g, '').slice(0, 16).toUpperCase()}` },
      federatedUser: {
        arn: `arn:aws:sts::${c.account}:federated-user/${c.name}`,
        federatedUserId: `${c.account}:${c.name}`,
      },
    },
  } as CloudTrailRecord;
}

/** An ordinary API call made with a session (`ec2:DescribeInstances` read, `ec2:CreateTags` write). */
export function actionRecord(
  c: Common & { readonly identity: Record<string, unknown>; readonly kind: 'read' | 'write' },
): CloudTrailRecord {
  return c.kind === 'read'
    ? ({
        ...base(c, 'ec2.amazonaws.com', 'DescribeInstances', 'AwsApiCall', true),
        userIdentity: c.identity,
        userAgent: AGENT_CLI,
        requestParameters: { instancesSet: {}, filterSet: {} },
        responseElements: null,
      } as CloudTrailRecord)
    : ({
        ...base(c, 'ec2.amazonaws.com', 'CreateTags', 'AwsApiCall', false),
        userIdentity: c.identity,
        userAgent: AGENT_CLI,
        requestParameters: {
          resourcesSet: { items: [{ resourceId: 'i-0123456789abcdef0' }] },
          tagSet: { items: [{ key: 'incident', value: 'INC-1' }] },
        },
        responseElements: { _return: true },
      } as CloudTrailRecord);
}
