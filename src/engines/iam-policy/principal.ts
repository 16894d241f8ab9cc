import type { PrincipalSet, RequestPrincipal } from './model.js';

/**
 * Principal matching for resource-based policies (trust policies).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * - `"*"` and `{"AWS": "*"}` match everyone;
 * - an account (`"123456789012"` or `arn:aws:iam::123456789012:root`) matches every principal of that
 *   account — it delegates to the account's identity policies ("account-level" match);
 * - a role ARN matches the role's assumed-role sessions `arn:aws:sts::A:assumed-role/<name>/<session>`
 *   (role paths are not part of session ARNs; role names are case-insensitive);
 * - a user ARN, an assumed-role session ARN, a Federated provider and a Service match exactly.
 */
export type PrincipalMatch = 'Exact' | 'Session' | 'Account' | 'Wildcard' | 'None';

const ACCOUNT_ID = /^\d{12}$/;

interface ArnBits {
  readonly partition: string;
  readonly service: string;
  readonly account: string;
  readonly resource: string;
}

export function splitArn(arn: string): ArnBits | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return {
    partition: parts[1] as string,
    service: parts[2] as string,
    account: parts[4] as string,
    resource: parts.slice(5).join(':'),
  };
}

/** The account of an AWS principal ARN (user, role, session, root), or the id itself if it is an account. */
export function principalAccount(id: string): string | undefined {
  if (ACCOUNT_ID.test(id)) return id;
  const a = splitArn(id);
  return a && ACCOUNT_ID.test(a.account) ? a.account : undefined;
}

function awsEntryMatches(entry: string, caller: string): PrincipalMatch {
  if (entry === '*') return 'Wildcard';
  const callerArn = splitArn(caller);
  if (ACCOUNT_ID.test(entry)) return principalAccount(caller) === entry ? 'Account' : 'None';
  const e = splitArn(entry);
  if (e && e.service === 'iam' && e.resource === 'root') {
    const sameAccount = principalAccount(caller) === e.account;
    const samePartition = !callerArn || callerArn.partition === e.partition;
    return sameAccount && samePartition ? 'Account' : 'None';
  }
  if (entry === caller) return 'Exact';
  if (e && callerArn && e.service === 'iam' && e.resource.startsWith('role/')) {
    // Role ARN vs session ARN: same partition + account, role name = last segment of the role path.
    if (
      callerArn.service === 'sts' &&
      callerArn.resource.startsWith('assumed-role/') &&
      callerArn.partition === e.partition &&
      callerArn.account === e.account
    ) {
      const roleName = e.resource.slice(e.resource.lastIndexOf('/') + 1);
      const sessionRole = callerArn.resource.split('/')[1] ?? '';
      if (roleName.toLowerCase() === sessionRole.toLowerCase()) return 'Session';
    }
  }
  return 'None';
}

const RANK: Record<PrincipalMatch, number> = { Exact: 4, Session: 3, Wildcard: 2, Account: 1, None: 0 };

/** The strongest way `set` names `principal` ('None' if it does not). */
export function matchPrincipal(set: PrincipalSet, principal: RequestPrincipal): PrincipalMatch {
  if (set.wildcard) return 'Wildcard';
  let best: PrincipalMatch = 'None';
  const consider = (m: PrincipalMatch) => {
    if (RANK[m] > RANK[best]) best = m;
  };
  if (principal.type === 'AWS') for (const e of set.aws) consider(awsEntryMatches(e, principal.id));
  if (principal.type === 'Federated')
    for (const e of set.federated) consider(e === principal.id ? 'Exact' : 'None');
  if (principal.type === 'Service')
    for (const e of set.service) consider(e === principal.id ? 'Exact' : 'None');
  // {"AWS": "*"} is documented as equivalent to "*".
  if (principal.type !== 'AWS' && set.aws.includes('*')) consider('Wildcard');
  return best;
}
