export { SimulatorInputError } from './errors.js';
export { loadCloudAssembly, loadTemplateFile, parseEnvironment, type StackInput } from './assembly.js';
export {
  buildModel,
  defaultBusArn,
  targetKindOf,
  type SystemModel,
  type BusModel,
  type RuleModel,
  type TargetModel,
  type RoleModel,
  type UserModel,
  type RuleState,
  type TargetKind,
} from './model.js';
export {
  replayEvent,
  isAlert,
  isLog,
  NOTIFICATION_KINDS,
  type Delivery,
  type Miss,
  type ReplayResult,
} from './replay.js';
export {
  verifyModel,
  WAYS_IN,
  type WayIn,
  type Actor,
  type ScenarioResult,
  type VerifyOptions,
  type VerifyResult,
} from './verify.js';
export {
  buildMatrix,
  buildMatrices,
  renderMatrix,
  cellOf,
  CELL_SYMBOL,
  LEGEND,
  type Cell,
  type Matrix,
} from './matrix.js';
export {
  CHECK_FAMILIES,
  checkSummaryLines,
  describeCheckGap,
  runChecks,
  summarizeChecks,
  type CheckContext,
  type CheckFamily,
  type CheckResult,
  type CheckSummary,
} from './checks.js';
export { readEventsFile, type InputEvent, type SkippedInput } from './events-input.js';
export { simulateEvents, targetRoleOf, trustRequestOf, type SimulatedEvent } from './simulate.js';
export { personsOf, strangerFor, type Person } from './persons.js';
export {
  validateTemplates,
  startCfnValidation,
  validatorVersion,
  validatorModulePath,
  CfnValidatorUnavailableError,
  type CfnFinding,
  type TemplateToValidate,
  type PendingCfnValidation,
} from './cfn-validate.js';
