/**
 * The break-glass role's trust policy. Every statement that allows `sts:AssumeRole` carries the
 * conditions of its kind of person (identity, MFA where it means something, source identity, the
 * Reason tag); one `Deny` holds the Region lock for everyone; one statement allows
 * `sts:TagSession` (and `sts:SetSourceIdentity` when required) with only the tag-key check. They
 * cannot open a side door: STS only evaluates them as part of an AssumeRole request that must pass
 * an AssumeRole statement and the Region lock too
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required).
 * The layout keeps a 34-Region policy with several kinds of people inside IAM's default 2,048-character
 * "Role trust policy length" quota.
 *
 * AWS facts relied on (README, "AWS facts the trust policy relies on", has the full list):
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
 *   segment) and are named `AWSReservedSSO_<permission set>_<unique suffix>`, the suffix 16
 *   characters (`1234567890abcdef` in the guide); AWS recommends matching them with `ArnLike
 *   aws:PrincipalArn` because the suffix changes when the role is re-created:
 *   https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
 *   Permission-set names are `[\w+=,.@-]{1,32}` (no `/`:
 *   https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html), so the role
 *   name is the last path segment; {@link ssoRoleArnPattern} anchors both of its ends.
 * - Identity Center puts the user's identity-store id in the request context (`identitystore:UserId`)
 *   only for identity-enhanced sessions that an application creates with a context assertion
 *   (https://docs.aws.amazon.com/singlesignon/latest/userguide/condition-context-keys-sts-idc.html),
 *   not for the access-portal and CLI sessions of a permission set: people are identified by session
 *   name (= Identity Center user name), see README "Threat model" for the name-reuse risk.
 * - `ForAllValues:` is true when the key is absent, hence the extra `Null aws:RequestTag/Reason false`:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { REASON_TAG_KEYS } from '../../engines/conventions.js';

/** A person in another account (break-glass IAM users in a security account). */
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

