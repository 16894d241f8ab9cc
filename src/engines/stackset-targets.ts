/**
 * Which accounts a StackSet's `DeploymentTargets` selects, by CloudFormation's rules: `INTERSECTION` =
 * the listed accounts that are in the OUs, `DIFFERENCE` = the OUs' accounts but the listed ones, `UNION`
 * (the default when `AccountFilterType` is not given) = both, `NONE` = the OUs' accounts; OUs alone = the
 * OUs' accounts, accounts alone = those accounts. A service-managed StackSet never deploys to the
 * organization's management account, even when it is in a target OU.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html
 */
export interface TargetSelection {
  /** Whether the group names any OU (or root) at all. */
  readonly hasOus: boolean;
  /** The accounts found in those OUs, in the order to keep. */
  readonly inOus: readonly string[];
  /** `DeploymentTargets.Accounts`. */
  readonly listed: readonly string[];
  /** `DeploymentTargets.AccountFilterType`, as written (absent: `UNION`). */
  readonly filter?: string;
  /** Left out of the result (service-managed StackSets). */
  readonly managementAccount?: string;
}

export function selectTargetAccounts(t: TargetSelection): string[] {
  const { inOus, listed } = t;
  let out: string[];
  if (!t.hasOus) out = [...listed];
  else if (listed.length === 0 || t.filter === 'NONE') out = [...inOus];
  else if (t.filter === 'INTERSECTION') out = inOus.filter((a) => listed.includes(a));
  else if (t.filter === 'DIFFERENCE') out = inOus.filter((a) => !listed.includes(a));
  else out = [...new Set([...inOus, ...listed])];
  return t.managementAccount === undefined ? out : out.filter((a) => a !== t.managementAccount);
}
