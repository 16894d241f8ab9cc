/**
 * Org scale: the same session queries as the DuckDB store, as Athena (Trino) SQL over the CloudTrail
 * table that `breakglass athena-ddl` creates. The Athena client is a port (`AthenaPort`); the CLI
 * adapts SDK v3, tests pass a fake.
 *
 * Dialect differences from the DuckDB store (same logic, different spelling):
 * - columns are the lower-case CloudTrail SerDe names (`eventsource`, `useridentity.accesskeyid`), not
 *   our snake_case `events` columns;
 * - JSON: `json_extract_scalar(requestparameters, '$.roleArn')` vs DuckDB `json_extract_string(…)`;
 * - `requestparameters` etc. are strings in Athena, `JSON` in DuckDB;
 * - the date window is a partition predicate on the projected `timestamp` (`'yyyy/MM/dd'` strings),
 *   which prunes S3 listing; DuckDB prunes by file path before ingesting;
 * - identifiers are double-quoted in both; string literals double their single quotes in both.
 */
import { ALL_REGIONS, isKnownRegion, unknownRegionMessage } from '../engines/regions.js';
import type { CloudTrailRecord } from '../engines/cloudtrail/record.js';
import { ReportError } from './errors.js';
import { sqlList, sqlString, roleNameSql, type CallSelector, type SessionRecordSource } from './plan.js';
import { rowToRecord } from './rows.js';

export type AthenaState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** The three Athena calls the report needs (StartQueryExecution, GetQueryExecution, GetQueryResults). */
export interface AthenaPort {
  start(q: { sql: string; database: string; outputLocation: string; workGroup?: string }): Promise<string>;
  state(queryId: string): Promise<{ state: AthenaState; reason?: string }>;
  /** One page of results; the first page starts with the header row. */
  results(
    queryId: string,
    nextToken?: string,
  ): Promise<{ rows: Array<Array<string | null>>; nextToken?: string }>;
}

export interface AthenaOptions {
  readonly database: string;
  readonly table: string;
  /** `s3://…` where Athena writes results. */
  readonly outputLocation: string;
  readonly workGroup?: string;
  readonly since?: string;
  readonly until?: string;
  /** Accounts to read (required when the table injects `account`). */
  readonly accounts?: readonly string[];
  /** Regions to read (`region` partition). */
  readonly regions?: readonly string[];
  /** Polling: interval and overall bound per query. */
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const IDENT = /^[A-Za-z_][\w]*$/;

const COLUMNS = `eventtime AS event_time, eventsource AS event_source, eventname AS event_name,
  awsregion AS aws_region, recipientaccountid AS account_id, eventid AS event_id, eventtype AS event_type,
  readonly AS read_only, errorcode AS error_code, errormessage AS error_message,
  sourceipaddress AS source_ip, useragent AS user_agent,
  useridentity.type AS ui_type, useridentity.principalid AS ui_principal_id, useridentity.arn AS ui_arn,
  useridentity.accountid AS ui_account_id, useridentity.accesskeyid AS ui_access_key_id,
  useridentity.username AS ui_user_name, useridentity.sessioncontext.sessionissuer.arn AS issuer_arn,
  useridentity.sessioncontext.attributes.mfaauthenticated AS mfa_authenticated,
  useridentity.sessioncontext.sourceidentity AS source_identity,
  requestparameters AS request_parameters, responseelements AS response_elements,
  additionaleventdata AS additional_event_data`;

export class AthenaTrail implements SessionRecordSource {
  constructor(
    private readonly port: AthenaPort,
    private readonly o: AthenaOptions,
  ) {
    if (!IDENT.test(o.database))
      throw new ReportError(
        `--database: ${JSON.stringify(o.database)} is not a plain identifier; use letters, digits and _`,
      );
    if (!IDENT.test(o.table))
      throw new ReportError(
        `--table: ${JSON.stringify(o.table)} is not a plain identifier; use letters, digits and _`,
      );
    if (!/^s3:\/\/[^/]+/.test(o.outputLocation))
      throw new ReportError(
        `--output: ${JSON.stringify(o.outputLocation)} is not an S3 URL; expected s3://bucket/prefix/`,
      );
  }