export function userArn(partition: string, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:user/${name}`;
}

/** The unique suffix of an Identity Center role name: 16 characters, one IAM `?` each. */
const SSO_SUFFIX = '?'.repeat(16);

/**
 * The `ArnLike` pattern for the Identity Center roles of `permissionSet` (`'*'` = any). Anchored on
 * the role name: it starts right after a `/` with `AWSReservedSSO_<permission set>_` and ends with
 * exactly the 16-character suffix, so neither `Ops-AWSReservedSSO_BreakGlassAccess` (a longer name
 * ending in ours) nor `BreakGlassAccess_Evil` (ours plus more) qualifies. The `*` before that `/`
 * stands for the optional Region segment (`sso.amazonaws.com/AWSReservedSSO_…` and
 * `sso.amazonaws.com/eu-west-2/AWSReservedSSO_…` both match): one pattern for both path forms keeps
 * the trust policy inside IAM's size quota.
 */
export function ssoRoleArnPattern(partition: string, account: string, permissionSet: string): string {
  return `arn:${partition}:iam::${account}:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_${permissionSet}_${SSO_SUFFIX}`;
}

/** The policy variable IAM replaces with the caller's IAM user name (IAM users only). */
const USERNAME_VARIABLE = '${aws:username}';

/** One kind of person: principal + identity conditions, and how their source identity is bound. */
interface Group {
  readonly sid: string;
  readonly principals: string[];
  /** Conditions that identify the person (PrincipalArn, userid) plus MFA where it applies. */
  readonly identity: Conditions;
  /** Value `sts:SourceIdentity` must equal. */
  readonly sourceIdentity: string;
  /** The `aws:PrincipalArn` values (or patterns) the identity conditions accept. */
  readonly principalArns: string[];
}

function merge(...parts: Conditions[]): Conditions {
  const out: Conditions = {};
  for (const p of parts) for (const [op, kv] of Object.entries(p)) out[op] = { ...(out[op] ?? {}), ...kv };
  return out;
}

/**
 * Builds the trust statements; empty identity lists produce no statement.
 * - one `sts:AssumeRole` statement per kind of person (identity, MFA, source identity, Reason tag);
 * - `OnlyCoveredRegions`: `Deny sts:AssumeRole` outside `regions`;
 * - `SessionTags` / `SessionTagsAndSourceIdentity`: `sts:TagSession` (and `sts:SetSourceIdentity`
 *   when required) for the same accounts, with only the tag-key condition. The service authorization
 *   reference lists only their own keys for these actions (`sts:SourceIdentity`; `aws:RequestTag/*`,
 *   `aws:TagKeys`): conditions on other service keys would fail as absent; the binding of the source
 *   identity to the person lives in the AssumeRole statement, which STS also evaluates.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
 */
export function buildTrustStatements(spec: TrustPolicySpec): iam.PolicyStatement[] {
  const root = (account: string) => `arn:${spec.partition}:iam::${account}:root`;
  const mfa: Conditions = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
  const groups: Group[] = [];

  if (spec.usernames.length > 0) {
    const arns = spec.usernames.map((u) => userArn(spec.partition, spec.account, u));
    groups.push({
      sid: 'IamUsers',
      principals: [root(spec.account)],
      identity: merge({ ArnEquals: { 'aws:PrincipalArn': arns } }, spec.requireMfa ? mfa : {}),
      sourceIdentity: USERNAME_VARIABLE,
      principalArns: arns,
    });
  }

  // IAM users of other accounts: MFA always required.
  const trusted = spec.trustedAccountUsers.filter((t) => t.usernames.length > 0);
  if (trusted.length > 0) {
    const arns = trusted.flatMap((t) => t.usernames.map((u) => userArn(spec.partition, t.account, u)));
    const own = groups.find((g) => g.sid === 'IamUsers');
    if (own && spec.requireMfa) {
      // Same conditions for both: one statement keeps the trust policy small (IAM size quota).
      groups[groups.indexOf(own)] = {
        ...own,
        principals: [...own.principals, ...new Set(trusted.map((t) => root(t.account)))],
        identity: merge({ ArnEquals: { 'aws:PrincipalArn': [...own.principalArns, ...arns] } }, mfa),
        principalArns: [...own.principalArns, ...arns],
      };
    } else {
      groups.push({
        sid: 'TrustedAccountUsers',
        principals: [...new Set(trusted.map((t) => t.account))].map(root),
        identity: merge({ ArnEquals: { 'aws:PrincipalArn': arns } }, mfa),
        sourceIdentity: USERNAME_VARIABLE,
        principalArns: arns,
      });
    }
  }

  // Federated people (IAM Identity Center permission sets / SAML roles), matched by session name.
  // No MFA condition: federated sessions report MultiFactorAuthPresent false even after IdP MFA.
  const roleArns = [
    ...spec.federatedPermissionSets.map((p) => ssoRoleArnPattern(spec.partition, spec.account, p)),
    ...spec.federatedRoleNames.map((r) => `arn:${spec.partition}:iam::${spec.account}:role/${r}`),
  ];
  if (spec.federatedUsernames.length > 0 && roleArns.length > 0) {
    // With source identity each person gets statements binding the source identity to their own
    // session name (no policy variable holds the session name alone).
    const people = spec.requireSourceIdentity
      ? spec.federatedUsernames.map((n) => [n])
      : [[...spec.federatedUsernames]];
    people.forEach((names, i) => {
      groups.push({
        sid: people.length === 1 ? 'FederatedUsers' : `FederatedUser${i}`,
        principals: [root(spec.account)],
        identity: {
          ArnLike: { 'aws:PrincipalArn': roleArns },
          StringLike: { 'aws:userid': names.map((n) => `*:${n}`) },
        },
        sourceIdentity: names[0] as string,
        principalArns: roleArns,
      });
    });
  }

  const out: iam.PolicyStatement[] = [];
  for (const g of groups) {
    out.push(
      new iam.PolicyStatement({
        sid: g.sid,
        actions: ['sts:AssumeRole'],
        principals: g.principals.map((p) => new iam.ArnPrincipal(p)),
        conditions: merge(
          spec.requireSourceIdentity ? { StringEquals: { 'sts:SourceIdentity': g.sourceIdentity } } : {},
          // requireReason: the Reason tag must be passed. (Which tag keys are allowed is checked on
          // sts:TagSession below, which STS evaluates whenever tags are passed.)
          spec.requireReason ? { Null: { [`aws:RequestTag/${REASON_TAG_KEYS[0]}`]: 'false' } } : {},
          g.identity,
        ),
      }),
    );
  }
  if (groups.length === 0) return out;

  // The Region lock, once for everyone: an explicit Deny outside the covered Regions overrides every
  // Allow above (same decisions as repeating `StringEquals aws:RequestedRegion` in each of them, in a
  // fraction of the size: IAM's default role trust policy quota is 2,048 characters). StringNotEquals
  // is true when the key is absent, so a request without a Region is denied too.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  out.push(
    new iam.PolicyStatement({
      sid: 'OnlyCoveredRegions',
      effect: iam.Effect.DENY,
      actions: ['sts:AssumeRole'],
      principals: [new iam.AnyPrincipal()],
      conditions: { StringNotEquals: { 'aws:RequestedRegion': [...spec.regions] } },
    }),
  );

  // The companions, one statement for everyone above. STS evaluates sts:TagSession /
  // sts:SetSourceIdentity only inside an AssumeRole request, which must pass an AssumeRole statement
  // (identity, MFA, source identity bound to the person) and the Region lock; here only what is theirs
  // alone: session tags other than Reason/Ticket are rejected (ForAllValues is true without tags).
  const principals = [...new Set(groups.flatMap((g) => g.principals))].map((p) => new iam.ArnPrincipal(p));
  out.push(
    new iam.PolicyStatement({
      sid: spec.requireSourceIdentity ? 'SessionTagsAndSourceIdentity' : 'SessionTags',
      actions: spec.requireSourceIdentity ? ['sts:SetSourceIdentity', 'sts:TagSession'] : ['sts:TagSession'],
      principals,
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [...REASON_TAG_KEYS] } },
    }),
  );
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
