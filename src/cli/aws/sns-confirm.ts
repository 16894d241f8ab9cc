/**
 * SNS ConfirmSubscription over AWS SDK v3, always with `AuthenticateOnUnsubscribe=true` and a signed
 * request: only then can the subscription be cancelled by nobody but the topic owner and the
 * subscription owner (https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html).
 * Clicking the link in the email confirms it without authentication instead.
 */
import { ConfirmSubscriptionCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsTarget } from './ports.js';

export interface ConfirmTarget extends AwsTarget {
  readonly region: string;
  /** Endpoint override (tests, VPC endpoints); AWS_ENDPOINT_URL_SNS works too. */
  readonly endpoint?: string;
}

export async function confirmSubscription(
  t: ConfirmTarget,
  topicArn: string,
  token: string,
): Promise<string> {
  const client = new SNSClient({
    region: t.region,
    ...(t.profile ? { profile: t.profile } : {}),
    ...(t.endpoint ? { endpoint: t.endpoint } : {}),
  });
  try {
    const r = await client.send(
      new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token, AuthenticateOnUnsubscribe: 'true' }),
    );
    if (!r.SubscriptionArn) throw new Error('SNS ConfirmSubscription returned no SubscriptionArn');
    return r.SubscriptionArn;
  } finally {
    client.destroy();
  }
}
