export { alarmProblems, alarmStateChangeEvent } from './alarms.js';
export { hopProblems } from './problems.js';
export { ADVERSARIAL_VALUES, checkBody } from './body.js';
export { describeFailure, type HopFailure, type HopName } from './hop.js';
export { targetVerdict, type TargetVerdict } from './targets.js';
export { collectDeliveryResources, type DeliveryResources } from './resources.js';
