import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { athenaDdl, AthenaTrail, type AthenaPort, type AthenaState } from '../../src/report/athena.js';
import { sessionsFrom } from '../../src/report/build.js';
import { partsOfKey } from '../../src/report/layout.js';
import { tempDir } from '../temp.js';
import { ORG_ID, ROLE_NAME, writeOrgTrail } from './org-trail-tree.js';

/** `'key'='value'` pairs of TBLPROPERTIES. */
function tblProperties(ddl: string): Map<string, string> {
  const body = /TBLPROPERTIES \(([\s\S]*)\);/.exec(ddl)?.[1] ?? '';
  return new Map([...body.matchAll(/'([^']+)'='([^']*)'/g)].map((m) => [m[1]!, m[2]!]));
}

describe('athenaDdl for an organization trail', () => {
  const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'];

  it('projects every partition column, and the location template names exactly those columns', () => {
    const ddl = athenaDdl({
      bucket: 'org-trail-bucket',
      prefix: 'ct',
      orgId: ORG_ID,
      accounts: ['333333333333', '444444444444'],
      regions,
      startDate: '2026/01/01',
    });
    const props = tblProperties(ddl);
    const columns = [
      ...(/PARTITIONED BY \(([^)]*)\)/.exec(ddl)?.[1] ?? '').matchAll(/`?(\w+)`? STRING/g),
    ].map((m) => m[1]);
    expect(columns).toEqual(['account', 'region', 'timestamp']);
    const template = props.get('storage.location.template')!;
    expect([...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1])).toEqual(columns);
    expect(template).toBe(
      `s3://org-trail-bucket/ct/AWSLogs/${ORG_ID}/\${account}/CloudTrail/\${region}/\${timestamp}`,
    );
    expect(ddl).toContain(`LOCATION 's3://org-trail-bucket/ct/AWSLogs/${ORG_ID}/'`);
    expect(template.startsWith(`s3://org-trail-bucket/ct/AWSLogs/${ORG_ID}/`)).toBe(true);
    for (const c of columns) expect(props.get(`projection.${c}.type`)).toBeDefined();
    expect(Object.fromEntries(props)).toMatchObject({
      'projection.enabled': 'true',
      'projection.account.type': 'enum',
      'projection.account.values': '333333333333,444444444444',
      'projection.region.type': 'enum',
      'projection.region.values': regions.join(','),
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.range': '2026/01/01,NOW',
      'projection.timestamp.interval': '1',
      'projection.timestamp.interval.unit': 'DAYS',
    });
    // An enum does not follow the organization: the DDL says how to add an account.
    expect(ddl).toMatch(
      /^-- account is an enum partition[\s\S]*ALTER TABLE cloudtrail_logs\s*\n?-- SET TBLPROPERTIES/,
    );
  });

  it('injects the account partition without --accounts (new accounts need no table change)', () => {
    const props = tblProperties(athenaDdl({ bucket: 'org-trail-bucket', orgId: ORG_ID }));
    expect(props.get('projection.account.type')).toBe('injected');
    expect(props.has('projection.account.values')).toBe(false);
    expect(props.get('projection.region.values')?.split(',')).toContain('ap-southeast-5');
  });

  it('rejects an unknown Region and a malformed account naming the flag', () => {
    expect(() => athenaDdl({ bucket: 'org-trail-bucket', regions: ['eu-west-9'] })).toThrow(
      /--regions: unknown Region 'eu-west-9'/,
    );
    expect(() => athenaDdl({ bucket: 'org-trail-bucket', accounts: ['4444'] })).toThrow(
      /--accounts: "4444" is not a 12-digit account id/,
    );
  });
});

/**
 * A fake Athena over the organization trail: DuckDB holds the SerDe-shaped table with the partition
 * columns taken from each file's key (so `timestamp` is the delivery day, as in S3). Like Athena with
 * an injected `account`, it fails a query whose WHERE names no account.
 */
