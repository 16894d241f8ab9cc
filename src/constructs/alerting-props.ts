import type * as events from 'aws-cdk-lib/aws-events';
import type { BreakGlassDrillOptions } from './drill-options.js';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Alerting and action-logging options shared by `BreakGlassRole`, `BreakGlassUser`,
 * `BreakGlassLoginAlert` and `BreakGlassLogActions`. Prop names follow the awslabs construct
 * (`aws-break-glass-role`) where it had one.
 */
export interface BreakGlassAlertingOptions {
  /**
   * Email addresses subscribed to the alert topic (SNS, encrypted with a customer-managed KMS key).
   * Recipients must confirm the subscription.
   * @default - no email subscriptions (the topic still exists; see `alertTopic` to subscribe)
   */
  readonly loginAlertEmails?: string[];

  /**
   * Custom alert text with `<placeholder>` fields (see the README for the list: `username`,
   * `principal`, `account`, `eventTime`, `region`, `eventId`, `requestId`, `ip`, `userAgent`,
   * `result`, `roleArn`, `sessionName`, `sourceIdentity`, `mfa`, `errorCode`, `eventName`).
   * An unknown placeholder is a validation error.
   * @default - a built-in summary naming who, how, where, when and the result
   */
  readonly message?: string;

  /**
   * Also write every way-in event to a CloudWatch log group in the main region.
   * @default false
   */
  readonly createLoginLogGroup?: boolean;

  /**
   * Log every API call made with a break-glass session to a central log group:
   * `true` = all, `'read'` = read-only calls, `'write'` = mutating calls, `false` = none.
   * @default true
   */
  readonly logActions?: boolean | 'read' | 'write';

  /**
   * Only log actions of these service prefixes (`iam`, `kms`, `s3`, …).
   * @default - every service
   */
  readonly logServices?: string[];

  /**
   * Retention of every log group the constructs create.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * Regions where ways in are watched. `['*']` = every Region of the partition a user can enable.
   * Each Region other than the stack's own gets its own stack (own `env`) forwarding to the central
   * bus in the main Region. The role's trust policy only allows `sts:AssumeRole` in these Regions.
   * @default ['*']
   */
  readonly regions?: string[];

  /**
   * Central event bus in the main Region that receives forwarded events and holds the alert and
   * log rules.
   * @default - a new bus
   */
  readonly eventBus?: events.IEventBus;

  /**
   * Slack alerts without a Lambda: EventBridge Connection (token read from Secrets Manager at deploy
   * time, never in the template) + API destination + input transformer (Block Kit).
   * @default - no Slack alerts
   */
  readonly slack?: SlackAlertOptions;

  /**
   * Generic webhooks (EventBridge API destinations).
   * @default - none
   */
  readonly webhooks?: WebhookAlertOptions[];

  /**
   * Bring-your-own SNS topics that also receive alerts.
   * @default - none
   */
  readonly alertTopics?: sns.ITopic[];

  /**
   * Bring-your-own SQS queues that also receive alerts.
   * @default - none
   */
  readonly alertQueues?: sqs.IQueue[];

  /**
   * Bring-your-own Lambda functions that also receive alerts.
   * @default - none
   */
  readonly alertFunctions?: lambda.IFunction[];

  /**
   * Create a multi-region CloudTrail trail (with an encrypted bucket). CloudTrail → EventBridge
   * delivery needs a trail; when false, a synth-time info annotation says one is required.
   * @default false
   */
  readonly createTrail?: boolean;

  /**
   * Also record the data events of these services on the created trail (needs `createTrail`):
   * `'s3'` (object reads and writes), `'dynamodb'` (item calls), `'lambda'` (invokes), `'sns'`
   * (publishes), `'ebs'` (snapshot block reads and writes). CloudTrail records data events, and
   * EventBridge receives them (so the action log sees them), only for what a trail selects; they are
   * billed per event delivered (see the README's cost notes).
   * @default - management events only: data access by a break-glass session is not recorded
   */
  readonly dataEvents?: DataEventService[];

