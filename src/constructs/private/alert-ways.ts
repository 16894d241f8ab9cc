import type { Field, FieldMap, Placeholder } from './alert-placeholders.js';

/**
 * The ways into a break-glass role or user, as EventBridge patterns over CloudTrail events, and
 * for each the field of the record that holds every message placeholder.
 *
 * Field paths come from the CloudTrail record reference
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html)
 * and the real records under test/constructs/fixtures (provenance in each file).
 *
 * A *family* is one way in; its *variants* are the central alert rules, split where sign-in and STS
 * records keep a value in different places or where the result is only known from the pattern (STS
 * calls carry `errorCode` only on failure). What reaches the central bus is decided by one
 * forwarding rule per Region ({@link forwardPattern}), so that no event is forwarded twice.
 */

/** A pattern in CDK's `EventPattern` shape (`detailType` = `detail-type`); values may hold tokens. */
export interface PatternJson {
  readonly source?: string[];
  readonly detailType?: string[];
  readonly account?: string[];
  readonly detail?: Record<string, unknown>;
}

export interface AlertVariant {
  /** Stable id fragment (used in logical ids). */
  readonly id: string;
  readonly pattern: PatternJson;
  readonly fields: FieldMap;
}

export interface WayInFamily {
  /** Stable id fragment (used in logical ids). */
  readonly id: string;
  /** Human title, e.g. "AssumeRole (CLI/SDK)". */
  readonly title: string;
  readonly variants: readonly AlertVariant[];
}

/** A monitored role; every string may be a CDK token resolved per stack. */
export interface MonitoredRole {
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  /** `arn:<partition>:sts::<account>:assumed-role/<name>/`: the session ARN prefix. */
  readonly sessionArnPrefix: string;
}

export interface MonitoredUser {
  readonly arn: string;
  readonly name: string;
  readonly account: string;
}

export const API_CALL = 'AWS API Call via CloudTrail';
export const CONSOLE_SIGN_IN = 'AWS Console Sign In via CloudTrail';

const p = (path: string): Field => ({ path });
const lit = (literal: string): Field => ({ literal });
const NONE = lit('-');

/** Fields every CloudTrail-derived event has in the same place. */
export function commonFields(
  wayIn: string,
): Pick<
  Record<Placeholder, Field>,
  | 'account'
  | 'eventTime'
  | 'region'
  | 'eventId'
  | 'requestId'
  | 'ip'
  | 'userAgent'
  | 'eventName'
  | 'wayIn'
  | 'principal'
> {
  return {
    account: p('$.account'),
    eventTime: p('$.detail.eventTime'),
    region: p('$.detail.awsRegion'),
    eventId: p('$.detail.eventID'),
    requestId: p('$.detail.requestID'),
    ip: p('$.detail.sourceIPAddress'),
    userAgent: p('$.detail.userAgent'),
    eventName: p('$.detail.eventName'),
    principal: p('$.detail.userIdentity.principalId'),
    wayIn: lit(wayIn),
  };
}

const OK = { errorCode: [{ exists: false }] };
const FAILED = { errorCode: [{ exists: true }] };

function merge(pattern: PatternJson, detail: Record<string, unknown>): PatternJson {
  return { ...pattern, detail: { ...pattern.detail, ...detail } };
}

/** STS result split: a success variant and a failure variant of one pattern. */
function stsOutcomes(
  id: string,
  pattern: PatternJson,
  fields: Omit<FieldMap, 'result' | 'errorCode'>,
): AlertVariant[] {
  return [
    {
      id: `${id}Ok`,
      pattern: merge(pattern, OK),
      fields: { ...fields, result: lit('Success'), errorCode: NONE },
    },
    {
      id: `${id}Failed`,
      pattern: merge(pattern, FAILED),
      fields: { ...fields, result: lit('Failure'), errorCode: p('$.detail.errorCode') },
    },
  ];
}

const ASSUME_EVENTS = ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'];
/** Console sign-in events of a role session, and where each keeps its result. */
const ROLE_CONSOLE_EVENTS = ['ConsoleLogin', 'SwitchRole', 'GetSigninToken'];

