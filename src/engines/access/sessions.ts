/**
 * Break-glass sessions from CloudTrail `AssumeRole` records (as LookupEvents returns them): who,
 * since when, why, from where, until when, and whether a revoke cut-off covers them.
 * Record fields: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import { revokes } from './revoke.js';

export interface AccessSession {
  /** Who assumed the role (`userIdentity.arn`). */
  readonly who: string;
  readonly sourceIdentity?: string;
  /** `eventTime` (close to `aws:TokenIssueTime`). */
  readonly since: string;
  readonly expires?: string;
  readonly reason?: string;
  readonly ticket?: string;
  readonly sourceIp?: string;
  readonly region?: string;
  readonly sessionArn?: string;
  readonly eventId?: string;
  /** Not expired at `now`. */
  readonly active: boolean;
  /** Issued before the revoke cut-off, so its calls are denied. */
  readonly revoked: boolean;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function tagValue(tags: unknown, key: string): string | undefined {
  if (!Array.isArray(tags)) return undefined;
  for (const t of tags) {
    const o = obj(t);
    if (o && str(o['key']) === key) return str(o['value']);
  }
  return undefined;
}

/**
 * CloudTrail writes the credentials' expiration of AssumeRole as "Dec 1, 2026, 3:00:00 AM" (UTC, no
 * zone) or as ISO 8601; a string without a zone is read as UTC, never in the local time zone.
 */
export function parseTrailDate(text: string): number {
  const hasZone = /(Z|[+-]\d{2}:?\d{2}|UTC|GMT)$/i.test(text.trim());
  return Date.parse(hasZone ? text : `${text} UTC`);
}

/** One successful AssumeRole of `roleArn`, or undefined for anything else. */
export function sessionOfRecord(
  record: unknown,
  roleArn: string,
  now: Date,
  revokeBefore: string | undefined,
): AccessSession | undefined {
  const r = obj(record);
  if (!r || r['eventName'] !== 'AssumeRole' || r['eventSource'] !== 'sts.amazonaws.com') return undefined;
  if (r['errorCode'] !== undefined) return undefined;
  const req = obj(r['requestParameters']);
  if (!req || str(req['roleArn']) !== roleArn) return undefined;
  const since = str(r['eventTime']);
  if (!since) return undefined;
  const resp = obj(r['responseElements']);
  const creds = obj(resp?.['credentials']);
  const rawExp = creds?.['expiration'];
  const expMs =
    typeof rawExp === 'string' ? parseTrailDate(rawExp) : typeof rawExp === 'number' ? rawExp : NaN;
  const duration = typeof req['durationSeconds'] === 'number' ? req['durationSeconds'] : 3600;
  const end = Number.isNaN(expMs) ? Date.parse(since) + duration * 1000 : expMs;
  const ui = obj(r['userIdentity']);
  const out: AccessSession = {
    who: str(ui?.['arn']) ?? str(ui?.['principalId']) ?? 'unknown',
    since,
    expires: new Date(end).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    active: end > now.getTime(),
    revoked: revokes(revokeBefore, since),
    ...opt('sourceIdentity', str(req['sourceIdentity'])),
    ...opt('reason', tagValue(req['tags'], 'Reason')),
    ...opt('ticket', tagValue(req['tags'], 'Ticket')),
    ...opt('sourceIp', str(r['sourceIPAddress'])),
    ...opt('region', str(r['awsRegion'])),
    ...opt('sessionArn', str(obj(resp?.['assumedRoleUser'])?.['arn'])),
    ...opt('eventId', str(r['eventID'])),
  };
  return out;
}

function opt<K extends string>(k: K, v: string | undefined): { [P in K]?: string } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: string };
}

/** Every session of `roleArn` in `records`, oldest first, each once (by event id). */
export function sessionsOf(
  records: Iterable<unknown>,
  roleArn: string,
  now: Date,
  revokeBefore: string | undefined,
): AccessSession[] {
  const seen = new Set<string>();
  const out: AccessSession[] = [];
  for (const rec of records) {
    const s = sessionOfRecord(rec, roleArn, now, revokeBefore);
    if (!s) continue;
    const key = s.eventId ?? `${s.who}|${s.since}|${s.region ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return out.sort((a, b) => a.since.localeCompare(b.since));
}
