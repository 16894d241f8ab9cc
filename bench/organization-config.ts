/**
 * Generated configs for the organization scale bench: N member accounts spread over a few OUs, each
 * Region of the `aws` partition enabled by default (the 17 launched before 2019-03-20, which cannot be
 * disabled: `DEFAULT_ENABLED_REGIONS`, after https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html),
 * an Identity Center break-glass permission set assigned to every member account.
 *
 * Two shapes: `organization` (one StackSet whose member template is deployed to every account × Region)
 * and `member-accounts` (the older path: one role stack per account, `memberAccounts`), kept as a
 * comparison for what a per-account fan-out costs.
 */
import { DEFAULT_ENABLED_REGIONS } from '../src/engines/regions.js';

export type ConfigShape = 'organization' | 'member-accounts';

export interface OrgBenchOptions {
  /** Member accounts (1 … 10,000). */
  readonly accounts: number;
  /** @default 'organization' */
  readonly shape?: ConfigShape;
  /** StackSet Regions. @default the 17 Regions enabled by default in the aws partition */
  readonly regions?: readonly string[];
  /** How many OUs the accounts are spread over (round robin). @default 4, fewer when fewer accounts */
  readonly ous?: number;
}

export const SECURITY_ACCOUNT = '222222222222';
export const MANAGEMENT_ACCOUNT = '111111111111';
export const HOME_REGION = 'eu-west-1';
export const ORGANIZATION_ID = 'o-bench0scale';

/** The i-th member account id (0-based): 12 digits, never the security or management account. */
export function memberAccountId(i: number): string {
  return String(300_000_000_000 + i);
}

/** The k-th OU id (0-based), `ou-<root>-<8+ chars>` as Organizations writes them. */
export function ouId(k: number): string {
  return `ou-bnch-${String(k).padStart(8, '0')}`;
}

/** The config object (what `parseConfig` validates) for `opts`. */
export function organizationBenchConfig(opts: OrgBenchOptions): Record<string, unknown> {
  const n = opts.accounts;
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new RangeError(`accounts: expected a whole number from 1 to 10000 (got ${n})`);
  const regions = [...(opts.regions ?? DEFAULT_ENABLED_REGIONS)];
  const ous = Math.max(1, Math.min(opts.ous ?? 4, n));
  const accounts = Array.from({ length: n }, (_, i) => ({
    id: memberAccountId(i),
    ou: ouId(i % ous),
    name: `workload-${String(i + 1).padStart(3, '0')}`,
  }));
  const alerts = { loginAlertEmails: ['security@example.com', 'oncall@example.com'] };
  // The role and users of examples/organization.config.yaml, in every Region of the bench.
  const role = {
    roleName: 'BreakGlass',
    managedPolicies: ['ReadOnlyAccess'],
    maxSessionDuration: 1,
    requireMfa: true,
    ...alerts,
    tamperAlertEmails: ['security@example.com'],
    logActions: true,
    deniedAttempts: 'summary',
    retention: 365,
  };
  const users = {
    account: SECURITY_ACCOUNT,
    region: HOME_REGION,
    usernames: ['breakglass-1', 'breakglass-2'],
    loginAlertEmails: ['security@example.com'],
    createTrail: true,
    // As in the example: the users' own sessions work, and are watched, in every Region.
    regions: ['*'],
  };
  if ((opts.shape ?? 'organization') === 'member-accounts') {
    return {
      stackName: 'BreakGlass',
      account: SECURITY_ACCOUNT,
      region: HOME_REGION,
      memberAccounts: accounts.map((a) => a.id),
      role: { ...role, regions },
      users,
    };
  }
  return {
    stackName: 'BreakGlass',
    account: SECURITY_ACCOUNT,
    region: HOME_REGION,
    organization: {
      id: ORGANIZATION_ID,
      managementAccount: MANAGEMENT_ACCOUNT,
      targets: Array.from({ length: ous }, (_, k) => ouId(k)),
      accounts,
      regions,
      orgTrail: true,
      permissionSet: {
        name: 'devops-break-glass',
        instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
        groupId: '90670a4c1d-1234abcd-5678-90ef-1234-567890abcdef',
        sessionDuration: 'PT1H',
        managedPolicies: ['AdministratorAccess'],
      },
    },
    role,
    users,
  };
}