  /**
   * Partition predicates shared by every query, so Athena lists only those prefixes. The `timestamp`
   * partition is the day a file was delivered, and a file holds records of any earlier time
   * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html):
   * the upper bound is the day after `--until`; `eventTime` then decides. The account predicate is
   * an `IN` list of literals, the only form an injected partition accepts
   * (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html).
   */
  private scope(): string {
    const parts: string[] = [];
    const day = (d: string) => sqlString(d.replace(/-/g, '/'));
    if (this.o.since) parts.push(`"timestamp" >= ${day(this.o.since.slice(0, 10))}`);
    if (this.o.until) parts.push(`"timestamp" <= ${day(nextDay(this.o.until.slice(0, 10)))}`);
    if (this.o.accounts && this.o.accounts.length > 0) parts.push(`account IN ${sqlList(this.o.accounts)}`);
    if (this.o.regions && this.o.regions.length > 0) parts.push(`region IN ${sqlList(this.o.regions)}`);
    return parts.length > 0 ? `${parts.join(' AND ')} AND ` : '';
  }

  /**
   * Step 1. A permission set's roles are matched by an anchored `LIKE` on the role name (see
   * `ssoRoleNameSql`): Trino's `LIKE` matches the whole value, `_` is one character unless escaped
   * (https://trino.io/docs/current/functions/comparison.html#like-operator; Athena engine version 3 is Trino).
   */
  sqlWaysIn(
    roleNames: readonly string[],
    userNames: readonly string[],
    permissionSets: readonly string[] = [],
  ): string {
    const target = `regexp_extract(coalesce(json_extract_scalar(requestparameters, '$.roleArn'),
        regexp_extract(errormessage, 'on resource: (arn:[^ ]+)', 1)), '[^/]+$')`;
    return `SELECT ${COLUMNS}
FROM "${this.o.database}"."${this.o.table}"
WHERE ${this.scope()}((
  eventsource = 'sts.amazonaws.com'
  AND eventname IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity')
  AND ${roleNameSql(target, roleNames, permissionSets)}
) OR (
  eventsource = 'signin.amazonaws.com' AND eventname = 'ConsoleLogin' AND useridentity.type = 'IAMUser'
  AND useridentity.username IN ${sqlList(userNames)}
) OR (
  eventsource = 'signin.amazonaws.com' AND eventname = 'SwitchRole'
  AND (regexp_extract(json_extract_scalar(additionaleventdata, '$.SwitchTo'), '[^/]+$') IN ${sqlList(roleNames)}
    OR regexp_extract(useridentity.arn, ':assumed-role/([^/]+)/', 1) IN ${sqlList(roleNames)})
))`;
  }

  sqlCalls(s: CallSelector): string {
    return `SELECT ${COLUMNS}
FROM "${this.o.database}"."${this.o.table}"
WHERE ${this.scope()}(
  useridentity.accesskeyid IN ${sqlList(s.accessKeyIds)}
  OR useridentity.arn IN ${sqlList(s.assumedRoleArns)}
  OR useridentity.sessioncontext.sourceidentity IN ${sqlList(s.sourceIdentities)}
  OR (useridentity.type = 'IAMUser' AND useridentity.username IN ${sqlList(s.userNames)})
  OR ${roleNameSql(`regexp_extract(useridentity.sessioncontext.sessionissuer.arn, '[^/]+$')`, s.roleNames, s.permissionSets)}
)`;
  }

  async waysIn(
    roleNames: readonly string[],
    userNames: readonly string[],
    permissionSets: readonly string[] = [],
  ): Promise<CloudTrailRecord[]> {
    return this.run(this.sqlWaysIn(roleNames, userNames, permissionSets));
  }

  async calls(s: CallSelector): Promise<CloudTrailRecord[]> {
    return this.run(this.sqlCalls(s));
  }

