export type {
  InstancesGroup,
  OrgAccount,
  OrgMap,
  OrganizationPlan,
  SsoAssignment,
  StackInstance,
  StackSetPlan,
  StackSetSpec,
  TemplatePlan,
} from './types.js';
export {
  ORGANIZATION_EXPORT_HELP,
  orgMapFromConfig,
  parseOrganizationExport,
  readOrganizationExport,
} from './org-map.js';
export { groupAccounts, instancesOf, readStackSets } from './stacksets.js';
export { expandOrganization, instanceStackName, type ExpandOptions } from './expand.js';
export { ADDED_LATER, ORGANIZATION_CHECKS, ORGANIZATION_FAMILY } from './checks.js';
export {
  ORGANIZATION_LEGEND,
  organizationSummaryLine,
  organizationView,
  renderOrganization,
  type AccountRole,
  type AccountRow,
  type OrganizationView,
  type OrgCell,
} from './view.js';
