import { Token } from 'aws-cdk-lib';
import { ALL_REGIONS, GLOBAL_EVENTS_REGION, expandRegions } from '../../engines/regions.js';

/**
 * The Regions a break-glass principal is watched in, and the only ones its role can be assumed in:
 * the main Region (central bus, alert rules), us-east-1 (global service events and the global STS
 * endpoint, whose requests carry `aws:RequestedRegion` us-east-1) and the configured ones, expanded
 * and deduplicated. The role's Region lock and the alerting use this one list, so nobody is locked
 * out of a Region that is watched and no Region is allowed that is not.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion
 */
export function watchedRegions(mainRegion: string, regions: readonly string[]): string[] {
  const main = Token.isUnresolved(mainRegion) ? [] : [mainRegion];
  return expandRegions([...main, GLOBAL_EVENTS_REGION, ...regions], ALL_REGIONS);
}
