// Public constructs. Re-exports by name only; `private/` is never exported.
export { BreakGlassValidationError } from './errors.js';
export type { BreakGlassAlertingOptions, SlackAlertOptions, WebhookAlertOptions } from './alerting-props.js';
export { BreakGlassRole, type BreakGlassRoleProps, type TrustedAccountUsers } from './break-glass-role.js';
export { BreakGlassUser, type BreakGlassUserProps } from './break-glass-user.js';
export {
  BreakGlassDeployer,
  type BreakGlassDeployerProps,
  type DeployerKind,
  type DeploymentAccessAlerts,
  DEFAULT_BOOTSTRAP_QUALIFIER,
} from './deployer.js';
export {
  BreakGlassScpGuard,
  type BreakGlassScpGuardProps,
  SCP_GUARD_TAG,
  SCP_SIZE_QUOTA,
} from './scp-guard.js';
export { BreakGlassMonitoring, type BreakGlassMonitoringProps } from './monitoring.js';
export { BreakGlassDoctorPolicy, type BreakGlassDoctorPolicyProps } from './doctor-policy.js';
export { addOrgTrail, BreakGlassOrgTrail, type BreakGlassOrgTrailProps } from './org-trail.js';
export {
  addOrgDeployerPolicyStack,
  BreakGlassOrgDeployerPolicy,
  orgDeployerStatements,
  type BreakGlassOrgDeployerPolicyProps,
  type OrgDeployerPolicyStackProps,
  type OrgDeployerStatement,
} from './org-deployer-policy.js';
// --- organization (StackSet of the member role, central rules in the security account) ---
export {
  BreakGlassOrganization,
  type BreakGlassOrganizationProps,
  BreakGlassOrganizationCentral,
  type BreakGlassOrganizationCentralProps,
  type BreakGlassOrganizationBuses,
} from './organization.js';
export { BreakGlassPermissionSet, type BreakGlassPermissionSetProps } from './permission-set.js';
// --- alerting (login alerts, action logging, channels, regional forwarding) ---
export { BreakGlassLoginAlert, type BreakGlassLoginAlertProps } from './login-alert.js';
export { BreakGlassLogActions, type BreakGlassLogActionsProps } from './log-actions.js';
export { BreakGlassAlertChannels, type BreakGlassAlertChannelsProps } from './channels.js';
export { BreakGlassTamperAlerts, type BreakGlassTamperAlertsProps } from './tamper.js';
export { BreakGlassDrill, type BreakGlassDrillProps, type BreakGlassDrillOptions } from './drill.js';
export { BreakGlassRegionalStack, type BreakGlassRegionalStackProps } from './regional-stack.js';
export { ALERT_PLACEHOLDERS, type AlertPlaceholder } from './alerting-props.js';
// --- time box (anti role chaining, automatic end of a window) ---
export { BreakGlassTimeBox, type BreakGlassTimeBoxProps } from './time-box.js';
