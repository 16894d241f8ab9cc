import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamActionsOf } from '../../src/engines/cloudtrail/actions.js';
import { buildSessions } from '../../src/engines/cloudtrail/sessions.js';
import { classifierOf, resolveAccessLevels } from '../../src/report/access-levels.js';
import { athenaDdl, AthenaTrail, type AthenaPort, type AthenaState } from '../../src/report/athena.js';
import { sessionsFrom } from '../../src/report/build.js';
import { CHAINED_ROLE, STRATUS_ROLE, fixtureRecords } from './helpers.js';

/**
 * A fake Athena that really runs the SQL: DuckDB holds a table shaped like the CloudTrail SerDe
 * table (lower-case columns, `useridentity` struct, JSON columns as strings, account/region/timestamp
 * partitions). The one dialect gap, `json_extract_scalar`, is a DuckDB macro here.
 */
class DuckAthena implements AthenaPort {
  readonly sql: string[] = [];
  private readonly done = new Map<string, Array<Array<string | null>>>();
  private polls = new Map<string, number>();
  constructor(
    private readonly conn: DuckDBConnection,
    private readonly pageSize = 4,
  ) {}
  async start(q: { sql: string; database: string; outputLocation: string }): Promise<string> {
    this.sql.push(q.sql);
    const id = `q${this.sql.length}`;
    const r = await this.conn.runAndReadAll(q.sql);
    const rows = r
      .getRowsJS()
      .map((row) => row.map((v) => (v === null || v === undefined ? null : String(v))));
    this.done.set(id, [r.columnNames(), ...rows]);
    return id;
  }
  async state(id: string): Promise<{ state: AthenaState }> {
    const n = (this.polls.get(id) ?? 0) + 1;
    this.polls.set(id, n);
    return { state: n === 1 ? 'QUEUED' : n === 2 ? 'RUNNING' : 'SUCCEEDED' };
  }
  async results(id: string, token?: string) {
    const all = this.done.get(id) ?? [];
    const from = token ? Number(token) : 0;
    const rows = all.slice(from, from + this.pageSize);
    const next = from + this.pageSize < all.length ? String(from + this.pageSize) : undefined;
    return next ? { rows, nextToken: next } : { rows };
  }
}

const principals = { roleArns: [CHAINED_ROLE, STRATUS_ROLE], userNames: [] };
const records = [...fixtureRecords('chained-two-regions.json'), ...fixtureRecords('stratus-red-team.json')];
let dir: string;
let conn: DuckDBConnection;
let instance: DuckDBInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bg-athena-'));
  const file = join(dir, 'records.jsonl');
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'));
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run(`CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)`);
  await conn.run('CREATE SCHEMA trails');
  await conn.run(`CREATE TABLE trails.cloudtrail_logs AS SELECT
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
      recipientAccountId AS account, awsRegion AS region, strftime(try_cast(eventTime AS TIMESTAMP), '%Y/%m/%d') AS "timestamp"
    FROM read_json('${file}', format='newline_delimited', columns={
      eventTime: 'VARCHAR', eventSource: 'VARCHAR', eventName: 'VARCHAR', awsRegion: 'VARCHAR', recipientAccountId: 'VARCHAR',
      eventID: 'VARCHAR', eventType: 'VARCHAR', readOnly: 'BOOLEAN', errorCode: 'VARCHAR', errorMessage: 'VARCHAR',
      sourceIPAddress: 'VARCHAR', userAgent: 'VARCHAR',
      userIdentity: 'STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, accessKeyId VARCHAR, userName VARCHAR, sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR), attributes STRUCT(mfaAuthenticated VARCHAR), sourceIdentity VARCHAR))',
      requestParameters: 'JSON', responseElements: 'JSON', additionalEventData: 'JSON'})`);
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const opts = {
  database: 'trails',
  table: 'cloudtrail_logs',
  outputLocation: 's3://results/bg/',
  sleep: async () => undefined,
};

