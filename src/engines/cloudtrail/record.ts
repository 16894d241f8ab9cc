/**
 * CloudTrail records and the EventBridge events AWS makes of them.
 *
 * A record is one element of `Records` in a CloudTrail log file; EventBridge puts the same object
 * under `detail` of an event on the default bus of the account and Region the call landed in.
 */

/** The fields of a CloudTrail record this project reads. Everything else is kept as-is. */
export interface CloudTrailRecord {
  readonly eventVersion?: string;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly eventType?: string;
  readonly eventID?: string;
  readonly requestID?: string;
  readonly readOnly?: boolean;
  readonly recipientAccountId?: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly userIdentity?: UserIdentity;
  readonly requestParameters?: Record<string, unknown> | null;
  readonly responseElements?: Record<string, unknown> | null;
  readonly additionalEventData?: Record<string, unknown> | null;
  readonly resources?: ReadonlyArray<{
    readonly ARN?: string;
    readonly accountId?: string;
    readonly type?: string;
  }>;
  readonly [key: string]: unknown;
}

export interface UserIdentity {
  readonly type?: string;
  readonly principalId?: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  readonly invokedBy?: string;
  readonly sessionContext?: {
    readonly sessionIssuer?: {
      readonly type?: string;
      readonly principalId?: string;
      readonly arn?: string;
      readonly accountId?: string;
      readonly userName?: string;
    };
    readonly attributes?: { readonly mfaAuthenticated?: string; readonly creationDate?: string };
    readonly sourceIdentity?: string;
    readonly webIdFederationData?: Record<string, unknown>;
  };
  readonly [key: string]: unknown;
}

/** An EventBridge event as delivered to a bus. */
export interface EventBridgeEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Narrowing guard: the minimum a record needs (`eventTime`, `eventSource`, `eventName`, `awsRegion`). */
export function isCloudTrailRecord(v: unknown): v is CloudTrailRecord {
  return (
    isObject(v) &&
    typeof v['eventTime'] === 'string' &&
    typeof v['eventSource'] === 'string' &&
    typeof v['eventName'] === 'string' &&
    typeof v['awsRegion'] === 'string'
  );
}

/** Narrowing guard for an EventBridge envelope. */
export function isEventBridgeEvent(v: unknown): v is EventBridgeEvent {
  return (
    isObject(v) &&
    typeof v['detail-type'] === 'string' &&
    typeof v['source'] === 'string' &&
    typeof v['region'] === 'string' &&
    isObject(v['detail'])
  );
}

/**
 * `detail-type` by CloudTrail `eventType`.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html ("Accessing AWS
 * service events via AWS CloudTrail"): API calls arrive as "AWS API Call via CloudTrail"; console
 * sign-in (ConsoleLogin, SwitchRole, …) as "AWS Console Sign In via CloudTrail".
 */
const DETAIL_TYPES: Readonly<Record<string, string>> = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
};

export function detailTypeOf(record: CloudTrailRecord): string {
  return DETAIL_TYPES[record.eventType ?? 'AwsApiCall'] ?? 'AWS API Call via CloudTrail';
}

/**
 * `source` of the event: `aws.` + the service part of `eventSource` (`sts.amazonaws.com` → `aws.sts`,
 * `signin.amazonaws.com` → `aws.signin`).
 */
export function sourceOf(record: CloudTrailRecord): string {
  const service = record.eventSource.replace(/\.amazonaws\.com$/, '');
  return `aws.${service}`;
}

/** The account whose default bus receives the event. */
export function accountOf(record: CloudTrailRecord): string {
  return record.recipientAccountId ?? record.userIdentity?.accountId ?? '000000000000';
}

/**
 * Read-only Get/List/Describe management events reach a rule only in state
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`. Read-only events whose name does not start with
 * one of those verbs (AssumeRole, ConsoleLogin, …) are delivered to plain `ENABLED` rules; STS
 * `GetFederationToken` and `GetSessionToken` are change events despite their verb.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
 */
export function needsAllManagementEvents(record: CloudTrailRecord): boolean {
  if (record.readOnly !== true) return false;
  if (record.eventSource === 'sts.amazonaws.com' && STS_GET_CHANGE_EVENTS.has(record.eventName)) return false;
  return /^(Get|List|Describe)/.test(record.eventName);
}

const STS_GET_CHANGE_EVENTS = new Set(['GetFederationToken', 'GetSessionToken']);

/**
 * The EventBridge event AWS emits for a record, on the default bus of `account`/`region`.
 * `id` is derived from `eventID` so replays are deterministic.
 */
export function toEventBridgeEvent(record: CloudTrailRecord): EventBridgeEvent {
  return {
    version: '0',
    id: record.eventID ?? `${record.eventTime}-${record.eventName}`,
    'detail-type': detailTypeOf(record),
    source: sourceOf(record),
    account: accountOf(record),
    time: record.eventTime.replace(/\.\d+Z$/, 'Z'),
    region: record.awsRegion,
    resources: [],
    detail: { ...record },
  };
}

/** The record inside an EventBridge envelope (its `detail`), when it is one. */
export function recordOf(event: EventBridgeEvent): CloudTrailRecord | undefined {
  return isCloudTrailRecord(event.detail) ? event.detail : undefined;
}
