/**
 * CloudTrail trails in the templates, and whether one of them records a given CloudTrail record.
 *
 * Management events reach EventBridge whatever a trail selects (as long as the account has a trail;
 * an organization trail outside the templates counts), so the verifier only asks this question of data
 * events: CloudTrail records a data event (S3 object calls, DynamoDB item calls, Lambda invokes, …) only
 * when a trail's selectors select it, and EventBridge receives it only then
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 *
 * Selector semantics (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html,
 * API_AdvancedEventSelector.html, API_AdvancedFieldSelector.html, API_EventSelector.html, API_DataResource.html):
 * - no selectors: every management event, read and write; no data events;
 * - basic `EventSelectors`: a data event is recorded when a `DataResources` entry has its type and one
 *   of its `Values` is a prefix of the resource ARN (`arn:aws:s3` / `arn:aws:s3:::` = every bucket,
 *   `arn:aws:lambda` / `arn:aws:dynamodb` = every function / table), and `ReadWriteType` allows it;
 * - `AdvancedEventSelectors`: recorded when any selector matches; a selector matches when every field
 *   selector does; a field selector matches when the field equals / starts with / ends with one of the
 *   values given for each positive operator and none of the values of each negative one;
 * - a trail records only its own account, except an organization trail (`IsOrganizationTrail`), which
 *   the management account (or a CloudTrail delegated administrator) creates and which logs every
 *   member account of the organization
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html): every
 *   account of the templates is taken as a member; a single-Region trail only its Region;
 *   `IsLogging: false` records nothing.
 */
import type { ResolvedTemplate } from '../engines/cfn/index.js';
import type { CloudTrailRecord } from '../engines/cloudtrail/index.js';
import { definedOnly, isObject, str } from './json.js';

export interface FieldSelector {
  readonly field: string;
  readonly equals?: readonly string[];
  readonly startsWith?: readonly string[];
  readonly endsWith?: readonly string[];
  readonly notEquals?: readonly string[];
  readonly notStartsWith?: readonly string[];
  readonly notEndsWith?: readonly string[];
}

export interface BasicSelector {
  readonly readWriteType: 'All' | 'ReadOnly' | 'WriteOnly';
  readonly includeManagementEvents: boolean;
  readonly dataResources: readonly { readonly type: string; readonly values: readonly string[] }[];
}

export type TrailSelectors =
  | { readonly kind: 'default' }
  | { readonly kind: 'basic'; readonly selectors: readonly BasicSelector[] }
  | { readonly kind: 'advanced'; readonly selectors: readonly (readonly FieldSelector[])[] };

export interface TrailModel {
  readonly stackName: string;
  readonly logicalId: string;
  readonly account: string;
  /** The trail's home Region (its stack's). */
  readonly region: string;
  readonly multiRegion: boolean;
  /** `IsOrganizationTrail`: records every account of the organization, not only its own. */
  readonly organization: boolean;
  readonly logging: boolean;
  readonly selectors: TrailSelectors;
}

/**
 * Data-event resource types by service and API, for records that do not say their category (older
 * `eventVersion`s have no `eventCategory` / `managementEvent`) and carry no typed `resources`. From the
 * data events table of the CloudTrail User Guide and the services' CloudTrail pages
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html#logging-data-events,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html#cloudtrail-data-events,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/logging-using-cloudtrail.html).
 */
export const DATA_EVENT_APIS: Readonly<Record<string, { type: string; names: readonly string[] }>> = {
  's3.amazonaws.com': {
    type: 'AWS::S3::Object',
    names: [
      'GetObject',
      'HeadObject',
      'PutObject',
      'DeleteObject',
      'DeleteObjects',
      'CopyObject',
      'GetObjectAcl',
      'PutObjectAcl',
      'GetObjectTagging',
      'PutObjectTagging',
      'DeleteObjectTagging',
      'GetObjectAttributes',
      'RestoreObject',
      'SelectObjectContent',
      'CreateMultipartUpload',
      'UploadPart',
      'UploadPartCopy',
      'CompleteMultipartUpload',
      'AbortMultipartUpload',
      'ListParts',
    ],
  },
  'dynamodb.amazonaws.com': {
    type: 'AWS::DynamoDB::Table',
    names: [
      'GetItem',
      'PutItem',
      'UpdateItem',
      'DeleteItem',
      'BatchGetItem',
      'BatchWriteItem',
      'Query',
      'Scan',
      'TransactGetItems',
      'TransactWriteItems',
      'ExecuteStatement',
      'BatchExecuteStatement',
      'ExecuteTransaction',
    ],
  },
  'lambda.amazonaws.com': { type: 'AWS::Lambda::Function', names: ['Invoke'] },
  'sns.amazonaws.com': { type: 'AWS::SNS::Topic', names: ['Publish', 'PublishBatch'] },
  'ebs.amazonaws.com': {
    type: 'AWS::EC2::Snapshot',
    names: [
      'ListSnapshotBlocks',
      'ListChangedBlocks',
      'GetSnapshotBlock',
      'PutSnapshotBlock',
      'StartSnapshot',
      'CompleteSnapshot',
    ],
  },
};

