import type { StackInput } from '../assembly.js';
import { instancesOf, readStackSets } from './stacksets.js';
import type { OrgAccount, OrgMap, OrganizationPlan, StackSetPlan, TemplatePlan } from './types.js';

export interface ExpandOptions {
  /**
   * Also model every instance of these accounts (simulate: the accounts its records come from). By
   * default only each distinct template's representative is modelled; the other accounts are checked by
   * the organization checks, not replayed.
   */
  readonly modelAccounts?: ReadonlySet<string>;
}

/** The stack name a modelled instance gets (CloudFormation's own is `StackSet-<name>-<uuid>`). */
export const instanceStackName = (stackSet: string, account: string, region: string): string =>
  `StackSet-${stackSet}-${account}-${region}`;

/**
 * Expands the StackSets of the loaded stacks into member stacks. Member stacks are instances of one
 * template, so for each distinct template only one account — the representative — is modelled (in each
 * Region it has an instance): `verify` replays every way in there once, and checks every other account's
 * wiring (coverage, bus policy, central rules) with the organization checks, without resolving the
 * template again. Every stack of an account in the organization carries its `organizationId`, which
 * `aws:PrincipalOrgID` evaluates to when the account forwards events to another account's bus.
 */
export function expandOrganization(
  stacks: readonly StackInput[],
  org: OrgMap | undefined,
  options: ExpandOptions = {},
): { stacks: StackInput[]; plan: OrganizationPlan } {
  const read = readStackSets(stacks);
  const warnings = [...read.warnings];
  const texts: string[] = [];
  const plans: StackSetPlan[] = [];
  for (const spec of read.stackSets) {
    const instances = instancesOf(spec, org);
    if (instances.length === 0) {
      const ous = spec.groups.flatMap((g) => g.organizationalUnitIds);
      warnings.push(
        `StackSet ${spec.name} (stack ${spec.stackName}): its targets (${[...ous, ...spec.groups.flatMap((g) => g.accounts)].join(', ') || 'none'}) resolve to no known account, so no member account is verified; ${org ? `list the accounts of ${ous.join(', ') || 'its targets'} in ${org.source}` : 'pass the organization (--config with organization.accounts, or --organization FILE with --app)'}`,
      );
    }
    let template = texts.indexOf(spec.templateText);
    if (template < 0) template = texts.push(spec.templateText) - 1;
    plans.push({ spec, instances, template });
  }

  if (org && read.stackSets.length === 0)
    warnings.push(
      `organization ${org.id} (${org.source}): the templates hold no AWS::CloudFormation::StackSet, so no member account is verified`,
    );
  const hosting = new Set(stacks.map((s) => s.account));
  const members: StackInput[] = [];
  const templates: TemplatePlan[] = texts.map((text, t) => {
    const mine = plans.filter((p) => p.template === t);
    const all = mine.flatMap((p) => p.instances);
    const regions = [...new Set(all.map((i) => i.region))].sort();
    // The representative: an account with nothing else deployed (not the security or management
    // account, whose own stacks would mix in), with instances in the most Regions, lowest id first.
    const count = new Map<string, number>();
    for (const i of all) count.set(i.account, (count.get(i.account) ?? 0) + 1);
    const representative =
      [...count.entries()].sort(
        (a, b) =>
          Number(hosting.has(a[0])) - Number(hosting.has(b[0])) || b[1] - a[1] || a[0].localeCompare(b[0]),
      )[0]?.[0] ?? '';
    const stackNames: string[] = [];
    const modelled = new Set<string>();
    for (const p of mine) {
      for (const i of p.instances) {
        const wanted = i.account === representative || options.modelAccounts?.has(i.account) === true;
        const key = `${i.account}/${i.region}`;
        if (!wanted || modelled.has(key)) continue;
        modelled.add(key);
        const stackName = instanceStackName(p.spec.name, i.account, i.region);
        if (i.account === representative) stackNames.push(stackName);
        members.push({
          stackName,
          account: i.account,
          region: i.region,
          template: p.spec.template,
          dependencies: [],
          source: `StackSet ${p.spec.name} of stack ${p.spec.stackName} (instance in ${i.account} ${i.region})`,
        });
      }
    }
    return { text, representative, regions, stackNames };
  });

  const accounts = new Map<string, OrgAccount>();
  for (const a of org?.accounts ?? []) accounts.set(a.id, a);
  for (const p of plans)
    for (const i of p.instances) if (!accounts.has(i.account)) accounts.set(i.account, { id: i.account });
  const inOrg = new Set(accounts.keys());
  const annotate = (s: StackInput): StackInput =>
    org && inOrg.has(s.account) ? { ...s, organizationId: org.id } : s;
  return {
    stacks: [...stacks, ...members].map(annotate),
    plan: {
      ...(org ? { org } : {}),
      stackSets: plans,
      templates,
      assignments: read.assignments,
      accounts: [...accounts.values()].sort((a, b) => a.id.localeCompare(b.id)),
      warnings,
    },
  };
}
