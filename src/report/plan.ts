/**
 * How a store (DuckDB locally, Athena at org scale) is asked for the records of break-glass sessions,
 * without scanning every STS call of an organisation into memory:
 *
 *  1. ways in: STS AssumeRole* whose target role name is a break-glass role or a role of a
 *     break-glass permission set (allowed or denied), ConsoleLogin of a break-glass IAM user,
 *     SwitchRole to a break-glass role;
 *  2. calls: every record made with a credential handed out so far (access key id, assumed-role ARN,
 *     source identity), by a break-glass IAM user, or by a session of a break-glass role or of a
 *     permission set's role;
 *  3. repeat 2 with the keys issued by STS calls found in 2 (role chaining) until nothing new.
 *
 * The session engine then decides exactly (accounts, time windows); the SQL only narrows.
 */
import type { CloudTrailRecord } from '../engines/cloudtrail/record.js';
import { roleKeyOf, type SessionPrincipals } from '../engines/cloudtrail/sessions.js';
import { PERMISSION_SET_NAME, ssoRoleNameLike } from '../engines/identity-center.js';

export interface CallSelector {
  readonly accessKeyIds: readonly string[];
  readonly assumedRoleArns: readonly string[];
  readonly sourceIdentities: readonly string[];
  readonly userNames: readonly string[];
  /** Role names (no account): calls whose session issuer is one of these roles. */
  readonly roleNames: readonly string[];
  /** Identity Center permission sets: calls whose session issuer is a role of one of these. */
  readonly permissionSets?: readonly string[];
}

/** What a trail store answers. */
export interface SessionRecordSource {
  /** Step 1 (`permissionSets`: STS ways in into a role of one of these sets too). */
  waysIn(
    roleNames: readonly string[],
    userNames: readonly string[],
    permissionSets?: readonly string[],
  ): Promise<CloudTrailRecord[]>;
  /** Step 2. */
  calls(selector: CallSelector): Promise<CloudTrailRecord[]>;
}

export function roleNamesOf(p: SessionPrincipals): string[] {
  const names = new Set<string>();
  for (const r of p.roleArns) {
    const k = roleKeyOf(r);
    if (k) names.add(k.slice(k.indexOf(':') + 1));
  }
  return [...names].sort();
}

/** The principals' permission-set names (a name Identity Center would not accept names no role). */
export function permissionSetsOf(p: SessionPrincipals): string[] {
  return [...new Set((p.permissionSets ?? []).filter((s) => PERMISSION_SET_NAME.test(s)))].sort();
}

/**
 * SQL (DuckDB and Athena/Trino alike) that is true when the role name `expr` is a role of one of
 * `sets`: an anchored `LIKE` per set (`ssoRoleNameLike`: the `_` of the prefix escaped, one `_`
 * wildcard per suffix character). `LIKE` rather than a regular expression: both engines spell it the
 * same (DuckDB's RE2 and Trino's regex engines differ), it is anchored by definition, and `_` is the
 * only character of a set name it treats specially. It only narrows: the session engine checks the
 * path and the suffix.
 */
export function ssoRoleNameSql(expr: string, sets: readonly string[]): string {
  if (sets.length === 0) return 'FALSE';
  return `(${sets.map((s) => `${expr} LIKE ${sqlString(ssoRoleNameLike(s))} ESCAPE '\\'`).join(' OR ')})`;
}

/** SQL: the role name `expr` is one of `names` or a role of one of `sets` (no `sets`: the plain `IN`). */
export function roleNameSql(expr: string, names: readonly string[], sets: readonly string[] = []): string {
  const named = `${expr} IN ${sqlList(names)}`;
  return sets.length === 0 ? named : `(${named} OR ${ssoRoleNameSql(expr, sets)})`;
}

export function userNamesOf(p: SessionPrincipals): string[] {
  return [
    ...new Set(p.userNames.map((u) => u.replace(/^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?/, ''))),
  ].sort();
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function recordKey(r: CloudTrailRecord): string {
  return `${r.eventID ?? ''}|${r.eventTime}|${r.eventName}|${r.awsRegion}|${r.recipientAccountId ?? ''}`;
}

/** Credentials handed out by STS calls: what step 2 looks for. */
export interface Credentials {
  readonly accessKeyIds: Set<string>;
  readonly assumedRoleArns: Set<string>;
  readonly sourceIdentities: Set<string>;
}

function emptyCredentials(): Credentials {
  return { accessKeyIds: new Set(), assumedRoleArns: new Set(), sourceIdentities: new Set() };
}

/**
 * Adds the credentials issued by successful STS calls among `rs` (access key id, assumed-role ARN,
 * source identity) to `into`; `grew` says whether any was new.
 */
export function harvestCredentials(
  rs: readonly CloudTrailRecord[],
  into: Credentials = emptyCredentials(),
): Credentials & { grew: boolean } {
  let grew = false;
  const add = (set: Set<string>, v: unknown) => {
    if (typeof v === 'string' && v && !set.has(v)) {
      set.add(v);
      grew = true;
    }
  };
  for (const r of rs) {
    if (r.eventSource !== 'sts.amazonaws.com' || r.errorCode) continue;
    add(into.accessKeyIds, obj(r.responseElements?.['credentials'])?.['accessKeyId']);
    add(into.assumedRoleArns, obj(r.responseElements?.['assumedRoleUser'])?.['arn']);
    add(
      into.sourceIdentities,
      r.requestParameters?.['sourceIdentity'] ?? r.responseElements?.['sourceIdentity'],
    );
  }
  return { ...into, grew };
}

/** Runs steps 1–3 and returns the candidate records (deduplicated). */
export async function collectSessionRecords(
  source: SessionRecordSource,
  principals: SessionPrincipals,
  maxRounds = 8,
): Promise<CloudTrailRecord[]> {
  const roleNames = roleNamesOf(principals);
  const userNames = userNamesOf(principals);
  const permissionSets = permissionSetsOf(principals);
  const all = new Map<string, CloudTrailRecord>();
  const add = (rs: readonly CloudTrailRecord[]): CloudTrailRecord[] => {
    const fresh: CloudTrailRecord[] = [];
    for (const r of rs) {
      const k = recordKey(r);
      if (!all.has(k)) {
        all.set(k, r);
        fresh.push(r);
      }
    }
    return fresh;
  };
  const creds = emptyCredentials();
  const harvest = (rs: readonly CloudTrailRecord[]): boolean => harvestCredentials(rs, creds).grew;
  if (roleNames.length === 0 && userNames.length === 0 && permissionSets.length === 0) return [];
  harvest(add(await source.waysIn(roleNames, userNames, permissionSets)));
  for (let round = 0; round < maxRounds; round++) {
    const fresh = add(
      await source.calls({
        accessKeyIds: [...creds.accessKeyIds].sort(),
        assumedRoleArns: [...creds.assumedRoleArns].sort(),
        sourceIdentities: [...creds.sourceIdentities].sort(),
        userNames,
        roleNames,
        permissionSets,
      }),
    );
    if (!harvest(fresh)) break;
  }
  return [...all.values()];
}

/** SQL string literal (both DuckDB and Athena/Trino double the quote). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
export function sqlList(xs: readonly string[]): string {
  return xs.length === 0 ? '(NULL)' : `(${xs.map(sqlString).join(', ')})`;
}
