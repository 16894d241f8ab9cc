/**
 * CloudTrail port over AWS SDK v3: LookupEvents by resource name, one Region at a time (LookupEvents
 * only sees the Region it is called in, the last 90 days of management events, and accepts a single
 * lookup attribute: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { AwsTarget, CloudTrailPort } from './ports.js';

export function makeCloudTrailClient(t: AwsTarget & { region: string }): CloudTrailClient {
  return new CloudTrailClient({ region: t.region, ...(t.profile ? { profile: t.profile } : {}) });
}

export function sdkCloudTrailPort(client: CloudTrailClient): CloudTrailPort {
  return {
    async *eventsForResource(resourceName, start, end) {
      let token: string | undefined;
      do {
        const page = await client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: resourceName }],
            StartTime: start,
            EndTime: end,
            NextToken: token,
          }),
        );
        for (const e of page.Events ?? []) {
          if (!e.CloudTrailEvent) continue;
          try {
            yield JSON.parse(e.CloudTrailEvent) as unknown;
          } catch {
            // A record CloudTrail could not serialise is skipped; LookupEvents returns JSON otherwise.
          }
        }
        token = page.NextToken;
      } while (token);
    },
  };
}
