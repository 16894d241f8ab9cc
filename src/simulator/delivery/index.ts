export { alarmProblems, alarmStateChangeEvent } from './alarms.js';
export { hopProblems } from './problems.js';
export { ADVERSARIAL_VALUES, checkBody } from './body.js';
export { describeFailure, targetVerdict, type HopFailure, type HopName, type TargetVerdict } from './hops.js';
export { collectDeliveryResources, type DeliveryResources } from './resources.js';