/**
 * `errorMessage` matchers naming `arn` as the denied resource, in every wording IAM documents
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html): the message is
 * "User: <caller> is not authorized to perform: <action> on resource: <ARN>", optionally followed by
 * a context, " because no <type> policy allows the <action> action" (implicit deny) or " with an
 * explicit deny in a <type> policy" (explicit deny: service control, resource control,
 * identity-based, resource-based, permissions boundary, session, VPC endpoint policy), the latter
 * since 2025 also followed by ": <policy ARN>"
 * (https://aws.amazon.com/blogs/security/enhanced-access-denied-error-messages-with-policy-arns/).
 *
 * Keyed on the full ARN by what may follow it: the end of the message, or a space (role names cannot
 * hold spaces: `[\w+=,.@-]`), so `role/BreakGlass2` and `role/team/BreakGlass` never match, while any
 * context after the ARN — documented or future — does. The end-of-message form is matched in any
 * letter case (IAM names are unique regardless of case, so no other role can differ only by case);
 * EventBridge's `wildcard` is case-sensitive (event-ruler README), so the forms with a context are
 * matched as AWS prints the ARN.
 */
export function deniedOn(arn: string): Record<string, unknown>[] {
  return [
    { suffix: { 'equals-ignore-case': ` on resource: ${arn}` } },
    { wildcard: `*on resource: ${arn} *` },
  ];
}

/**
 * A role ARN as a caller may type it, in `requestParameters.roleArn` or the console's `SwitchTo`:
 * any letter case (IAM role names are unique case-insensitively:
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html, RoleName).
 */
export function typedArn(arn: string): Record<string, string> {
  return { 'equals-ignore-case': arn };
}

/**
 * Ways into roles:
 * - `AssumeRole` / `…WithSAML` / `…WithWebIdentity` into the role: `requestParameters.roleArn`;
 *   when STS denies the call (AccessDenied) CloudTrail records `requestParameters: null` and names
 *   the role only in `errorMessage` ("… not authorized to perform: sts:AssumeRole on resource:
 *   <role ARN>", newer messages add why: {@link deniedOn}), so failures also match that text,
 *   anchored on the full ARN. The requested ARN is matched in any letter case ({@link typedArn}).
 * - console sign-in as the role (SwitchRole, ConsoleLogin through the federation endpoint,
 *   GetSigninToken from CLI credentials): the session's `sessionContext.sessionIssuer.arn`, or when
 *   the record has no session context, its `userIdentity.arn` under `assumed-role/<name>/` (the
 *   trailing slash makes the role name exact). `SwitchRole` is also recorded with the *caller's*
 *   identity and the role in `additionalEventData.SwitchTo` (real record in airbnb/streamalert#447).
 * - role chaining out of a break-glass session: any `AssumeRole` whose caller's session issuer is
 *   the role.
 */
