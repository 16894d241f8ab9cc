import { isUnresolved, resolveStacks } from '../../engines/cfn/index.js';
import { selectTargetAccounts } from '../../engines/stackset-targets.js';
import type { StackInput } from '../assembly.js';
import { isObject, str } from '../json.js';
import type { InstancesGroup, OrgMap, SsoAssignment, StackInstance, StackSetSpec } from './types.js';

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

const resourcesOf = (s: StackInput): Record<string, unknown> =>
  isObject(s.template) && isObject(s.template['Resources']) ? s.template['Resources'] : {};

const hasType = (s: StackInput, types: readonly string[]): boolean =>
  Object.values(resourcesOf(s)).some((r) => isObject(r) && types.includes(String(r['Type'])));

const STACK_SET = 'AWS::CloudFormation::StackSet';
const ASSIGNMENT = 'AWS::SSO::Assignment';

/** The `TemplateBody` as text: a JSON string (or an object some tools write), else undefined. */
function templateTextOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (isObject(body)) return JSON.stringify(body);
  return undefined;
}

/**
 * Every `AWS::CloudFormation::StackSet` and `AWS::SSO::Assignment` of the stacks, with their properties
 * resolved (only the stacks that hold one are resolved here). A StackSet whose `TemplateBody` cannot be
 * read (a `TemplateURL`, an unresolved value, text that is not JSON) is a warning, not a member.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stackset.html
 */
export function readStackSets(stacks: readonly StackInput[]): {
  stackSets: StackSetSpec[];
  assignments: SsoAssignment[];
  warnings: string[];
} {
  const holding = stacks.filter((s) => hasType(s, [STACK_SET, ASSIGNMENT]));
  const resolved = resolveStacks(
    holding.map((s) => ({
      template: s.template,
      context: { stackName: s.stackName, account: s.account, region: s.region },
    })),
  );
  const stackSets: StackSetSpec[] = [];
  const assignments: SsoAssignment[] = [];
  const warnings: string[] = [];
  holding.forEach((stack, i) => {
    for (const r of resolved[i]?.resources.values() ?? []) {
      const p = r.properties;
      const where = `stack ${stack.stackName}: ${r.type} ${r.logicalId}`;
      if (r.type === ASSIGNMENT) {
        const account = str(p['TargetId']);
        if (!account || str(p['TargetType']) !== 'AWS_ACCOUNT') {
          warnings.push(`${where}: TargetId is not a plain account id; its account cannot be checked`);
          continue;
        }
        const ps = str(p['PermissionSetArn']);
        assignments.push({
          stackName: stack.stackName,
          logicalId: r.logicalId,
          account,
          ...(ps ? { permissionSetArn: ps } : {}),
        });
        continue;
      }
      if (r.type !== STACK_SET) continue;
      const text = templateTextOf(p['TemplateBody']);
      let template: unknown;
      try {
        template = text === undefined || isUnresolved(p['TemplateBody']) ? undefined : JSON.parse(text);
      } catch {
        template = undefined;
      }
      if (text === undefined || !isObject(template) || !isObject(template['Resources'])) {
        warnings.push(
          `${where}: its member template cannot be read offline (${p['TemplateURL'] !== undefined ? 'TemplateURL' : 'TemplateBody is not a JSON template'}); its stack instances are not modelled`,
        );
        continue;
      }
      if (Array.isArray(p['Parameters']) && p['Parameters'].length > 0)
        warnings.push(
          `${where}: its Parameters are not applied to the member template offline; the template's defaults are used`,
        );
      const groups: InstancesGroup[] = [];
      for (const g of Array.isArray(p['StackInstancesGroup']) ? p['StackInstancesGroup'] : []) {
        if (!isObject(g)) continue;
        const t = isObject(g['DeploymentTargets']) ? g['DeploymentTargets'] : {};
        if (t['AccountsUrl'] !== undefined)
          warnings.push(
            `${where}: DeploymentTargets.AccountsUrl (an account list in S3) cannot be read offline; list the accounts in Accounts instead`,
          );
        const filter = str(t['AccountFilterType']);
        groups.push({
          organizationalUnitIds: strings(t['OrganizationalUnitIds']),
          accounts: strings(t['Accounts']),
          ...(filter ? { accountFilterType: filter } : {}),
          regions: strings(g['Regions']),
        });
      }
      const auto = isObject(p['AutoDeployment']) ? p['AutoDeployment'] : {};
      stackSets.push({
        stackName: stack.stackName,
        logicalId: r.logicalId,
        name: str(p['StackSetName']) ?? r.logicalId,
        permissionModel: p['PermissionModel'] === 'SERVICE_MANAGED' ? 'SERVICE_MANAGED' : 'SELF_MANAGED',
        autoDeployment: auto['Enabled'] === true,
        template,
        templateText: text,
        groups,
      });
    }
  });
  return { stackSets, assignments, warnings };
}

/** Is `account` in one of `ous`? The root (`r-…`) holds every account. Nested OUs: only the direct parent is known. */
const inOus = (account: { ou?: string }, ous: readonly string[]): boolean =>
  ous.some((ou) => ou.startsWith('r-') || ou === account.ou);

/** The accounts one instances group deploys to (known accounts only): see `selectTargetAccounts`. */
export function groupAccounts(
  group: InstancesGroup,
  permissionModel: StackSetSpec['permissionModel'],
  org: OrgMap | undefined,
): string[] {
  const ous = group.organizationalUnitIds;
  return selectTargetAccounts({
    hasOus: ous.length > 0,
    inOus: (org?.accounts ?? []).filter((a) => inOus(a, ous)).map((a) => a.id),
    listed: group.accounts,
    ...(group.accountFilterType !== undefined ? { filter: group.accountFilterType } : {}),
    ...(permissionModel === 'SERVICE_MANAGED' && org?.managementAccount !== undefined
      ? { managementAccount: org.managementAccount }
      : {}),
  });
}

/** Every stack instance of a StackSet (account × Region), deduplicated, in account then Region order. */
export function instancesOf(spec: StackSetSpec, org: OrgMap | undefined): StackInstance[] {
  const seen = new Set<string>();
  const out: StackInstance[] = [];
  for (const g of spec.groups) {
    for (const account of groupAccounts(g, spec.permissionModel, org)) {
      for (const region of g.regions) {
        const key = `${account}/${region}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ account, region });
      }
    }
  }
  return out.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}
