/** The access ports backed by AWS SDK v3 clients (and the real federation endpoint). */
import { makeCloudTrailClient, sdkCloudTrailPort } from './cloudtrail.js';
import { federationPort } from './federation.js';
import { makeIamClient, sdkIamPort } from './iam.js';
import type { AccessPorts } from './ports.js';
import { makeSchedulerClient, sdkSchedulerPort } from './scheduler.js';
import { makeStsClient, sdkStsPort } from './sts.js';

export function sdkAccessPorts(federationBaseUrl?: string): AccessPorts {
  return {
    sts: (t) => sdkStsPort(makeStsClient(t)),
    iam: (t) => sdkIamPort(makeIamClient(t)),
    cloudTrail: (t) => sdkCloudTrailPort(makeCloudTrailClient(t)),
    scheduler: (t) => sdkSchedulerPort(makeSchedulerClient(t)),
    federation: () => federationPort(federationBaseUrl),
  };
}