export function roleFamilies(roles: readonly MonitoredRole[]): WayInFamily[] {
  if (roles.length === 0) return [];
  const arns = roles.map((r) => r.arn);
  const families: WayInFamily[] = [];

  // 1. AssumeRole* into the role (success, or failure that still carries requestParameters).
  const assumeBase: PatternJson = {
    source: ['aws.sts'],
    detailType: [API_CALL],
    detail: { eventSource: ['sts.amazonaws.com'], eventName: ASSUME_EVENTS },
  };
  const assumeFields = (username: string) => ({
    ...commonFields('AssumeRole into the break-glass role'),
    username: p(username),
    roleArn: p('$.detail.requestParameters.roleArn'),
    sessionName: p('$.detail.requestParameters.roleSessionName'),
    sourceIdentity: p('$.detail.requestParameters.sourceIdentity'),
    mfa: p('$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated'),
  });
  const byArn = { requestParameters: { roleArn: arns.map(typedArn) } };
  families.push({
    id: 'AssumeRole',
    title: 'AssumeRole / AssumeRoleWithSAML / AssumeRoleWithWebIdentity into the role',
    variants: [
      // Callers with IAM credentials have an ARN; SAML / web identity callers only a user name.
      ...stsOutcomes(
        'AssumeRole',
        merge(assumeBase, { eventName: ['AssumeRole'], ...byArn }),
        assumeFields('$.detail.userIdentity.arn'),
      ),
      ...stsOutcomes(
        'AssumeRoleFederated',
        merge(assumeBase, { eventName: ['AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'], ...byArn }),
        assumeFields('$.detail.userIdentity.userName'),
      ),
      // Denied before the request was parsed: no requestParameters; one variant per role so the
      // message can name it.
      ...roles.map((r, i): AlertVariant => ({
        id: `AssumeRoleDenied${i}`,
        pattern: merge(assumeBase, {
          ...FAILED,
          // Not the `…Failed` variant above (that one has the role ARN in the parameters).
          requestParameters: { roleArn: [{ exists: false }] },
          errorMessage: deniedOn(r.arn),
        }),
        fields: {
          ...assumeFields('$.detail.userIdentity.arn'),
          username: p('$.detail.userIdentity.arn'),
          roleArn: lit(r.arn),
          sessionName: NONE,
          sourceIdentity: NONE,
          result: lit('Failure'),
          errorCode: p('$.detail.errorCode'),
        },
      })),
    ],
  });

  // 2. Console sign-in as the role (SwitchRole, federation ConsoleLogin, GetSigninToken).
  const sessionOf = (r: MonitoredRole) => ({
    $or: [
      { userIdentity: { sessionContext: { sessionIssuer: { arn: [r.arn] } } } },
      { userIdentity: { arn: [{ prefix: { 'equals-ignore-case': r.sessionArnPrefix } }] } },
    ],
  });
  const consoleBase: PatternJson = {
    source: ['aws.signin'],
    detailType: [CONSOLE_SIGN_IN, API_CALL],
    detail: { eventSource: ['signin.amazonaws.com'], eventName: ROLE_CONSOLE_EVENTS },
  };
  families.push({
    id: 'RoleConsole',
    title: 'Console sign-in as the role (SwitchRole, ConsoleLogin, GetSigninToken)',
    variants: roles.flatMap((r, i) =>
      ROLE_CONSOLE_EVENTS.map((name): AlertVariant => ({
        id: `${name}${i}`,
        pattern: merge(consoleBase, {
          eventName: [name],
          ...sessionOf(r),
          // the SwitchTo form has its own variant below
          ...(name === 'SwitchRole' ? { additionalEventData: { SwitchTo: [{ exists: false }] } } : {}),
        }),
        fields: {
          ...commonFields(
            name === 'SwitchRole' ? 'Console SwitchRole into the role' : `Console ${name} as the role`,
          ),
          username: p(
            name === 'SwitchRole' ? '$.detail.additionalEventData.SwitchFrom' : '$.detail.userIdentity.arn',
          ),
          roleArn: lit(r.arn),
          sessionName: p('$.detail.userIdentity.arn'),
          sourceIdentity: p('$.detail.userIdentity.sessionContext.sourceIdentity'),
          mfa: p(
            name === 'ConsoleLogin'
              ? '$.detail.additionalEventData.MFAUsed'
              : '$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated',
          ),
          result: p(`$.detail.responseElements.${name}`),
          errorCode: p('$.detail.errorMessage'),
        },
      })),
    ),
  });
  // SwitchRole recorded with the caller's identity, the role in `additionalEventData.SwitchTo`.
  families.push({
    id: 'SwitchTo',
    title: 'Console SwitchRole into the role (caller identity, SwitchTo)',
    variants: roles.map((r, i): AlertVariant => ({
      id: `SwitchTo${i}`,
      pattern: merge(consoleBase, {
        eventName: ['SwitchRole'],
        additionalEventData: { SwitchTo: [typedArn(r.arn)] },
      }),
      fields: {
        ...commonFields('Console SwitchRole into the role'),
        username: p('$.detail.userIdentity.arn'),
        roleArn: lit(r.arn),
        sessionName: NONE,
        sourceIdentity: p('$.detail.userIdentity.sessionContext.sourceIdentity'),
        mfa: p('$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated'),
        result: p('$.detail.responseElements.SwitchRole'),
        errorCode: p('$.detail.errorMessage'),
      },
    })),
  });

  // 3. Role chaining out of a break-glass session.
  const chainBase: PatternJson = {
    source: ['aws.sts'],
    detailType: [API_CALL],
    detail: {
      eventSource: ['sts.amazonaws.com'],
      eventName: ASSUME_EVENTS,
      userIdentity: { sessionContext: { sessionIssuer: { arn: arns } } },
    },
  };
  families.push({
    id: 'RoleChain',
    title: 'Role chaining out of a break-glass session',
    variants: stsOutcomes('RoleChain', chainBase, {
      ...commonFields('Role chaining out of a break-glass session'),
      username: p('$.detail.userIdentity.arn'),
      roleArn: p('$.detail.userIdentity.sessionContext.sessionIssuer.arn'),
      sessionName: p('$.detail.requestParameters.roleSessionName'),
      sourceIdentity: p('$.detail.userIdentity.sessionContext.sourceIdentity'),
      mfa: p('$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated'),
    }),
  });
  return families;
}

