/**
 * IAM Identity Center permission-set roles: the IAM role a permission set becomes in every account it
 * is assigned to, and the string pieces EventBridge patterns use to match exactly those roles.
 *
 * Identity Center provisions, in each assigned account, a role named
 * `AWSReservedSSO_<permission set>_<unique suffix>` under the path `/aws-reserved/sso.amazonaws.com/`,
 * optionally followed by a Region segment (`/aws-reserved/sso.amazonaws.com/eu-west-1/`)
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html). The
 * suffix is 16 characters (letters and digits in every role seen: real stratus-red-team record
 * `AWSReservedSSO_account-admin_599c9e90e350d2ff`). Permission-set names are 1-32 characters of
 * `[\w+=,.@-]` (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html):
 * `_` is allowed, so the role of a set named `ops_x` starts with the role-name prefix of a set named
 * `ops` — an exact match has to look at what follows the prefix, not only at the prefix.
 */

/** The IAM path of every Identity Center role (a Region segment may follow). */
export const SSO_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';
/** What every Identity Center role name starts with. */
export const SSO_ROLE_NAME_PREFIX = 'AWSReservedSSO_';
/** Length of the unique suffix Identity Center appends to the role name. */
export const SSO_SUFFIX_LENGTH = 16;
/** A permission-set name (CreatePermissionSet `Name`). */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;

const SUFFIX = new RegExp(`^[A-Za-z0-9]{${SSO_SUFFIX_LENGTH}}$`);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** `AWSReservedSSO_<set>_`: the start of every role name of permission set `set`. */
export function ssoRoleNamePrefix(set: string): string {
  return `${SSO_ROLE_NAME_PREFIX}${set}_`;
}

/** The role name of permission set `set` with the unique `suffix`. */
export function ssoRoleName(set: string, suffix: string): string {
  return `${ssoRoleNamePrefix(set)}${suffix}`;
}

/** The ARN of a permission-set role; `region` adds the Region segment some instances use. */
export function ssoRoleArn(r: {
  readonly partition: string;
  readonly account: string;
  readonly set: string;
  readonly suffix: string;
  readonly region?: string;
}): string {
  const path = r.region === undefined ? SSO_ROLE_PATH : `${SSO_ROLE_PATH}${r.region}/`;
  return `arn:${r.partition}:iam::${r.account}:role${path}${ssoRoleName(r.set, r.suffix)}`;
}

/** The permission set a role name belongs to, or undefined when it is not an Identity Center role name. */
export function permissionSetOfRoleName(roleName: string): string | undefined {
  if (!roleName.startsWith(SSO_ROLE_NAME_PREFIX)) return undefined;
  const cut = roleName.length - SSO_SUFFIX_LENGTH - 1;
  if (cut <= SSO_ROLE_NAME_PREFIX.length || roleName[cut] !== '_') return undefined;
  const set = roleName.slice(SSO_ROLE_NAME_PREFIX.length, cut);
  return SUFFIX.test(roleName.slice(cut + 1)) && PERMISSION_SET_NAME.test(set) ? set : undefined;
}

/**
 * The permission set of an Identity Center role ARN (the path must be the Identity Center path,
 * with or without one Region segment), or undefined for any other ARN.
 */
export function permissionSetOfRoleArn(arn: string): string | undefined {
  const m = /^arn:[a-z-]+:iam::\d{12}:role(\/.*\/)([^/]+)$/.exec(arn);
  if (!m) return undefined;
  const path = m[1] as string;
  if (path !== SSO_ROLE_PATH) {
    const region = path.startsWith(SSO_ROLE_PATH) ? path.slice(SSO_ROLE_PATH.length, -1) : '';
    if (!REGION.test(region)) return undefined;
  }
  return permissionSetOfRoleName(m[2] as string);
}

/**
 * EventBridge `wildcard` values matching the ARN of every role of `set` in any account and partition,
 * in both path forms. The role name must follow a `/` directly, so `Ops-AWSReservedSSO_<set>_…`
 * never matches, and `_` must follow the set name, so `AWSReservedSSO_<set>X_…` never matches. The
 * trailing `*` also accepts `AWSReservedSSO_<set>_<more>_<suffix>` (a set named `<set>_<more>`): pair
 * with {@link longerSetNameWildcard} where the record holds a second copy of the name.
 */
export function ssoRoleArnWildcards(set: string): [string, string] {
  const name = ssoRoleNamePrefix(set);
  return [`arn:*:iam::*:role${SSO_ROLE_PATH}${name}*`, `arn:*:iam::*:role${SSO_ROLE_PATH}*/${name}*`];
}

/** EventBridge `wildcard` for the session ARNs of `set`'s roles: `arn:…:sts::…:assumed-role/<role>/<session>`. */
export function ssoSessionArnWildcard(set: string): string {
  return `arn:*:sts::*:assumed-role/${ssoRoleNamePrefix(set)}*/*`;
}

/**
 * EventBridge `wildcard` for a role *name* of another permission set whose name starts with
 * `<set>_` (`AWSReservedSSO_<set>_<more>_<suffix>`): the unique suffix holds no `_`, so one more
 * `_` after the prefix means a longer set name. Used under `anything-but`.
 */
export function longerSetNameWildcard(set: string): string {
  return `${ssoRoleNamePrefix(set)}*_*`;
}

/**
 * SQL `LIKE` pattern (escape character `\`) matching exactly the role *names* of `set`: the prefix
 * with its `_` escaped, then one `_` wildcard per suffix character. A `LIKE` pattern matches the
 * whole value, so `Ops-AWSReservedSSO_<set>_…` never matches; `AWSReservedSSO_<set>X_…` differs in
 * the prefix; and a longer set name `<set>_<more>` adds at least two characters, so its roles are
 * longer than the pattern. The wildcards accept any character: the caller checks the suffix itself
 * ({@link permissionSetOfRoleName}). Set names hold no `%` or `\` ({@link PERMISSION_SET_NAME}).
 */
export function ssoRoleNameLike(set: string): string {
  return `${ssoRoleNamePrefix(set).replace(/_/g, '\\_')}${'_'.repeat(SSO_SUFFIX_LENGTH)}`;
}