  /**
   * Whose data events `dataEvents` records: `'break-glass'` = only calls whose `userIdentity.arn` is a
   * session of a monitored break-glass role or a monitored break-glass user (a few events, a few
   * cents); `'all'` = every principal of the account (the whole account's data access, billed per
   * event).
   * @default 'break-glass'
   */
  readonly dataEventsPrincipals?: 'break-glass' | 'all';

  /**
   * A scheduled drill proving the live alert path in every watched Region (see `BreakGlassDrill`):
   * a denied `sts:AssumeRole` made by EventBridge Scheduler as a drill role, logged (never paged),
   * with an alarm per Region when no drill arrived within the window. `{}` turns it on with the
   * defaults (daily, 26-hour window).
   * @default - no drill
   */
  readonly drill?: BreakGlassDrillOptions;

  /**
   * How denied attempts to assume the role are alerted: `'summary'` writes them to a log group and
   * one alarm notifies the alert topic once per burst (5-minute windows), so a flood of attempts
   * cannot bury a real alert; `'each'` pages every attempt on every channel. Successful ways in
   * always page at once.
   * @default 'summary'
   */
  readonly deniedAttempts?: 'summary' | 'each';

  /**
   * Alert when the alerting itself is touched (rules, targets, buses, topics, subscriptions, keys,
   * alarms, log groups, the stacks), any CloudTrail trail is stopped or changed, a break-glass role or
   * user is changed, or a Region is enabled or disabled: see `BreakGlassTamperAlerts`. The alerts go to
   * the tamper topic through their own bus, and are mirrored to the alert topic.
   * @default true
   */
  readonly tamperAlerts?: boolean;

  /**
   * Email addresses subscribed to the tamper topic (tamper alerts and delivery-failure alarms).
   * @default - the `loginAlertEmails`
   */
  readonly tamperAlertEmails?: string[];
}

/** Services whose data events `dataEvents` can record. */
export const DATA_EVENT_SERVICES = ['s3', 'dynamodb', 'lambda', 'sns', 'ebs'] as const;

/** A service whose data events `dataEvents` can record. */
export type DataEventService = (typeof DATA_EVENT_SERVICES)[number];

export interface SlackAlertOptions {
  /** Channel id or name the bot posts to (`C0123456789` or `#incidents`). */
  readonly channel: string;
  /**
   * Secret holding the bot token (`xoxb-…`, sent as `Authorization: Bearer <token>`); its value is
   * resolved by CloudFormation at deploy time and never written to the template.
   */
  readonly tokenSecret: secretsmanager.ISecret;
  /**
   * JSON key inside the secret that holds the token.
   * @default - the whole secret string is the token
   */
  readonly tokenSecretJsonField?: string;
}

export interface WebhookAlertOptions {
  /** HTTPS endpoint that receives a POST per alert. */
  readonly url: string;
  /**
   * Header name for the API key.
   * @default 'Authorization'
   */
  readonly headerName?: string;
  /** Secret holding the header value. */
  readonly secret: secretsmanager.ISecret;
  /**
   * Requests per second the destination may receive.
   * @default 10
   */
  readonly rateLimitPerSecond?: number;
}

/**
 * `<placeholder>` fields of alert messages. The awslabs construct's list (`username` … `result`) plus the fields
 * an incident responder needs to tell the ways in apart. Each way in maps every name to the field
 * where its record keeps the value (see `alert-ways.ts`).
 */
export const ALERT_PLACEHOLDERS = [
  'username',
  'principal',
  'account',
  'eventTime',
  'region',
  'eventId',
  'requestId',
  'ip',
  'userAgent',
  'result',
  'roleArn',
  'sessionName',
  'sourceIdentity',
  'mfa',
  'errorCode',
  'eventName',
  'wayIn',
] as const;

/** A name usable as `<name>` in `message`. */
export type AlertPlaceholder = (typeof ALERT_PLACEHOLDERS)[number];

const PLACEHOLDER_RE = /<([A-Za-z0-9_.-]+)>/g;

/** Placeholder names used in `text`, in order of first use. */
export function placeholdersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    const name = m[1] as string;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** Names in `text` that are not placeholders (empty when the message is valid). */
export function unknownPlaceholders(text: string): string[] {
  return placeholdersIn(text).filter((n) => !(ALERT_PLACEHOLDERS as readonly string[]).includes(n));
}
