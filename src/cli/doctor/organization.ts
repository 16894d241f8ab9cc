/**
 * The organization checks, for templates with a service-managed StackSet (`AWS::CloudFormation::StackSet`,
 * `PermissionModel: SERVICE_MANAGED`), run with credentials of the account that deploys it:
 *
 * - `org-access` (before deploy): trusted access for CloudFormation StackSets is enabled in
 *   Organizations, and with `CallAs: DELEGATED_ADMIN` this account is a registered StackSets delegated
 *   administrator (with `CallAs: SELF` it must be the management account)
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html);
 * - `stackset` (after deploy): every account of the targeted OUs (child OUs included) has a CURRENT
 *   stack instance in every Region of the instance group. The management account is left out: a
 *   service-managed StackSet never deploys to it
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-associate-stackset-with-org.html).
 *   An instance that is OUTDATED (its last operation failed or did not run) or INOPERABLE (deleted
 *   from the StackSet but its stack kept) is a problem, and so is an account with no instance
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html).
 *
 * A deployment without such a StackSet gets no line from them (it is not an organization deployment).
 */
import type { OrgAccountInfo, StackInstanceInfo } from '../aws/doctor-ports.js';
import { selectTargetAccounts } from '../../engines/stackset-targets.js';
import type { InventoryStack } from './inventory.js';
import { finding, mapLimit, type DoctorCheck, type DoctorContext, type Finding } from './model.js';

/** The service principal of CloudFormation StackSets in Organizations. */
export const STACKSETS_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';

/** One instance group of a StackSet: the OUs it targets, the account filter, the Regions. */
export interface InstanceGroup {
  readonly ous: readonly string[];
  readonly accounts: readonly string[];
  /** `AccountFilterType` as written (absent: CloudFormation's default, UNION). */
  readonly filter?: string;
  readonly regions: readonly string[];
}

