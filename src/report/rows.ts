/** Stored rows (DuckDB `events`, Athena result sets) back into CloudTrail records. No DuckDB import here. */
import type { CloudTrailRecord } from '../engines/cloudtrail/record.js';

function parseJson(v: unknown): Record<string, unknown> | null | undefined {
  if (typeof v !== 'string') return v === null ? null : undefined;
  try {
    const x: unknown = JSON.parse(v);
    return typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : null;
  } catch {
    return undefined;
  }
}

/** A stored row (snake_case) back into the CloudTrail record shape the engine reads. */
export function rowToRecord(row: Record<string, unknown>): CloudTrailRecord {
  const s = (k: string): string | undefined => (typeof row[k] === 'string' ? (row[k] as string) : undefined);
  const sessionContext: Record<string, unknown> = {};
  if (s('issuer_arn')) sessionContext['sessionIssuer'] = { arn: s('issuer_arn') };
  if (s('mfa_authenticated')) sessionContext['attributes'] = { mfaAuthenticated: s('mfa_authenticated') };
  if (s('source_identity')) sessionContext['sourceIdentity'] = s('source_identity');
  const userIdentity: Record<string, unknown> = {
    type: s('ui_type'),
    principalId: s('ui_principal_id'),
    arn: s('ui_arn'),
    accountId: s('ui_account_id'),
    accessKeyId: s('ui_access_key_id'),
    userName: s('ui_user_name'),
  };
  if (Object.keys(sessionContext).length > 0) userIdentity['sessionContext'] = sessionContext;
  for (const k of Object.keys(userIdentity)) if (userIdentity[k] === undefined) delete userIdentity[k];
  const rec: Record<string, unknown> = {
    eventTime: s('event_time') ?? '',
    eventSource: s('event_source') ?? '',
    eventName: s('event_name') ?? '',
    awsRegion: s('aws_region') ?? '',
    recipientAccountId: s('account_id'),
    eventID: s('event_id'),
    eventType: s('event_type'),
    readOnly: s('read_only') === undefined ? undefined : s('read_only') === 'true',
    errorCode: s('error_code'),
    errorMessage: s('error_message'),
    sourceIPAddress: s('source_ip'),
    userAgent: s('user_agent'),
    userIdentity,
    requestParameters: parseJson(row['request_parameters']),
    responseElements: parseJson(row['response_elements']),
    additionalEventData: parseJson(row['additional_event_data']),
  };
  const resources =
    typeof row['resources'] === 'string' ? (JSON.parse(row['resources']) as unknown) : undefined;
  if (Array.isArray(resources)) rec['resources'] = resources;
  for (const k of Object.keys(rec)) if (rec[k] === undefined) delete rec[k];
  return rec as CloudTrailRecord;
}