  /** Starts a query, polls it to the end within the timeout, and reads every result page. */
  async run(sql: string): Promise<CloudTrailRecord[]> {
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = this.o.now ?? (() => performance.now());
    const pollMs = this.o.pollMs ?? 1000;
    const timeoutMs = this.o.timeoutMs ?? 10 * 60 * 1000;
    const id = await this.port.start({
      sql,
      database: this.o.database,
      outputLocation: this.o.outputLocation,
      ...(this.o.workGroup ? { workGroup: this.o.workGroup } : {}),
    });
    const deadline = now() + timeoutMs;
    for (;;) {
      const st = await this.port.state(id);
      if (st.state === 'SUCCEEDED') break;
      if (
        st.state === 'FAILED' &&
        /CONSTRAINT_VIOLATION.*injected projected partition column account/i.test(st.reason ?? '')
      )
        throw new ReportError(
          `--accounts: the table ${this.o.database}.${this.o.table} injects the account partition, so every query must name the accounts; pass --accounts 111122223333,… (or recreate the table with athena-ddl --accounts to enumerate them)`,
        );
      if (st.state === 'FAILED' || st.state === 'CANCELLED')
        throw new ReportError(
          `athena: query ${id} ${st.state.toLowerCase()}: ${st.reason ?? 'no reason given'}`,
        );
      if (now() >= deadline)
        throw new ReportError(
          `athena: query ${id} still ${st.state.toLowerCase()} after ${Math.round(timeoutMs / 1000)}s; raise --athena-timeout or narrow --since/--until`,
        );
      await sleep(pollMs);
    }
    const out: CloudTrailRecord[] = [];
    let header: Array<string | null> | undefined;
    let token: string | undefined;
    do {
      const page = await this.port.results(id, token);
      for (const row of page.rows) {
        if (!header) {
          header = row;
          continue;
        }
        const obj: Record<string, unknown> = {};
        header.forEach((h, i) => {
          if (h) obj[h] = row[i] ?? null;
        });
        out.push(rowToRecord(obj));
      }
      token = page.nextToken;
    } while (token);
    return out;
  }
}

/** `YYYY-MM-DD` of the next day. */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export interface DdlOptions {
  readonly bucket: string;
  readonly prefix?: string;
  readonly orgId?: string;
  readonly table?: string;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** First day of the projected date range (`YYYY/MM/DD`). */
  readonly startDate?: string;
}

/**
 * CREATE EXTERNAL TABLE over a CloudTrail bucket with partition projection over account, region and
 * date, following https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * (CloudTrail SerDe; `sourceidentity` added to `sessioncontext` since the report follows it).
 */
export function athenaDdl(o: DdlOptions): string {
  const table = o.table ?? 'cloudtrail_logs';
  if (!IDENT.test(table))
    throw new ReportError(
      `--table: ${JSON.stringify(table)} is not a plain identifier; use letters, digits and _`,
    );
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(o.bucket))
    throw new ReportError(`--bucket: ${JSON.stringify(o.bucket)} is not an S3 bucket name`);
  if (o.orgId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(o.orgId))
    throw new ReportError(
      `--org-id: ${JSON.stringify(o.orgId)} is not an organization id; expected o- followed by 10–32 lower-case letters or digits`,
    );
  for (const a of o.accounts ?? [])
    if (!/^\d{12}$/.test(a))
      throw new ReportError(`--accounts: ${JSON.stringify(a)} is not a 12-digit account id`);
  const startDate = o.startDate ?? '2020/01/01';
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(startDate))
    throw new ReportError(`--start-date: ${JSON.stringify(startDate)} must look like 2024/01/31`);
  const prefix = (o.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const base = `s3://${o.bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${o.orgId ? `${o.orgId}/` : ''}`;
  for (const r of o.regions ?? [])
    if (!isKnownRegion(r)) throw new ReportError(`--regions: ${unknownRegionMessage(r)}`);
  const regions = o.regions && o.regions.length > 0 ? o.regions : ALL_REGIONS;
  const accountProjection =
    o.accounts && o.accounts.length > 0
      ? `  'projection.account.type'='enum',\n  'projection.account.values'='${o.accounts.join(',')}',`
      : `  'projection.account.type'='injected',`;
  const note =
    o.accounts && o.accounts.length > 0
      ? `-- account is an enum partition: queries need not name accounts, but an account that joins the
-- organization later is not read until it is added to 'projection.account.values' (ALTER TABLE ${table}
-- SET TBLPROPERTIES ('projection.account.values'='…')), or the table is recreated without --accounts.
`
      : `-- account is an injected partition: every query must name the account(s); pass --accounts to
-- 'breakglass report --athena' (or to this command, to enumerate them in the table instead).
`;
  return `${note}CREATE EXTERNAL TABLE IF NOT EXISTS ${table} (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING, principalid: STRING, arn: STRING, accountid: STRING, invokedby: STRING,
    accesskeyid: STRING, username: STRING,
    onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING,
      sourceidentity: STRING,
      webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING, STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  eventcategory STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
)
PARTITIONED BY (account STRING, region STRING, \`timestamp\` STRING)
ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '${base}'
TBLPROPERTIES (
  'projection.enabled'='true',
${accountProjection}
  'projection.region.type'='enum',
  'projection.region.values'='${regions.join(',')}',
  'projection.timestamp.type'='date',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.range'='${startDate},NOW',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'storage.location.template'='${base}\${account}/CloudTrail/\${region}/\${timestamp}'
);
`;
}
