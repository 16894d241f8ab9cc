import {
  PERMISSION_SET_NAME,
  longerSetNameWildcard,
  ssoRoleArnWildcards,
  ssoSessionArnWildcard,
} from '../../engines/identity-center.js';
import { BreakGlassError } from '../../engines/errors.js';
import { API_CALL, CONSOLE_SIGN_IN } from './alert-ways.js';
import type { MemberWatch } from './member-watch.js';

/**
 * The member-account rules that watch every use of an IAM Identity Center permission set's roles
 * (`AWSReservedSSO_<name>_<suffix>`, see `engines/identity-center.ts`), as EventBridge patterns on
 * the member's default bus. No account id appears: the same rules run in every member account.
 *
 * What CloudTrail records in the account the permission set is assigned to:
 * - every session starts with `AssumeRoleWithSAML` into the role, recorded in the role's account with
 *   a `SAMLUser` identity: Identity Center roles trust only the account's `AWSSSO_…_DO_NOT_DELETE`
 *   SAML provider (IAM User Guide, "Logging sign-in events for temporary credentials":
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#cloudtrail-integration_signin-tempcreds);
 * - opening the console from the access portal is a federated console sign-in, recorded as a
 *   `ConsoleLogin` of the role session (`userIdentity.arn` = `…:assumed-role/<role>/<user>`; the
 *   record may carry no `sessionContext`) — "all federated user sign-in events generate records"
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html);
 *   fixture `test/fixtures/identity-center/console-federation.json`;
 * - every later call carries the role as `userIdentity.sessionContext.sessionIssuer` (`userName` =
 *   role name, `arn` = role ARN with its path);
 * - a refused call on the role names it in `errorMessage` ("… on resource: <role ARN>[ context]",
 *   the wordings of `simulator/denials.ts`), with `requestParameters: null` for a denied STS call.
 *
 * Exactness: the role-name prefix `AWSReservedSSO_<name>_` must follow the Identity Center path (role
 * ARNs, both path forms) or `assumed-role/` (session ARNs), so `AWSReservedSSO_<name>X_…`,
 * `Ops-AWSReservedSSO_<name>_…` and the name under another path never match. Where the record names
 * the role twice (session issuer `arn` + `userName`; requested `roleArn` + issued session ARN) the
 * second copy also excludes a set named `<name>_<more>` (one more `_` than the suffix allows); where it
 * names it once (console record without session context, error message) such a set is matched too —
 * an over-match, never a miss.
 */
export function permissionSetWatch(name: string): MemberWatch[] {
  if (!PERMISSION_SET_NAME.test(name)) {
    throw new BreakGlassError(
      `permissionSet.name: '${name}' is not a permission-set name; use 1-32 of letters, digits and + = , . @ _ -`,
    );
  }
  const roleArns = ssoRoleArnWildcards(name).map((wildcard) => ({ wildcard }));
  const longer = longerSetNameWildcard(name);
  // The session issuer holds the role twice: its ARN (path and name start) and its name (no longer set).
  const issuer = { arn: roleArns, userName: [{ 'anything-but': { wildcard: longer } }] };
  const assume = (ok: boolean) => ({
    source: ['aws.sts'],
    'detail-type': [API_CALL],
    detail: {
      eventSource: ['sts.amazonaws.com'],
      eventName: ['AssumeRoleWithSAML', 'AssumeRole', 'AssumeRoleWithWebIdentity'],
      errorCode: [{ exists: !ok }],
      requestParameters: { roleArn: roleArns },
      // On success the session ARN names the role again (`…:assumed-role/<role>/<session>`, session
      // names hold no `/`): not a longer set's role.
      ...(ok
        ? {
            responseElements: {
              assumedRoleUser: { arn: [{ 'anything-but': { wildcard: `*/${longer}/*` } }] },
            },
          }
        : {}),
    },
  });
  const set = `the Identity Center permission set ${name}`;
  return [
    // Every session of the permission set (Identity Center's AssumeRoleWithSAML), or anyone else's
    // AssumeRole* into its role.
    { id: 'PermissionSetAssume', kind: 'way-in', title: `sign-in with ${set}`, pattern: assume(true) },
    // A failed AssumeRole* that still names the role in its parameters.
    {
      id: 'PermissionSetAssumeFailed',
      kind: 'denied',
      title: `failed sign-in with ${set}`,
      pattern: assume(false),
    },
    // A refused call on the role that names it only in the message (a denied STS call has no
    // parameters; an IAM call on the role has roleName, not roleArn).
    {
      id: 'PermissionSetDenied',
      kind: 'denied',
      title: `refused call on the role of ${set}`,
      pattern: {
        'detail-type': [API_CALL],
        detail: {
          errorCode: [{ exists: true }],
          requestParameters: { roleArn: [{ exists: false }] },
          errorMessage: ssoRoleArnWildcards(name).map((arn) => ({ wildcard: `*on resource: ${arn}` })),
        },
      },
    },
    // Console sign-in as the role (access-portal federation, GetSigninToken), with or without a
    // session context in the record.
    {
      id: 'PermissionSetConsole',
      kind: 'way-in',
      title: `console sign-in with ${set}`,
      pattern: {
        source: ['aws.signin'],
        'detail-type': [CONSOLE_SIGN_IN, API_CALL],
        detail: {
          eventSource: ['signin.amazonaws.com'],
          $or: [
            // Only the session ARN: records without a session context (the issuer decides otherwise).
            {
              userIdentity: {
                arn: [{ wildcard: ssoSessionArnWildcard(name) }],
                sessionContext: { sessionIssuer: { arn: [{ exists: false }] } },
              },
            },
            { userIdentity: { sessionContext: { sessionIssuer: issuer } } },
          ],
        },
      },
    },
    // Every call made with a session of the role.
    {
      id: 'PermissionSetActions',
      kind: 'action',
      title: `call made with ${set}`,
      pattern: {
        'detail-type': [API_CALL],
        detail: { userIdentity: { sessionContext: { sessionIssuer: issuer } } },
      },
    },
  ];
}
