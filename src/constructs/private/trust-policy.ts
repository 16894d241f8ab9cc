/**
 * The break-glass role's trust policy. Every statement that allows `sts:AssumeRole` carries every
 * hardening condition (region lock, MFA where it means something, source identity, reason tags);
 * `sts:SetSourceIdentity` and `sts:TagSession` only ever appear in those same statements, so they
 * cannot open a side door (STS authorizes them as part of the same AssumeRole request, with the
 * same request context: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required).
 *
 * AWS facts relied on (see docs/constructs.md for the full list):
 * - Principal = account root + `ArnEquals aws:PrincipalArn`: naming a user ARN directly in
 *   `Principal` fails to deploy if the user does not exist yet, and silently breaks if the user is
 *   deleted and recreated (IAM stores the unique id):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 *   With the account as principal, the person also needs `sts:AssumeRole` in an identity policy
 *   (`BreakGlassRole.grantAssume`).
 * - `aws:MultiFactorAuthPresent` is absent for long-term access keys; `Bool … "true"` therefore
 *   rejects them, whereas `BoolIfExists … "true"` would let them in:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 * - `aws:userid` of a role session is `<role-id>:<session-name>` and session names cannot contain
 *   ':' (`[\w+=,.@-]*`), so `*:alice` matches exactly the session named alice:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (RoleSessionName)
 * - IAM Identity Center roles live under `/aws-reserved/sso.amazonaws.com/` (optionally a Region
 *   segment) and are named `AWSReservedSSO_<permission set>_<suffix>`; AWS recommends matching them
 *   with `ArnLike aws:PrincipalArn` because the suffix is unpredictable:
 *   https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
 * - `ForAllValues:` is true when the key is absent, hence the extra `Null aws:RequestTag/Reason false`:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { REASON_TAG_KEYS } from '../../engines/conventions.js';

/** A person in another account (seed 003: break-glass IAM users in a security account). */
export interface TrustedAccountUsersSpec {
  readonly account: string;
  readonly usernames: readonly string[];
}

export interface TrustPolicySpec {
  readonly partition: string;
  readonly account: string;
  readonly usernames: readonly string[];
  readonly federatedUsernames: readonly string[];
  readonly federatedPermissionSets: readonly string[];
  readonly federatedRoleNames: readonly string[];
  readonly trustedAccountUsers: readonly TrustedAccountUsersSpec[];
  /** Concrete Region codes (already expanded). */
  readonly regions: readonly string[];
  readonly requireMfa: boolean;
  readonly requireSourceIdentity: boolean;
  readonly requireReason: boolean;
}

type Conditions = Record<string, Record<string, unknown>>;

function actions(spec: TrustPolicySpec): string[] {
  return [
    'sts:AssumeRole',
    ...(spec.requireSourceIdentity ? ['sts:SetSourceIdentity'] : []),
    ...(spec.requireReason ? ['sts:TagSession'] : []),
  ];
}

/** Conditions every statement carries: region lock and reason tags. */
function common(spec: TrustPolicySpec, stringEquals: Record<string, unknown>): Conditions {
  const c: Conditions = {
    StringEquals: { 'aws:RequestedRegion': [...spec.regions], ...stringEquals },
  };
  if (spec.requireReason) {
    c['Null'] = { [`aws:RequestTag/${REASON_TAG_KEYS[0]}`]: 'false' };
    c['ForAllValues:StringEquals'] = { 'aws:TagKeys': [...REASON_TAG_KEYS] };
  }
  return c;
}

