// Pure builders for break-glass access (assume, revoke, approval, time box, runbook). Re-exports by name only.
export { AccessInputError } from './errors.js';
export {
  parseDuration,
  parseSessionDuration,
  formatDuration,
  parseTime,
  isoSeconds,
  MIN_SESSION_SECONDS,
  MAX_SESSION_SECONDS,
  CHAINED_SESSION_SECONDS,
} from './duration.js';
export { personOf, sourceIdentityOf, samePerson, type CallerIdentity, type Person } from './person.js';
export { asPolicyDocument, type PolicyDocument, type Statement, type ConditionBlock } from './policy.js';
export {
  REVOKE_POLICY_NAME,
  revokePolicyDocument,
  revokeTimeOf,
  laterRevokeTime,
  revokes,
  identityCenterRevokeDocument,
} from './revoke.js';
export {
  APPROVAL_SID_PREFIX,
  REQUEST_TAG_PREFIX,
  checkRequestId,
  requestTags,
  requestsFromTags,
  approvalStatement,
  approvalEnd,
  withApproval,
  withoutApproval,
  withoutExpiredApprovals,
  regionLockOf,
  type AccessRequest,
  type ApprovalSpec,
} from './approval.js';
export {
  UNIVERSAL_TARGET_UNSUPPORTED_PREFIXES,
  universalTargetArn,
  antiChainingStatement,
  autoRevokeSchedule,
  approvalCleanupSchedule,
  type ScheduledCall,
} from './timebox.js';
export { runbookMarkdown, type RunbookInput } from './runbook.js';
export { parseTrailDate, sessionOfRecord, sessionsOf, type AccessSession } from './sessions.js';
