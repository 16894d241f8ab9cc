import { resolve } from 'node:path';
import { loadConfigFile } from '../config/index.js';
import type { StackInput } from '../simulator/index.js';
import {
  expandOrganization,
  orgMapFromConfig,
  readOrganizationExport,
  type ExpandOptions,
  type OrgMap,
  type OrganizationPlan,
} from '../simulator/organization/index.js';
import { CliUsageError } from './errors.js';
import type { ExpandStacks } from './system.js';

/**
 * The `loadSystem` hook that expands StackSets into member stacks (verify/simulate across an
 * organization), and the plan it made. The org map is the config's `organization` section, or
 * `--organization FILE` (an Organizations export) with `--app` / `--template`.
 */
export function organizationExpander(
  organizationFile: string | undefined,
  cwd: string,
  options: ExpandOptions = {},
): { expand: ExpandStacks; plan: () => OrganizationPlan | undefined } {
  let plan: OrganizationPlan | undefined;
  const expand: ExpandStacks = (stacks: StackInput[], from) => {
    let org: OrgMap | undefined;
    if (from.config !== undefined) {
      if (organizationFile !== undefined)
        throw new CliUsageError(
          "--organization: only with --app or --template; with --config the organization's accounts come from organization.accounts",
        );
      org = orgMapFromConfig(loadConfigFile(from.config), from.config);
    } else if (organizationFile !== undefined) {
      org = readOrganizationExport(resolve(cwd, organizationFile));
    }
    const expanded = expandOrganization(stacks, org, options);
    if (expanded.plan.stackSets.length === 0 && expanded.plan.warnings.length === 0 && !org) return stacks;
    plan = expanded.plan;
    return expanded.stacks;
  };
  return { expand, plan: () => plan };
}