export function userArn(partition: string, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:user/${name}`;
}

export function ssoRoleArnPattern(partition: string, account: string, permissionSet: string): string {
  return `arn:${partition}:iam::${account}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${permissionSet}_*`;
}

/** The policy variable IAM replaces with the caller's IAM user name (IAM users only). */
const USERNAME_VARIABLE = '${aws:username}';

/** Builds the trust statements; empty identity lists produce no statement. */
export function buildTrustStatements(spec: TrustPolicySpec): iam.PolicyStatement[] {
  const out: iam.PolicyStatement[] = [];
  const sourceIdentityIsUsername = spec.requireSourceIdentity
    ? { 'sts:SourceIdentity': USERNAME_VARIABLE }
    : {};

  // IAM users of this account.
  if (spec.usernames.length > 0) {
    const conditions = common(spec, sourceIdentityIsUsername);
    conditions['ArnEquals'] = {
      'aws:PrincipalArn': spec.usernames.map((u) => userArn(spec.partition, spec.account, u)),
    };
    if (spec.requireMfa) conditions['Bool'] = { 'aws:MultiFactorAuthPresent': 'true' };
    out.push(
      new iam.PolicyStatement({
        sid: 'IamUsers',
        actions: actions(spec),
        principals: [new iam.ArnPrincipal(`arn:${spec.partition}:iam::${spec.account}:root`)],
        conditions,
      }),
    );
  }

  // IAM users of other accounts: MFA always required.
  const trusted = spec.trustedAccountUsers.filter((t) => t.usernames.length > 0);
  if (trusted.length > 0) {
    const conditions = common(spec, sourceIdentityIsUsername);
    conditions['ArnEquals'] = {
      'aws:PrincipalArn': trusted.flatMap((t) =>
        t.usernames.map((u) => userArn(spec.partition, t.account, u)),
      ),
    };
    conditions['Bool'] = { 'aws:MultiFactorAuthPresent': 'true' };
    out.push(
      new iam.PolicyStatement({
        sid: 'TrustedAccountUsers',
        actions: actions(spec),
        principals: [
          ...[...new Set(trusted.map((t) => t.account))].map(
            (a) => new iam.ArnPrincipal(`arn:${spec.partition}:iam::${a}:root`),
          ),
        ],
        conditions,
      }),
    );
  }

  // Federated people (IAM Identity Center permission sets / SAML roles), matched by session name.
  const roleArns = [
    ...spec.federatedPermissionSets.map((p) => ssoRoleArnPattern(spec.partition, spec.account, p)),
    ...spec.federatedRoleNames.map((r) => `arn:${spec.partition}:iam::${spec.account}:role/${r}`),
  ];
  if (spec.federatedUsernames.length > 0 && roleArns.length > 0) {
    // With source identity each person gets a statement binding the source identity to their own
    // session name (no policy variable holds the session name alone).
    const groups = spec.requireSourceIdentity
      ? spec.federatedUsernames.map((n) => [n])
      : [[...spec.federatedUsernames]];
    groups.forEach((names, i) => {
      const conditions = common(spec, spec.requireSourceIdentity ? { 'sts:SourceIdentity': names[0] } : {});
      conditions['ArnLike'] = { 'aws:PrincipalArn': roleArns };
      conditions['StringLike'] = { 'aws:userid': names.map((n) => `*:${n}`) };
      out.push(
        new iam.PolicyStatement({
          sid: groups.length === 1 ? 'FederatedUsers' : `FederatedUser${i}`,
          actions: actions(spec),
          principals: [new iam.ArnPrincipal(`arn:${spec.partition}:iam::${spec.account}:root`)],
          conditions,
        }),
      );
    });
  }
  return out;
}

/**
 * `assumedBy` for `iam.Role` that writes our statements into the trust policy instead of the
 * default single "Allow principal" statement.
 */
export class BreakGlassTrustPrincipal extends iam.PrincipalBase implements iam.IAssumeRolePrincipal {
  constructor(
    private readonly account: string,
    private readonly statements: readonly iam.PolicyStatement[],
  ) {
    super();
  }

  get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.AccountPrincipal(this.account).policyFragment;
  }

  override addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    document.addStatements(...this.statements);
  }

  override toString(): string {
    return 'BreakGlassTrustPrincipal';
  }

  override dedupeString(): string | undefined {
    return undefined;
  }
}
