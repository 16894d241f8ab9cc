/**
 * Regions of the `aws` partition.
 *
 * Source: "AWS Regions" (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html)
 * and "Enable or disable AWS Regions in your account"
 * (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html):
 * Regions launched before 2019-03-20 are enabled by default and cannot be disabled; later ones are
 * opt-in. A stranger can only use a Region that is enabled, but an opt-in Region can be enabled
 * at any time, so "every region" means every Region a user *can* enable.
 *
 * Kept in code on purpose (no network at synth or verify time). Override with explicit `regions`.
 */
export const DEFAULT_ENABLED_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'sa-east-1',
];

export const OPT_IN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
];

/** Every Region of the `aws` partition a user can enable (default-enabled first). */
export const ALL_REGIONS: readonly string[] = [...DEFAULT_ENABLED_REGIONS, ...OPT_IN_REGIONS];

/**
 * IAM, STS-global-era and Organizations events are "global service events": CloudTrail delivers
 * them to EventBridge in us-east-1 only.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
 */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** True when `r` has the shape of a Region code (`eu-west-1`, `us-gov-east-1`). */
export function isRegionCode(r: string): boolean {
  return REGION_RE.test(r);
}

/**
 * True when `r` is a Region this package knows (`ALL_REGIONS`): the check every Region input uses (the
 * config's `region` and `regions`, verify's `--regions` and `--region`), so a typo such as `eu-west-9`
 * is bad input rather than a Region nobody watches.
 */
export function isKnownRegion(r: string): boolean {
  return ALL_REGIONS.includes(r);
}

/** The message for a Region that is not known: `unknown Region '<r>'; use …`. */
export function unknownRegionMessage(r: string): string {
  return `unknown Region '${r}'; use a Region code of the aws partition such as 'eu-west-1'`;
}

/** Expands `['*']` to every region; keeps order, drops duplicates. */
export function expandRegions(regions: readonly string[], all: readonly string[] = ALL_REGIONS): string[] {
  const out: string[] = [];
  for (const r of regions) {
    for (const x of r === '*' ? all : [r]) if (!out.includes(x)) out.push(x);
  }
  return out;
}