/** A service-managed StackSet of the templates, where it is deployed from, and what it targets. */
export interface PlannedStackSet {
  readonly stackName: string;
  readonly region: string;
  readonly name: string;
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  readonly groups: readonly InstanceGroup[];
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The service-managed StackSets of some stacks (resolved template properties). */
export function plannedStackSets(stacks: readonly InventoryStack[]): PlannedStackSet[] {
  const out: PlannedStackSet[] = [];
  for (const s of stacks) {
    for (const r of s.resources) {
      if (r.type !== 'AWS::CloudFormation::StackSet') continue;
      const p = r.properties;
      if (p['PermissionModel'] !== 'SERVICE_MANAGED' || typeof p['StackSetName'] !== 'string') continue;
      const groups = (Array.isArray(p['StackInstancesGroup']) ? p['StackInstancesGroup'] : []).map(
        (g): InstanceGroup => {
          const targets = obj(obj(g)['DeploymentTargets']);
          const filter = targets['AccountFilterType'];
          return {
            ous: strings(targets['OrganizationalUnitIds']),
            accounts: strings(targets['Accounts']),
            ...(typeof filter === 'string' ? { filter } : {}),
            regions: strings(obj(g)['Regions']),
          };
        },
      );
      out.push({
        stackName: s.stackName,
        region: s.region,
        name: p['StackSetName'],
        callAs: p['CallAs'] === 'DELEGATED_ADMIN' ? 'DELEGATED_ADMIN' : 'SELF',
        groups,
      });
    }
  }
  return out;
}

/** Judges trusted access and who may deploy the StackSets (pure: the answers are given). */
export function judgeAccess(
  account: string,
  sets: readonly PlannedStackSet[],
  org: { readonly id: string; readonly managementAccount: string },
  trusted: readonly string[],
  delegated: readonly string[] | undefined,
): Finding[] {
  const out: Finding[] = [];
  out.push(
    trusted.includes(STACKSETS_PRINCIPAL)
      ? finding(
          'org-access',
          'ok',
          'global',
          'trusted access',
          `CloudFormation StackSets enabled in ${org.id}`,
        )
      : finding(
          'org-access',
          'problem',
          'global',
          'trusted access',
          `CloudFormation StackSets has no trusted access in ${org.id}; activate it from the management account ${org.managementAccount}: aws cloudformation activate-organizations-access (or CloudFormation console → StackSets → Activate trusted access)`,
        ),
  );
  const modes = new Set(sets.map((s) => s.callAs));
  if (modes.has('DELEGATED_ADMIN')) {
    out.push(
      (delegated ?? []).includes(account)
        ? finding(
            'org-access',
            'ok',
            account,
            'delegated administrator',
            'registered for CloudFormation StackSets',
          )
        : finding(
            'org-access',
            'problem',
            account,
            'delegated administrator',
            `not a delegated administrator for CloudFormation StackSets, but the StackSet is deployed with CallAs DELEGATED_ADMIN; register it from the management account: aws organizations register-delegated-administrator --service-principal ${STACKSETS_PRINCIPAL} --account-id ${account}`,
          ),
    );
  }
  if (modes.has('SELF') && account !== org.managementAccount)
    out.push(
      finding(
        'org-access',
        'problem',
        account,
        'management account',
        `the StackSet is deployed with CallAs SELF from ${account}, which is not the management account ${org.managementAccount}: deploy from the management account, or set organization.delegatedAdmin: '${account}' (CallAs DELEGATED_ADMIN)`,
      ),
    );
  return out;
}

/** The accounts a group deploys to, from the accounts under its OUs (child OUs included). */
export function groupAccounts(
  g: InstanceGroup,
  underOus: ReadonlyMap<string, readonly OrgAccountInfo[]>,
  managementAccount: string,
): Map<string, string> {
  const fromOus = new Map<string, string>();
  for (const ou of g.ous)
    for (const a of underOus.get(ou) ?? [])
      if (a.status === 'ACTIVE' && !fromOus.has(a.id)) fromOus.set(a.id, ou);
  const picked = selectTargetAccounts({
    hasOus: g.ous.length > 0,
    inOus: [...fromOus.keys()],
    listed: g.accounts,
    ...(g.filter !== undefined ? { filter: g.filter } : {}),
    managementAccount,
  });
  return new Map(picked.map((id) => [id, fromOus.get(id) ?? 'listed']));
}

/** Judges the instances of one StackSet against the accounts × Regions it should cover. */
export function judgeInstances(
  set: PlannedStackSet,
  instances: readonly StackInstanceInfo[] | undefined,
  underOus: ReadonlyMap<string, readonly OrgAccountInfo[]>,
  managementAccount: string,
): Finding[] {
  if (instances === undefined)
    return [
      finding(
        'stackset',
        'problem',
        set.region,
        set.name,
        `StackSet not found (CallAs ${set.callAs}); deploy the ${set.stackName} stack`,
      ),
    ];
  const byPlace = new Map(instances.map((i) => [`${i.account} ${i.region}`, i]));
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const g of set.groups) {
    const accounts = groupAccounts(g, underOus, managementAccount);
    if (accounts.size === 0)
      out.push(
        finding(
          'stackset',
          'skipped',
          set.region,
          set.name,
          `no active account under ${g.ous.join(', ') || 'the listed accounts'} yet (new accounts get an instance automatically)`,
        ),
      );
    for (const [account, ou] of accounts) {
      for (const region of g.regions) {
        const key = `${account} ${region}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const i = byPlace.get(key);
        const subject = `${set.name} ${account}`;
        if (!i) {
          out.push(
            finding(
              'stackset',
              'problem',
              region,
              subject,
              `account ${account} (${ou}) has no stack instance here: auto-deployment did not reach it; check the StackSet operations (aws cloudformation list-stack-set-operations --stack-set-name ${set.name} --call-as ${set.callAs}) or add it (aws cloudformation create-stack-instances --stack-set-name ${set.name} --call-as ${set.callAs} --deployment-targets OrganizationalUnitIds=${ou} --regions ${region})`,
            ),
          );
          continue;
        }
        const detail = [i.detailedStatus, i.reason].filter(Boolean).join(': ');
        if (i.status === 'CURRENT') out.push(finding('stackset', 'ok', region, subject, 'CURRENT'));
        else
          out.push(
            finding(
              'stackset',
              'problem',
              region,
              subject,
              `stack instance is ${i.status}${detail ? ` (${detail})` : ''}; ${
                i.status === 'INOPERABLE'
                  ? 'it was removed from the StackSet with its stack kept: delete that stack in the account, or add the instance again'
                  : 'fix the cause, then update the instance (aws cloudformation update-stack-instances, or deploy the stack again)'
              }`,
            ),
          );
      }
    }
  }
  return out;
}

/** Accounts under each OU (or root), child OUs included, read once per OU. */
async function accountsUnder(
  ctx: DoctorContext,
  roots: readonly string[],
): Promise<Map<string, readonly OrgAccountInfo[]>> {
  const direct = new Map<string, Promise<{ accounts: readonly OrgAccountInfo[]; ous: readonly string[] }>>();
  const read = (id: string) => {
    let p = direct.get(id);
    if (!p) {
      p = Promise.all([ctx.aws.accountsForParent(id), ctx.aws.ousForParent(id)]).then(([accounts, ous]) => ({
        accounts,
        ous,
      }));
      direct.set(id, p);
    }
    return p;
  };
  const all = async (id: string, depth: number): Promise<OrgAccountInfo[]> => {
    const d = await read(id);
    // Organizations nests OUs at most five levels deep.
    const below = depth >= 6 ? [] : await Promise.all(d.ous.map((ou) => all(ou, depth + 1)));
    return [...d.accounts, ...below.flat()];
  };
  const out = new Map<string, readonly OrgAccountInfo[]>();
  for (const root of new Set(roots)) out.set(root, await all(root, 0));
  return out;
}

export const orgAccessCheck: DoctorCheck = {
  id: 'org-access',
  phase: 'before-deploy',
  summary:
    'trusted access for CloudFormation StackSets, and the StackSets delegated administrator when CallAs is DELEGATED_ADMIN (organizations:DescribeOrganization, ListAWSServiceAccessForOrganization, ListDelegatedAdministrators)',
  async run(ctx) {
    const sets = plannedStackSets(ctx.stacks);
    // Not an organization deployment: nothing to say (no line, unlike a missing feature of one).
    if (sets.length === 0) return [];
    const org = await ctx.aws.organization();
    const trusted = await ctx.aws.trustedServices();
    const delegated = sets.some((s) => s.callAs === 'DELEGATED_ADMIN')
      ? await ctx.aws.delegatedAdministrators(STACKSETS_PRINCIPAL)
      : undefined;
    return judgeAccess(ctx.account, sets, org, trusted, delegated);
  },
};

export const stackSetCheck: DoctorCheck = {
  id: 'stackset',
  phase: 'after-deploy',
  summary:
    'every account of the targeted OUs has a CURRENT stack instance in every StackSet Region (cloudformation:ListStackInstances, organizations:ListAccountsForParent, ListOrganizationalUnitsForParent)',
  async run(ctx) {
    const planned = plannedStackSets(ctx.stacks);
    if (planned.length === 0) return [];
    const sets = planned.filter((s) => ctx.deployed.get(s.stackName) !== undefined);
    if (sets.length === 0)
      return [
        finding(
          'stackset',
          'skipped',
          'global',
          'StackSet',
          'its stack is not deployed yet (see the stacks row)',
        ),
      ];
    const org = await ctx.aws.organization();
    const underOus = await accountsUnder(
      ctx,
      sets.flatMap((s) => s.groups.flatMap((g) => g.ous)),
    );
    const results = await mapLimit(sets, 4, async (s) =>
      judgeInstances(
        s,
        await ctx.aws.stackInstances(s.region, s.name, s.callAs),
        underOus,
        org.managementAccount,
      ),
    );
    return results.flat();
  },
};
