/**
 * After deploy: every email subscription of our topics is confirmed, and was confirmed with
 * authentication (SNS ListSubscriptionsByTopic + GetSubscriptionAttributes `PendingConfirmation`,
 * `ConfirmationWasAuthenticated`). A subscription confirmed by clicking the email's link can be
 * unsubscribed by anyone who knows its ARN; one confirmed with `AuthenticateOnUnsubscribe=true`
 * (`breakglass confirm-subscription`) only by a signed request
 * (https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html).
 */
import type { SubscriptionInfo } from '../aws/doctor-ports.js';
import { expectedValue, physicalSubstitutions } from './compare.js';
import { purposeOf } from './inventory.js';
import { finding, mapLimit, type DoctorCheck, type Finding } from './model.js';

const EMAIL = new Set(['email', 'email-json']);

export interface ExpectedEmails {
  readonly region: string;
  readonly topicArn: string;
  readonly endpoints: readonly string[];
  /** The topic's `breakglass:purpose` tag (e.g. `alert-topic`, `tamper-topic`), shown instead of its name. */
  readonly purpose?: string;
}

export function judgeSubscriptions(e: ExpectedEmails, found: readonly SubscriptionInfo[]): Finding[] {
  const out: Finding[] = [];
  const emails = found.filter((s) => EMAIL.has(s.protocol));
  const seen = new Set<SubscriptionInfo>();
  const topic = e.purpose ?? e.topicArn.split(':').pop() ?? e.topicArn;
  const judge = (endpoint: string, s: SubscriptionInfo | undefined): Finding => {
    const subject = `${endpoint} → ${topic}`;
    if (!s)
      return finding(
        'subscriptions',
        'problem',
        e.region,
        subject,
        'no such subscription (unsubscribed?); deploy the stack again, then confirm with breakglass confirm-subscription',
      );
    if (s.pending)
      return finding(
        'subscriptions',
        'problem',
        e.region,
        subject,
        'pending confirmation: alerts are not delivered; confirm with breakglass confirm-subscription <link from the email> (do not click the link)',
      );
    if (!s.authenticated)
      return finding(
        'subscriptions',
        'problem',
        e.region,
        subject,
        'confirmed without authentication: anyone with the subscription ARN can unsubscribe it; unsubscribe, subscribe again and confirm with breakglass confirm-subscription',
      );
    return finding('subscriptions', 'ok', e.region, subject, 'confirmed, authenticated unsubscribe');
  };
  for (const endpoint of e.endpoints) {
    const s = emails.find((x) => !seen.has(x) && x.endpoint.toLowerCase() === endpoint.toLowerCase());
    if (s) seen.add(s);
    out.push(judge(endpoint, s));
  }
  for (const s of emails) if (!seen.has(s)) out.push(judge(s.endpoint, s));
  return out;
}

export const subscriptionsCheck: DoctorCheck = {
  id: 'subscriptions',
  phase: 'after-deploy',
  summary:
    'email subscriptions confirmed and authenticated (sns:ListSubscriptionsByTopic, GetSubscriptionAttributes)',
  async run(ctx) {
    const expected = new Map<
      string,
      { region: string; topicArn: string; endpoints: string[]; purpose?: string }
    >();
    for (const s of ctx.stacks) {
      const d = ctx.deployed.get(s.stackName);
      if (!d) continue;
      const subs = physicalSubstitutions(s.resources, d.resources);
      const purposes = new Map<unknown, string>();
      for (const r of s.resources) {
        const p = r.type === 'AWS::SNS::Topic' ? purposeOf(r) : undefined;
        if (p) purposes.set(expectedValue(r.ref, subs), p);
      }
      for (const r of s.resources) {
        if (r.type !== 'AWS::SNS::Subscription' || !EMAIL.has(String(r.properties['Protocol']))) continue;
        const arn = expectedValue(r.properties['TopicArn'], subs);
        const endpoint = r.properties['Endpoint'];
        if (typeof arn !== 'string' || typeof endpoint !== 'string') continue;
        const region = arn.split(':')[3] || s.region;
        const purpose = purposes.get(arn);
        const e = expected.get(arn) ?? {
          region,
          topicArn: arn,
          endpoints: [],
          ...(purpose ? { purpose } : {}),
        };
        e.endpoints.push(endpoint);
        expected.set(arn, e);
      }
    }
    if (expected.size === 0)
      return [
        finding(
          'subscriptions',
          'skipped',
          'global',
          'email subscriptions',
          'no deployed email subscription: not in this deployment',
        ),
      ];
    const per = await mapLimit([...expected.values()], 4, async (e) =>
      judgeSubscriptions(e, await ctx.aws.subscriptions(e.region, e.topicArn)),
    );
    return per.flat();
  },
};