class OrgAthena implements AthenaPort {
  readonly sql: string[] = [];
  private readonly done = new Map<string, Array<Array<string | null>>>();
  private readonly failed = new Map<string, string>();
  constructor(
    private readonly conn: DuckDBConnection,
    private readonly injected: boolean,
  ) {}
  async start(q: { sql: string }): Promise<string> {
    this.sql.push(q.sql);
    const id = `q${this.sql.length}`;
    if (this.injected && !/\baccount IN \('\d{12}'/.test(q.sql)) {
      this.failed.set(
        id,
        'CONSTRAINT_VIOLATION: For the injected projected partition column account, the WHERE clause must contain only static equality conditions, and at least one such condition must be present.',
      );
      return id;
    }
    const r = await this.conn.runAndReadAll(q.sql);
    const rows = r
      .getRowsJS()
      .map((row) => row.map((v) => (v === null || v === undefined ? null : String(v))));
    this.done.set(id, [r.columnNames(), ...rows]);
    return id;
  }
  async state(id: string): Promise<{ state: AthenaState; reason?: string }> {
    const reason = this.failed.get(id);
    return reason ? { state: 'FAILED', reason } : { state: 'SUCCEEDED' };
  }
  async results(id: string) {
    return { rows: this.done.get(id) ?? [] };
  }
}

describe('AthenaTrail over an organization trail table', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    const root = tempDir('bg-athena-org-');
    const tree = writeOrgTrail(root);
    const lines: string[] = [];
    for (const rel of tree.files) {
      const p = partsOfKey(rel);
      const records = (
        JSON.parse(gunzipSync(readFileSync(join(root, rel))).toString()) as { Records: unknown[] }
      ).Records;
      for (const r of records as Array<Record<string, unknown>>)
        if (typeof r['userIdentity'] === 'object')
          lines.push(
            JSON.stringify({ ...r, _account: p.account, _region: p.region, _ts: p.date!.replace(/-/g, '/') }),
          );
    }
    const file = join(root, 'table.jsonl');
    writeFileSync(file, lines.join('\n'));
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    await conn.run(`CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)`);
    await conn.run('CREATE SCHEMA security');
    await conn.run(`CREATE TABLE security.org_trail AS SELECT
      eventTime AS eventtime, eventSource AS eventsource, eventName AS eventname, awsRegion AS awsregion,
      recipientAccountId AS recipientaccountid, eventID AS eventid, eventType AS eventtype,
      CAST(readOnly AS VARCHAR) AS readonly, errorCode AS errorcode, errorMessage AS errormessage,
      sourceIPAddress AS sourceipaddress, userAgent AS useragent,
      {'type': userIdentity.type, 'principalid': userIdentity.principalId, 'arn': userIdentity.arn,
       'accountid': userIdentity.accountId, 'accesskeyid': userIdentity.accessKeyId, 'username': userIdentity.userName,
       'sessioncontext': {'attributes': {'mfaauthenticated': userIdentity.sessionContext.attributes.mfaAuthenticated},
                          'sessionissuer': {'arn': userIdentity.sessionContext.sessionIssuer.arn},
                          'sourceidentity': userIdentity.sessionContext.sourceIdentity}} AS useridentity,
      CAST(requestParameters AS VARCHAR) AS requestparameters, CAST(responseElements AS VARCHAR) AS responseelements,
      CAST(additionalEventData AS VARCHAR) AS additionaleventdata,
      _account AS account, _region AS region, _ts AS "timestamp"
    FROM read_json('${file}', format='newline_delimited', columns={
      eventTime: 'VARCHAR', eventSource: 'VARCHAR', eventName: 'VARCHAR', awsRegion: 'VARCHAR', recipientAccountId: 'VARCHAR',
      eventID: 'VARCHAR', eventType: 'VARCHAR', readOnly: 'BOOLEAN', errorCode: 'VARCHAR', errorMessage: 'VARCHAR',
      sourceIPAddress: 'VARCHAR', userAgent: 'VARCHAR',
      userIdentity: 'STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, accessKeyId VARCHAR, userName VARCHAR, sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR), attributes STRUCT(mfaAuthenticated VARCHAR), sourceIdentity VARCHAR))',
      requestParameters: 'JSON', responseElements: 'JSON', additionalEventData: 'JSON',
      _account: 'VARCHAR', _region: 'VARCHAR', _ts: 'VARCHAR'})`);
  });
  afterAll(() => {
    conn.closeSync();
    instance.closeSync();
  });

  const base = { database: 'security', table: 'org_trail', outputLocation: 's3://athena-results/bg/' };
  const principals = { roleArns: [ROLE_NAME], userNames: [] };

  it('prunes every query on account, Region and delivery day, and finds the late-delivered session', async () => {
    const port = new OrgAthena(conn, true);
    const window = { since: '2026-03-02', until: '2026-03-02' };
    const trail = new AthenaTrail(port, {
      ...base,
      ...window,
      accounts: ['444444444444'],
      regions: ['eu-west-1', 'us-east-1'],
    });
    const sessions = await sessionsFrom({ records: trail, principals, ...window });
    expect(port.sql.length).toBeGreaterThanOrEqual(2);
    for (const q of port.sql)
      expect(q).toContain(
        `WHERE "timestamp" >= '2026/03/02' AND "timestamp" <= '2026/03/03' AND account IN ('444444444444') AND region IN ('eu-west-1', 'us-east-1') AND (`,
      );
    expect(sessions.map((s) => `${s.accounts.join()} ${s.regions.join()} ${s.start}`).sort()).toEqual(
      [
        '444444444444 eu-west-1 2026-03-02T23:58:33Z',
        '444444444444 eu-west-1 2026-03-02T19:52:33Z',
        '444444444444 us-east-1 2026-03-02T19:52:33Z',
      ].sort(),
    );
  });

  it('fails naming --accounts when the table injects the account partition and none is given', async () => {
    const trail = new AthenaTrail(new OrgAthena(conn, true), base);
    await expect(sessionsFrom({ records: trail, principals })).rejects.toThrow(
      /^--accounts: the table security\.org_trail injects the account partition, so every query must name the accounts; pass --accounts/,
    );
  });

  it('reads every account of an enum table without --accounts', async () => {
    const trail = new AthenaTrail(new OrgAthena(conn, false), base);
    const sessions = await sessionsFrom({ records: trail, principals });
    expect(new Set(sessions.flatMap((s) => s.accounts))).toEqual(new Set(['333333333333', '444444444444']));
    expect(sessions).toHaveLength(9);
  });
});