/**
 * Ways in as break-glass IAM users:
 * - console `ConsoleLogin` (success and failure): failed records carry no `userIdentity.arn`, only
 *   `userName` and `accountId`, so users are matched on exact name + type `IAMUser` + account;
 * - `GetFederationToken` / `GetSessionToken` (console or temporary credentials from CLI keys);
 * - sign-in with a federated session the user issued (`GetSigninToken`, `ConsoleLogin` whose
 *   `sessionIssuer.arn` is the user).
 */
export function userFamilies(users: readonly MonitoredUser[]): WayInFamily[] {
  if (users.length === 0) return [];
  const byAccount = new Map<string, string[]>();
  for (const u of users) byAccount.set(u.account, [...(byAccount.get(u.account) ?? []), u.name]);
  const accounts = [...byAccount.keys()];
  const names = users.map((u) => u.name);
  // A failed ConsoleLogin records the user name as typed on the sign-in page; IAM user names are
  // unique case-insensitively (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html),
  // so any letter case of the name in the account is the same user.
  const userIdentity = { type: ['IAMUser'], userName: names.map((n) => ({ 'equals-ignore-case': n })) };
  const families: WayInFamily[] = [];

  const loginBase: PatternJson = {
    source: ['aws.signin'],
    detailType: [CONSOLE_SIGN_IN],
    account: accounts,
    detail: { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin'], userIdentity },
  };
  families.push({
    id: 'UserConsole',
    title: 'Console sign-in of the break-glass user',
    variants: [
      {
        id: 'UserConsoleLogin',
        pattern: loginBase,
        fields: {
          ...commonFields('Console sign-in of the break-glass user'),
          username: p('$.detail.userIdentity.userName'),
          roleArn: NONE,
          sessionName: NONE,
          sourceIdentity: NONE,
          mfa: p('$.detail.additionalEventData.MFAUsed'),
          result: p('$.detail.responseElements.ConsoleLogin'),
          errorCode: p('$.detail.errorMessage'),
        },
      },
    ],
  });

  const stsBase: PatternJson = {
    source: ['aws.sts'],
    detailType: [API_CALL],
    account: accounts,
    detail: {
      eventSource: ['sts.amazonaws.com'],
      eventName: ['GetFederationToken', 'GetSessionToken'],
      userIdentity,
    },
  };
  families.push({
    id: 'UserToken',
    title: 'GetFederationToken / GetSessionToken with the user’s keys',
    variants: stsOutcomes('UserToken', stsBase, {
      ...commonFields('GetFederationToken / GetSessionToken with the break-glass user’s keys'),
      username: p('$.detail.userIdentity.userName'),
      roleArn: NONE,
      sessionName: p('$.detail.requestParameters.name'),
      sourceIdentity: NONE,
      mfa: p('$.detail.requestParameters.serialNumber'),
    }),
  });

  const fedBase: PatternJson = {
    source: ['aws.signin'],
    detailType: [CONSOLE_SIGN_IN, API_CALL],
    detail: {
      eventSource: ['signin.amazonaws.com'],
      eventName: ['ConsoleLogin', 'GetSigninToken'],
      userIdentity: { sessionContext: { sessionIssuer: { arn: users.map((u) => u.arn) } } },
    },
  };
  families.push({
    id: 'UserFederated',
    title: 'Console sign-in with a federated session of the user',
    variants: ['ConsoleLogin', 'GetSigninToken'].map((name): AlertVariant => ({
      id: `UserFederated${name}`,
      pattern: merge(fedBase, { eventName: [name] }),
      fields: {
        ...commonFields(`Console ${name} with a federated session of the break-glass user`),
        username: p('$.detail.userIdentity.sessionContext.sessionIssuer.userName'),
        roleArn: NONE,
        sessionName: p('$.detail.userIdentity.arn'),
        sourceIdentity: p('$.detail.userIdentity.sessionContext.sourceIdentity'),
        mfa: p('$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated'),
        result: p(`$.detail.responseElements.${name}`),
        errorCode: p('$.detail.errorMessage'),
      },
    })),
  });
  return families;
}

/** What the action log keeps: `true` = all, `'read'` / `'write'` = by CloudTrail `readOnly`. */
export type LogActionsMode = boolean | 'read' | 'write';

/**
 * Patterns for API calls made with a break-glass session (session issuer = role or user) or with a
 * break-glass user's own keys. `logServices` narrows `eventSource` to `<svc>.amazonaws.com`.
 */
export function actionPatterns(
  roles: readonly MonitoredRole[],
  users: readonly MonitoredUser[],
  mode: LogActionsMode,
  services: readonly string[] | undefined,
): { id: string; pattern: PatternJson }[] {
  const filter: Record<string, unknown> = {};
  if (mode === 'read') filter['readOnly'] = [true];
  if (mode === 'write') filter['readOnly'] = [false];
  if (services && services.length > 0) filter['eventSource'] = services.map((s) => `${s}.amazonaws.com`);
  const out: { id: string; pattern: PatternJson }[] = [];
  const issuers = [...roles.map((r) => r.arn), ...users.map((u) => u.arn)];
  if (issuers.length > 0) {
    out.push({
      id: 'SessionActions',
      pattern: {
        detailType: [API_CALL],
        detail: { ...filter, userIdentity: { sessionContext: { sessionIssuer: { arn: issuers } } } },
      },
    });
  }
  if (users.length > 0) {
    out.push({
      id: 'UserActions',
      pattern: {
        detailType: [API_CALL],
        account: [...new Set(users.map((u) => u.account))],
        detail: { ...filter, userIdentity: { type: ['IAMUser'], userName: users.map((u) => u.name) } },
      },
    });
  }
  return out;
}

/** True when the logged actions include read-only calls (which need the all-management-events rule state). */
export function logsReads(mode: LogActionsMode): boolean {
  return mode === true || mode === 'read';
}

/**
 * The forwarding pattern of a Region: every event that *mentions* a break-glass principal where a
 * way in or an action keeps it (role ARN requested, denied-role ARN in the error message, session
 * issuer, role-session ARN, IAM user name in the account). One rule per Region and central bus, so
 * an event is forwarded once even when several central rules (alert, chaining, log) want it; the
 * central rules decide what it is. Break-glass principals are rare by design, so this forwards
 * little. Raw CloudFormation shape (`detail-type`), not CDK's.
 */
export function forwardPattern(
  roles: readonly MonitoredRole[],
  users: readonly MonitoredUser[],
  /** More branches, e.g. deployment access (`./deployer-alerts.ts`). */
  extra: readonly Record<string, unknown>[] = [],
): Record<string, unknown> {
  const branches: Record<string, unknown>[] = [];
  if (roles.length > 0) {
    branches.push({ detail: { requestParameters: { roleArn: roles.map((r) => typedArn(r.arn)) } } });
    branches.push({ detail: { errorMessage: roles.flatMap((r) => deniedOn(r.arn)) } });
    branches.push({ detail: { additionalEventData: { SwitchTo: roles.map((r) => typedArn(r.arn)) } } });
    branches.push({
      detail: {
        userIdentity: { arn: roles.map((r) => ({ prefix: { 'equals-ignore-case': r.sessionArnPrefix } })) },
      },
    });
    // IAM calls on the role: break-glass request / approval / revoke (./access-changes.ts; us-east-1).
    branches.push({
      detail: {
        eventSource: ['iam.amazonaws.com'],
        requestParameters: { roleName: roles.map((r) => r.name) },
      },
    });
  }
  const issuers = [...roles.map((r) => r.arn), ...users.map((u) => u.arn)];
  if (issuers.length > 0) {
    branches.push({ detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: issuers } } } } });
  }
  if (users.length > 0) {
    branches.push({
      account: [...new Set(users.map((u) => u.account))],
      detail: {
        userIdentity: { type: ['IAMUser'], userName: users.map((u) => ({ 'equals-ignore-case': u.name })) },
      },
    });
  }
  branches.push(...extra);
  return branches.length === 1 ? (branches[0] as Record<string, unknown>) : { $or: branches };
}
