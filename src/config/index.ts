// Config file → CDK app. Re-exports by name only.
export { ConfigError, type ConfigIssue } from './errors.js';
export { loadConfigFile, parseConfig } from './parse.js';
export { buildApp, synthesizeConfig, DEFAULT_STACK_NAME, type BuildOptions } from './build.js';
export { configJsonSchema } from './json-schema.js';
export {
  configSchema,
  roleSchema,
  usersSchema,
  type BreakGlassConfig,
  type RoleConfig,
  type UsersConfig,
} from './schema.js';
export { alertingSchema, toAlertingOptions, type AlertingConfig } from './alerting-schema.js';