describe('AthenaTrail (fake Athena running the SQL)', () => {
  it('reconstructs the same sessions as the engine on the raw records', async () => {
    const port = new DuckAthena(conn);
    const viaAthena = await sessionsFrom({ records: new AthenaTrail(port, opts), principals });
    const levels = await resolveAccessLevels(records.flatMap(iamActionsOf));
    const direct = buildSessions(records, { principals, classify: classifierOf(levels) });
    expect(viaAthena.map((s) => s.actions.map((a) => a.eventId))).toEqual(
      direct.map((s) => s.actions.map((a) => a.eventId)),
    );
    expect(viaAthena.map((s) => [s.wayIn, s.status, s.counts.total, s.risky.length])).toEqual(
      direct.map((s) => [s.wayIn, s.status, s.counts.total, s.risky.length]),
    );
    expect(viaAthena).toHaveLength(5);
    // Ways in, then calls with the keys found, then again with the chained key, then a round that finds nothing new.
    expect(port.sql.length).toBeGreaterThanOrEqual(3);
    expect(port.sql[0]).toMatch(/eventsource = 'sts\.amazonaws\.com'/);
  });

  it('prunes by the projected timestamp partition and the account list', async () => {
    const port = new DuckAthena(conn);
    const trail = new AthenaTrail(port, {
      ...opts,
      since: '2026-03-01',
      until: '2026-03-01',
      accounts: ['111111111111'],
    });
    const sessions = await sessionsFrom({
      records: trail,
      principals,
      since: '2026-03-01',
      until: '2026-03-01',
    });
    expect(port.sql[0]).toContain(
      `"timestamp" >= '2026/03/01' AND "timestamp" <= '2026/03/02' AND account IN ('111111111111')`,
    );
    // Only account 111111111111's part of the chained session is read.
    expect(sessions.map((s) => [s.principal, s.regions])).toEqual([[CHAINED_ROLE, ['us-east-1']]]);
  });

  it('fails with the reason Athena gives for a FAILED query', async () => {
    const port: AthenaPort = {
      start: async () => 'q1',
      state: async () => ({
        state: 'FAILED',
        reason: 'TABLE_NOT_FOUND: line 2:6: Table trails.nope does not exist',
      }),
      results: async () => ({ rows: [] }),
    };
    await expect(new AthenaTrail(port, opts).waysIn(['BreakGlass'], [])).rejects.toThrow(
      /athena: query q1 failed: TABLE_NOT_FOUND/,
    );
  });

  it('fails after the polling bound when a query never finishes', async () => {
    let clock = 0;
    let polls = 0;
    const port: AthenaPort = {
      start: async () => 'q9',
      state: async () => {
        polls += 1;
        return { state: 'RUNNING' };
      },
      results: async () => ({ rows: [] }),
    };
    const trail = new AthenaTrail(port, {
      ...opts,
      pollMs: 1000,
      timeoutMs: 5000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    await expect(trail.waysIn(['BreakGlass'], [])).rejects.toThrow(/query q9 still running after 5s/);
    expect(polls).toBe(6);
  });

  it('rejects a table name that is not a plain identifier', () => {
    expect(() => new AthenaTrail(new DuckAthena(conn), { ...opts, table: 'x; DROP TABLE y' })).toThrow(
      /--table: "x; DROP TABLE y" is not a plain identifier/,
    );
  });
});

describe('athenaDdl', () => {
  it('projects account, region and date over the organization trail layout', () => {
    const ddl = athenaDdl({
      bucket: 'org-trail',
      prefix: 'ct/',
      orgId: 'o-abcdefghij',
      accounts: ['111111111111', '222222222222'],
    });
    expect(ddl).toContain("ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'");
    expect(ddl).toContain("LOCATION 's3://org-trail/ct/AWSLogs/o-abcdefghij/'");
    expect(ddl).toContain(
      "'storage.location.template'='s3://org-trail/ct/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${timestamp}'",
    );
    expect(ddl).toContain("'projection.account.values'='111111111111,222222222222'");
    expect(ddl).toMatch(/'projection.region.values'='[^']*us-east-1[^']*eu-west-1/);
    expect(ddl).toContain('sourceidentity: STRING');
  });

  it('injects the account partition when no account list is given and says so', () => {
    const ddl = athenaDdl({ bucket: 'trail-bucket' });
    expect(ddl).toContain("'projection.account.type'='injected'");
    expect(ddl).toMatch(/^-- account is an injected partition/);
    expect(ddl).toContain("LOCATION 's3://trail-bucket/AWSLogs/'");
  });

  it('rejects a malformed organization id naming the flag', () => {
    expect(() => athenaDdl({ bucket: 'b-bucket', orgId: 'org-1' })).toThrow(
      /--org-id: "org-1" is not an organization id/,
    );
  });
});
