export {
  type CloudTrailRecord,
  type UserIdentity,
  type EventBridgeEvent,
  isCloudTrailRecord,
  isEventBridgeEvent,
  detailTypeOf,
  sourceOf,
  accountOf,
  needsAllManagementEvents,
  toEventBridgeEvent,
  recordOf,
} from './record.js';