/** What a data event is about: its resource type and ARN (`undefined` for a management event). */
export interface DataResource {
  readonly type: string;
  readonly arn?: string;
}

/**
 * The record's data resource when it is a data event: by `eventCategory` / `managementEvent` on real
 * records, else by {@link DATA_EVENT_APIS}. The type comes from `resources[]` where the record has one.
 */
export function dataResourceOf(record: CloudTrailRecord): DataResource | undefined {
  const category = str(record['eventCategory']);
  const management = record['managementEvent'];
  const api = DATA_EVENT_APIS[record.eventSource];
  const listed = api?.names.includes(record.eventName) === true;
  const isData =
    category !== undefined ? category === 'Data' : typeof management === 'boolean' ? !management : listed;
  if (!isData) return undefined;
  const known = new Set(Object.values(DATA_EVENT_APIS).map((a) => a.type));
  const resources = Array.isArray(record.resources) ? record.resources : [];
  const typed =
    resources.find((r) => r.type !== undefined && known.has(r.type)) ??
    resources.find((r) => r.type === api?.type) ??
    resources.find((r) => r.type !== undefined && !/::Bucket$/.test(r.type));
  if (typed?.type) return { type: typed.type, ...(typed.ARN ? { arn: typed.ARN } : {}) };
  return api ? { type: api.type } : { type: 'unknown' };
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

const truthy = (v: unknown, dflt: boolean): boolean => (v === undefined ? dflt : v === true || v === 'true');

function fieldSelectorOf(raw: unknown): FieldSelector | undefined {
  if (!isObject(raw)) return undefined;
  const field = str(raw['Field']);
  if (!field) return undefined;
  return {
    field,
    ...definedOnly({
      equals: strings(raw['Equals']),
      startsWith: strings(raw['StartsWith']),
      endsWith: strings(raw['EndsWith']),
      notEquals: strings(raw['NotEquals']),
      notStartsWith: strings(raw['NotStartsWith']),
      notEndsWith: strings(raw['NotEndsWith']),
    }),
  };
}

function selectorsOf(p: Record<string, unknown>): TrailSelectors {
  const advanced = p['AdvancedEventSelectors'];
  if (Array.isArray(advanced) && advanced.length > 0) {
    return {
      kind: 'advanced',
      selectors: advanced
        .filter(isObject)
        .map((s) =>
          (Array.isArray(s['FieldSelectors']) ? s['FieldSelectors'] : [])
            .map(fieldSelectorOf)
            .filter((f): f is FieldSelector => f !== undefined),
        ),
    };
  }
  const basic = p['EventSelectors'];
  if (Array.isArray(basic) && basic.length > 0) {
    return {
      kind: 'basic',
      selectors: basic.filter(isObject).map((s) => {
        const rw = str(s['ReadWriteType']);
        return {
          readWriteType: rw === 'ReadOnly' || rw === 'WriteOnly' ? rw : 'All',
          includeManagementEvents: truthy(s['IncludeManagementEvents'], true),
          dataResources: (Array.isArray(s['DataResources']) ? s['DataResources'] : [])
            .filter(isObject)
            .map((d) => ({ type: str(d['Type']) ?? '', values: strings(d['Values']) ?? [] })),
        };
      }),
    };
  }
  return { kind: 'default' };
}

/** Every `AWS::CloudTrail::Trail` of the templates (resolved). */
export function collectTrails(
  resolved: readonly (ResolvedTemplate | undefined)[],
  places: readonly { readonly stackName: string; readonly account: string; readonly region: string }[],
): TrailModel[] {
  const out: TrailModel[] = [];
  resolved.forEach((rt, i) => {
    const place = places[i];
    if (!rt || !place) return;
    for (const r of rt.resources.values()) {
      if (r.type !== 'AWS::CloudTrail::Trail') continue;
      const p = r.properties;
      out.push({
        stackName: place.stackName,
        logicalId: r.logicalId,
        account: place.account,
        region: place.region,
        multiRegion: truthy(p['IsMultiRegionTrail'], false),
        organization: truthy(p['IsOrganizationTrail'], false),
        logging: truthy(p['IsLogging'], true),
        selectors: selectorsOf(p),
      });
    }
  });
  return out;
}

/** A record field as advanced selectors name it (`resources.type`, `resources.ARN`, `userIdentity.arn`, …). */
function fieldValue(record: CloudTrailRecord, data: DataResource, field: string): string | undefined {
  if (field === 'resources.type') return data.type;
  if (field === 'resources.ARN') return data.arn;
  if (field === 'eventCategory') return 'Data';
  let v: unknown = record;
  for (const part of field.split('.')) v = isObject(v) ? v[part] : undefined;
  return typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : undefined;
}

function fieldMatches(f: FieldSelector, value: string | undefined): boolean {
  const has = (list: readonly string[] | undefined, test: (x: string) => boolean) =>
    list === undefined || list.some(test);
  const none = (list: readonly string[] | undefined, test: (x: string) => boolean) =>
    list === undefined || !list.some(test);
  if (value === undefined)
    return f.equals === undefined && f.startsWith === undefined && f.endsWith === undefined;
  return (
    has(f.equals, (x) => value === x) &&
    has(f.startsWith, (x) => value.startsWith(x)) &&
    has(f.endsWith, (x) => value.endsWith(x)) &&
    none(f.notEquals, (x) => value === x) &&
    none(f.notStartsWith, (x) => value.startsWith(x)) &&
    none(f.notEndsWith, (x) => value.endsWith(x))
  );
}

/** Does `trail`'s selectors select the data event `record` (about `data`)? Place and logging aside. */
export function selectsDataEvent(trail: TrailModel, record: CloudTrailRecord, data: DataResource): boolean {
  const s = trail.selectors;
  if (s.kind === 'default') return false;
  if (s.kind === 'advanced') {
    return s.selectors.some(
      (fields) =>
        fields.length > 0 && fields.every((f) => fieldMatches(f, fieldValue(record, data, f.field))),
    );
  }
  const readOnly = record.readOnly === true;
  return s.selectors.some(
    (sel) =>
      (sel.readWriteType === 'All' || (sel.readWriteType === 'ReadOnly') === readOnly) &&
      sel.dataResources.some(
        (d) =>
          d.type === data.type &&
          d.values.some((v) => /^arn:[^:]+:[a-z0-9-]+(:::)?$/.test(v) || (data.arn ?? '').startsWith(v)),
      ),
  );
}

const accountOf = (record: CloudTrailRecord): string | undefined =>
  str(record.recipientAccountId) ?? str(record.userIdentity?.accountId);

/** Does `trail` log `account` (its own, or any member's for an organization trail)? */
const logsAccount = (trail: TrailModel, account: string | undefined): boolean =>
  trail.account === account || trail.organization;

/** Trails logging the record's account (organization trails included) in the record's Region. */
export function trailsCovering(trails: readonly TrailModel[], record: CloudTrailRecord): TrailModel[] {
  const account = accountOf(record);
  return trails.filter(
    (t) => logsAccount(t, account) && t.logging && (t.multiRegion || t.region === record.awsRegion),
  );
}

/** Whether a trail of the templates records `record`, for data events; management events are `n/a`. */
export type TrailVerdict =
  | { readonly kind: 'management' }
  | { readonly kind: 'recorded'; readonly trail: TrailModel; readonly data: DataResource }
  | {
      readonly kind: 'not-recorded';
      readonly data: DataResource;
      /** Some trail of the account selects this resource type (the user asked for these data events). */
      readonly asked: boolean;
      /** The templates have no trail in the record's account (e.g. an organization trail is used). */
      readonly noTrail: boolean;
      readonly reason: string;
    };

/** Is a type named by a trail's data selectors (advanced `resources.type`, basic `DataResources`)? */
function asksFor(trail: TrailModel, type: string): boolean {
  const s = trail.selectors;
  if (s.kind === 'basic') return s.selectors.some((x) => x.dataResources.some((d) => d.type === type));
  if (s.kind === 'advanced')
    return s.selectors.some((fields) =>
      fields.some((f) => f.field === 'resources.type' && (f.equals ?? []).includes(type)),
    );
  return false;
}

/** The verdict for one record (see {@link TrailVerdict}). */
export function trailVerdict(trails: readonly TrailModel[], record: CloudTrailRecord): TrailVerdict {
  const data = dataResourceOf(record);
  if (!data) return { kind: 'management' };
  const covering = trailsCovering(trails, record);
  const recording = covering.find((t) => selectsDataEvent(t, record, data));
  if (recording) return { kind: 'recorded', trail: recording, data };
  const account = accountOf(record);
  const mine = trails.filter((t) => logsAccount(t, account));
  const asking = mine.filter((t) => asksFor(t, data.type));
  const noTrail = mine.length === 0;
  let reason: string;
  if (noTrail)
    reason = `no CloudTrail trail in the templates for account ${account ?? '?'}: ${data.type} data events cannot be confirmed`;
  else if (asking.length === 0)
    reason = `no trail selects ${data.type} data events (CloudTrail records data events only for what a trail selects)`;
  else {
    const t = asking[0] as TrailModel;
    const where = !t.logging
      ? 'is not logging (IsLogging false)'
      : !t.multiRegion && t.region !== record.awsRegion
        ? `is a single-Region trail of ${t.region}`
        : `does not select this ${record.eventName} (its selectors filter it out)`;
    reason = `trail ${t.logicalId} (${t.stackName}) selects ${data.type} data events but ${where}`;
  }
  return { kind: 'not-recorded', data, asked: asking.length > 0, noTrail, reason };
}
