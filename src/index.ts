// Public API of the `breakglass` package. Re-exports by name only; one section per area, each edited
// only by whoever owns that area.

// --- engines: shared ---
export { BreakGlassError } from './engines/errors.js';
export {
  ALL_REGIONS,
  DEFAULT_ENABLED_REGIONS,
  OPT_IN_REGIONS,
  GLOBAL_EVENTS_REGION,
  expandRegions,
  isRegionCode,
} from './engines/regions.js';
export { TAG_BREAKGLASS_ROLE, TAG_BREAKGLASS_USER, REASON_TAG_KEYS } from './engines/conventions.js';
export {
  type CloudTrailRecord,
  type EventBridgeEvent,
  isCloudTrailRecord,
  toEventBridgeEvent,
} from './engines/cloudtrail/index.js';

// --- engines: event-pattern / input-transformer ---
export {
  PatternError,
  type CompiledPattern,
  compilePattern,
  matchesPattern,
  validatePattern,
  type CompiledRuleSet,
  compileRuleSet,
} from './engines/event-pattern/index.js';
export {
  InputTransformerError,
  type InputTransformer,
  type RuleContext,
  renderInput,
  renderInputPath,
  renderTargetInput,
  validateInputTransformer,
} from './engines/input-transformer/index.js';

// --- engines: iam-policy / cfn ---
export {
  PolicyError,
  type ContextValue,
  type Decision,
  type PolicyDocument,
  type AssumeRoleRequest,
  type TrustEvaluation,
  type PolicyRequest,
  evaluateTrustPolicy,
  evaluatePolicyStatements,
  parsePolicyDocument,
  trustRequestContext,
} from './engines/iam-policy/index.js';
export {
  TemplateError,
  Unresolved,
  isUnresolved,
  type StackContext,
  type ResolvedResource,
  type ResolvedTemplate,
  resolveTemplate,
  resolveStacks,
  deterministicPhysicalName,
} from './engines/cfn/index.js';

// --- constructs ---
export { BreakGlassValidationError } from './constructs/errors.js';
export type {
  BreakGlassAlertingOptions,
  SlackAlertOptions,
  WebhookAlertOptions,
} from './constructs/alerting-props.js';
export {
  BreakGlassMonitoring,
  type BreakGlassMonitoringProps,
  BreakGlassLoginAlert,
  type BreakGlassLoginAlertProps,
  BreakGlassLogActions,
  type BreakGlassLogActionsProps,
  BreakGlassAlertChannels,
  type BreakGlassAlertChannelsProps,
  BreakGlassDrill,
  type BreakGlassDrillProps,
  type BreakGlassDrillOptions,
  BreakGlassRegionalStack,
  type BreakGlassRegionalStackProps,
  ALERT_PLACEHOLDERS,
  type AlertPlaceholder,
} from './constructs/index.js';
export {
  BreakGlassRole,
  type BreakGlassRoleProps,
  type TrustedAccountUsers,
  BreakGlassUser,
  type BreakGlassUserProps,
  BreakGlassDeployer,
  type BreakGlassDeployerProps,
  type DeployerKind,
  type DeploymentAccessAlerts,
  DEFAULT_BOOTSTRAP_QUALIFIER,
  BreakGlassScpGuard,
  type BreakGlassScpGuardProps,
  SCP_GUARD_TAG,
  SCP_SIZE_QUOTA,
} from './constructs/index.js';
export {
  BreakGlassOrganization,
  type BreakGlassOrganizationProps,
  BreakGlassOrganizationCentral,
  type BreakGlassOrganizationCentralProps,
  type BreakGlassOrganizationBuses,
} from './constructs/index.js';
export { BreakGlassPermissionSet, type BreakGlassPermissionSetProps } from './constructs/index.js';

// --- config ---
// The config-file API (loadConfigFile, parseConfig, buildApp, synthesizeConfig, configJsonSchema,
// ConfigError) is `breakglass/config`: its types come from zod, and a CDK app using only the constructs
// should not need to type-check zod's declarations.

// --- simulator ---

// --- report ---
// The report itself (trail ingestion, DuckDB store, renderers) is `breakglass/report` (ESM only): it needs
// the optional report dependencies, which a CDK app using only the constructs does not install.
export {
  type Session,
  type SessionAction,
  type SessionPrincipals,
  type AccessLevel,
  buildSessions,
  iamActionOf,
} from './engines/cloudtrail/index.js';
