/**
 * The embedded trail store: DuckDB reads each (gzipped) CloudTrail file directly with `read_json`
 * and keeps one row per record in `events`. One file = one statement, so a corrupt file fails alone
 * and is reported with DuckDB's reason. With `--db FILE` the table stays for `breakglass query`.
 */
import { open as openFile, readFile, rm, writeFile } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CloudTrailRecord } from '../engines/cloudtrail/record.js';
import { ReportError, SkipFile } from './errors.js';
import { sqlList, sqlString, roleNameSql, type CallSelector, type SessionRecordSource } from './plan.js';
import { rowToRecord } from './rows.js';

const MB = 1024 * 1024;

/** How a file holds its records. */
export type FileKind = 'records' | 'lines' | 'array';

const USER_IDENTITY =
  'STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, accessKeyId VARCHAR, userName VARCHAR, ' +
  'sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR), attributes STRUCT(mfaAuthenticated VARCHAR), sourceIdentity VARCHAR))';
const FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['eventTime', 'VARCHAR'],
  ['eventSource', 'VARCHAR'],
  ['eventName', 'VARCHAR'],
  ['awsRegion', 'VARCHAR'],
  ['recipientAccountId', 'VARCHAR'],
  ['eventID', 'VARCHAR'],
  ['eventType', 'VARCHAR'],
  ['readOnly', 'VARCHAR'],
  ['errorCode', 'VARCHAR'],
  ['errorMessage', 'VARCHAR'],
  ['sourceIPAddress', 'VARCHAR'],
  ['userAgent', 'VARCHAR'],
  ['userIdentity', USER_IDENTITY],
  ['requestParameters', 'JSON'],
  ['responseElements', 'JSON'],
  ['additionalEventData', 'JSON'],
  ['resources', 'JSON'],
];
const RECORD_STRUCT = `STRUCT(${FIELDS.map(([n, t]) => `"${n}" ${t}`).join(', ')})`;
const RECORD_COLUMNS = `{${FIELDS.map(([n, t]) => `'${n}': '${t}'`).join(', ')}}`;

/** The `events` table (snake_case; one row per record). Documented for `breakglass query`. */
export const EVENTS_DDL = `CREATE TABLE IF NOT EXISTS events (
  file VARCHAR, event_time VARCHAR, event_ts TIMESTAMP, event_source VARCHAR, event_name VARCHAR,
  aws_region VARCHAR, account_id VARCHAR, event_id VARCHAR, event_type VARCHAR, read_only VARCHAR,
  error_code VARCHAR, error_message VARCHAR, source_ip VARCHAR, user_agent VARCHAR,
  ui_type VARCHAR, ui_principal_id VARCHAR, ui_arn VARCHAR, ui_account_id VARCHAR, ui_access_key_id VARCHAR,
  ui_user_name VARCHAR, issuer_arn VARCHAR, mfa_authenticated VARCHAR, source_identity VARCHAR,
  request_parameters JSON, response_elements JSON, additional_event_data JSON, resources JSON
)`;

/**
 * The columns of a record. `slim` keeps only what the session plan reads (request/response bodies,
 * error message, user agent and principal id only for STS and sign-in records). The report never
 * uses it: every call's user agent, error message and request (for the resources it touched) are
 * part of the report, and the fast path already gives DuckDB only the records sessions can need, so
 * the report with and without `--db` is the same byte for byte.
 */
const SELECT_ROW = (fileExpr: string, slim: boolean) => {
  const wayIn = `r.eventSource IN ('sts.amazonaws.com', 'signin.amazonaws.com')`;
  const keep = (col: string, extra = '') => (slim ? `CASE WHEN ${wayIn}${extra} THEN ${col} END` : col);
  const drop = (col: string) => (slim ? 'NULL' : col);
  return `SELECT ${fileExpr}, r.eventTime, ${drop('try_cast(r.eventTime AS TIMESTAMP)')},
  r.eventSource, r.eventName, r.awsRegion, r.recipientAccountId, r.eventID, ${drop('r.eventType')}, r.readOnly,
  r.errorCode, ${keep('r.errorMessage')}, r.sourceIPAddress, ${keep('r.userAgent')},
  r.userIdentity.type, ${keep('r.userIdentity.principalId')}, r.userIdentity.arn, r.userIdentity.accountId,
  r.userIdentity.accessKeyId, r.userIdentity.userName, r.userIdentity.sessionContext.sessionIssuer.arn,
  r.userIdentity.sessionContext.attributes.mfaAuthenticated, r.userIdentity.sessionContext.sourceIdentity,
  ${keep('r.requestParameters', " OR r.eventName = 'DescribeInstanceAttribute'")}, ${keep('r.responseElements')},
  ${keep('r.additionalEventData')}, ${keep('r.resources')}`;
};

/**
 * A row needs eventTime, eventSource and eventName. A record without `awsRegion` is kept (and listed
 * in `inputs.missingRegion`): it is still evidence.
 */
const VALID = `r.eventTime IS NOT NULL AND r.eventSource IS NOT NULL AND r.eventName IS NOT NULL`;

/** The STRUCT members of the schema: a record with a non-object there makes DuckDB reject its file. */
const STRUCT_PATHS: ReadonlyArray<readonly string[]> = [
  ['userIdentity'],
  ['userIdentity', 'sessionContext'],
  ['userIdentity', 'sessionContext', 'sessionIssuer'],
  ['userIdentity', 'sessionContext', 'attributes'],
];

/** Why DuckDB cannot read a record with the store's schema, or undefined when it can. */
export function recordProblem(rec: unknown): string | undefined {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return 'not a JSON object';
  for (const path of STRUCT_PATHS) {
    let v: unknown = rec;
    for (const k of path)
      v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
    if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v)))
      return `${path.join('.')} is ${Array.isArray(v) ? 'an array' : `a ${typeof v}`}, expected an object`;
  }
  return undefined;
}

/** Largest file (decompressed) read record by record when DuckDB rejects it. */
const SALVAGE_MAX_BYTES = 256 * MB;

/** A record the store left out, with where it was. */
export interface SkippedRecord {
  readonly file: string;
  /** `Records[3]` (log files, JSON arrays) or `line 4` (JSON Lines). */
  readonly at: string;
  readonly reason: string;
}

/** Reads the first bytes of a (maybe gzipped) file to tell how it holds records. */
export async function sniffKind(path: string): Promise<FileKind> {
  const fh = await openFile(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (head.length === 0) throw new SkipFile('empty file');
  let text: string;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    text = await new Promise<string>((resolve, reject) => {
      const gz = createGunzip();
      const chunks: Buffer[] = [];
      let size = 0;
      gz.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= 4096) {
          gz.destroy();
          resolve(Buffer.concat(chunks).toString('utf8'));
        }
      });
      // A truncated stream may still give its first bytes; judge by them, DuckDB reports the rest.
      gz.on('error', (e) => (size > 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(e)));
      gz.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      gz.end(head);
    }).catch((e: unknown) => {
      throw new SkipFile(`not a readable gzip file (${e instanceof Error ? e.message : String(e)})`);
    });
  } else {
    text = head.toString('utf8');
  }
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (/^\{\s*"Records"\s*:/.test(t)) return 'records';
  if (t.startsWith('[')) return 'array';
  if (t.startsWith('{')) return 'lines';
  throw new SkipFile('not JSON (expected a CloudTrail log file or JSON Lines of records)');
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return (m.split('\n')[0] ?? m).trim();
}

export interface StoreOptions {
  /** Keep the database in this file (for `breakglass query`); default: a temporary file, removed on close. */
  readonly dbPath?: string;
  /** DuckDB memory limit in MB (default 128; lifted for one oversized file at a time). */
  readonly memoryLimitMb?: number;
  /** DuckDB threads (default 1: on a shared machine one thread ingested twice as fast as two). */
  readonly threads?: number;
  /** Keep request/response bodies only for STS and sign-in records (default false; see `SELECT_ROW`). */
  readonly slim?: boolean;
  /** Open `dbPath` read-only (DuckDB `access_mode = READ_ONLY`): `breakglass query` cannot change the evidence. */
  readonly readOnly?: boolean;
}

/** One file of a batch: where to read it and what to call it. */
export interface BatchFile {
  readonly path: string;
  readonly label: string;
}

export interface BatchResult {
  readonly events: number;
  readonly skipped: ReadonlyArray<{ readonly label: string; readonly reason: string }>;
}

export class TrailStore implements SessionRecordSource {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly tempDir: string | undefined,
    private readonly slim: boolean,
    private readonly memoryLimitBytes: number,
  ) {}

  /** Records left out of files that were otherwise read, by file label. */
  private readonly recordSkips = new Map<string, SkippedRecord[]>();

  static async open(options: StoreOptions = {}): Promise<TrailStore> {
    const tempDir = options.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'breakglass-report-'));
    const path = options.dbPath ?? join(tempDir!, 'trail.duckdb');
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, options.readOnly ? { access_mode: 'READ_ONLY' } : {});
    } catch (e) {
      throw new ReportError(
        options.readOnly
          ? `--db: cannot open ${JSON.stringify(path)} (${firstLine(e)}); pass the DuckDB file \`breakglass report --db FILE\` wrote`
          : `--db: cannot open ${JSON.stringify(path)} (${firstLine(e)}); pass a writable file path`,
        {
          cause: e,
        },
      );
    }
    const conn = await instance.connect();
    const memoryLimitMb = options.memoryLimitMb ?? 128;
    await conn.run(`SET memory_limit='${memoryLimitMb}MB'`);
    await conn.run(`SET threads=${Math.max(1, options.threads ?? 1)}`);
    await conn.run('SET preserve_insertion_order=false');
    // Checkpoint at the end, not every 16 MB of WAL: a third less ingest time on the bench trail.
    if (!options.readOnly) {
      await conn.run("SET checkpoint_threshold='1GB'");
      // A temporary store is deleted at the end: no point writing its final checkpoint.
      if (tempDir) await conn.run('PRAGMA disable_checkpoint_on_shutdown');
      await conn.run(EVENTS_DDL);
    }
    return new TrailStore(instance, conn, tempDir, options.slim ?? false, memoryLimitMb * MB);
  }

  /**
   * Ingests one file; returns the number of records kept. Throws `SkipFile` (with DuckDB's reason)
   * when the file is not a readable CloudTrail log; nothing of it is kept then.
   */
  async ingestFile(path: string, label: string, salvage = true): Promise<number> {
    const kind = await sniffKind(path);
    this.recordSkips.delete(label);
    try {
      return await this.ingestKind(path, label, kind);
    } catch (e) {
      if (!salvage || !(e instanceof SkipFile) || /^not CloudTrail/.test(e.reason)) throw e;
      // DuckDB rejects the whole file for one record it cannot type: read the file in Node, leave
      // out the records that do not fit, and give DuckDB the rest.
      const salvaged = await this.salvage(path, label, kind);
      if (salvaged === undefined) throw e;
      return salvaged;
    }
  }

  /**
   * The records of a file DuckDB rejected, without those that do not fit the schema (listed in
   * `skippedRecords()`); undefined when the file is not valid JSON at all (the file is skipped then).
   */
  private async salvage(path: string, label: string, kind: FileKind): Promise<number | undefined> {
    let text: string;
    try {
      // Bounded: a bigger file is read by DuckDB or skipped whole, never parsed in memory.
      const raw = await readFile(path);
      if (raw.length > SALVAGE_MAX_BYTES) return undefined;
      const body =
        raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw, { maxOutputLength: SALVAGE_MAX_BYTES }) : raw;
      text = body.toString('utf8').replace(/^\uFEFF/, '');
    } catch {
      return undefined;
    }
    const items: Array<{ at: string; rec?: unknown; reason?: string }> = [];
    if (kind === 'lines') {
      const lines = text.split('\n');
      for (const [i, line] of lines.entries()) {
        if (line.trim() === '') continue;
        try {
          items.push({ at: `line ${i + 1}`, rec: JSON.parse(line) as unknown });
        } catch {
          items.push({ at: `line ${i + 1}`, reason: 'invalid JSON' });
        }
      }
    } else {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        return undefined;
      }
      const list = kind === 'records' ? (doc as { Records?: unknown } | null)?.Records : doc;
      if (!Array.isArray(list)) return undefined;
      const name = kind === 'records' ? 'Records' : '';
      list.forEach((rec: unknown, i) => items.push({ at: `${name}[${i}]`, rec }));
    }
    const good: unknown[] = [];
    const skipped: SkippedRecord[] = [];
    for (const it of items) {
      const reason = it.reason ?? recordProblem(it.rec);
      if (reason) skipped.push({ file: label, at: it.at, reason });
      else good.push(it.rec);
    }
    if (skipped.length === 0) return undefined;
    const dir = mkdtempSync(join(tmpdir(), 'breakglass-salvage-'));
    try {
      const copy = join(dir, 'records.json');
      await writeFile(copy, JSON.stringify({ Records: good }));
      const n = await this.ingestKind(copy, label, 'records');
      this.recordSkips.set(label, skipped);
      return n;
    } catch {
      return undefined;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Records left out of files that were otherwise read, in file order then record order. */
  skippedRecords(): SkippedRecord[] {
    return [...this.recordSkips.values()].flat();
  }

  /** Records without `awsRegion`: how many, and the first `max` of them (file, event id, name). */
  async missingRegion(max = 50): Promise<{
    count: number;
    records: Array<{ file: string; eventId?: string; eventName: string; eventTime: string }>;
  }> {
    const r = await this.conn.runAndReadAll(
      `SELECT file, event_id, event_name, event_time FROM events WHERE aws_region IS NULL ORDER BY file, event_time, event_id, event_name`,
    );
    const rows = r.getRowObjectsJS() as Array<Record<string, string | null>>;
    return {
      count: rows.length,
      records: rows.slice(0, max).map((x) => ({
        file: x['file'] ?? '',
        ...(x['event_id'] ? { eventId: x['event_id'] } : {}),
        eventName: x['event_name'] ?? '',
        eventTime: x['event_time'] ?? '',
      })),
    };
  }

  private async ingestKind(path: string, label: string, kind: FileKind): Promise<number> {
    // A CloudTrail log file is one JSON object; DuckDB buffers it whole, so start small and retry
    // bigger only for the rare file that needs it (memory stays bounded for the common case).
    for (let size = 16 * MB; ; size *= 4) {
      // DuckDB's reader needs several times the object bound: lift the memory limit for this one file only.
      const lifted = 6 * size > this.memoryLimitBytes;
      if (lifted) await this.conn.run(`SET memory_limit='${Math.ceil((6 * size) / MB)}MB'`);
      try {
        return await this.ingestAs(path, label, kind, size);
      } catch (e) {
        if (e instanceof SkipFile && /maximum_object_size/.test(e.reason) && size < 512 * MB) continue;
        throw e;
      } finally {
        if (lifted) await this.conn.run(`SET memory_limit='${Math.ceil(this.memoryLimitBytes / MB)}MB'`);
      }
    }
  }

  private async ingestAs(path: string, label: string, kind: FileKind, maxObject: number): Promise<number> {
    const p = sqlString(path);
    const opts = `maximum_object_size=${maxObject}, ignore_errors=false`;
    const from =
      kind === 'records'
        ? `(SELECT unnest("Records") AS r FROM read_json(${p}, format='auto', records=true, columns={'Records': '${RECORD_STRUCT}[]'}, ${opts}))`
        : `read_json(${p}, format='${kind === 'lines' ? 'newline_delimited' : 'array'}', columns=${RECORD_COLUMNS}, ${opts}) AS r`;
    let inserted: number;
    try {
      await this.conn.run('BEGIN TRANSACTION');
      const res = await this.conn.run(
        `INSERT INTO events ${SELECT_ROW(sqlString(label), this.slim)} FROM ${from} WHERE ${VALID}`,
      );
      inserted = res.rowsChanged;
      if (inserted === 0 && kind !== 'records') {
        const total = await this.conn.runAndReadAll(`SELECT count(*) FROM ${from}`);
        if (Number(total.getRowsJS()[0]?.[0] ?? 0) > 0)
          throw new SkipFile('not CloudTrail: no record has eventTime, eventSource, eventName and awsRegion');
      }
      await this.conn.run('COMMIT');
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      if (e instanceof SkipFile) throw e;
      throw new SkipFile(firstLine(e).replace(/^Invalid Input Error: /, ''));
    }
    return inserted;
  }

  /**
   * Ingests several files; CloudTrail log files (`{"Records": …}`) go in one statement so DuckDB
   * parses them in parallel and commits once. If that statement fails, each file is retried alone
   * so only the bad one is skipped.
   */
  async ingestBatch(files: readonly BatchFile[], options: { salvage?: boolean } = {}): Promise<BatchResult> {
    let events = 0;
    const skipped: Array<{ label: string; reason: string }> = [];
    const logs: BatchFile[] = [];
    const others: BatchFile[] = [];
    for (const f of files) {
      try {
        ((await sniffKind(f.path)) === 'records' ? logs : others).push(f);
      } catch (e) {
        if (!(e instanceof SkipFile)) throw e;
        skipped.push({ label: f.label, reason: e.reason });
      }
    }
    if (logs.length > 1) {
      const list = `[${logs.map((f) => sqlString(f.path)).join(', ')}]`;
      const label = `CASE filename ${logs.map((f) => `WHEN ${sqlString(f.path)} THEN ${sqlString(f.label)}`).join(' ')} END`;
      try {
        const res = await this.conn.run(
          `INSERT INTO events ${SELECT_ROW(label, this.slim)} FROM (SELECT filename, unnest("Records") AS r FROM read_json(${list}, format='auto', records=true, filename=true, columns={'Records': '${RECORD_STRUCT}[]'}, maximum_object_size=${16 * MB})) WHERE ${VALID}`,
        );
        events += res.rowsChanged;
        logs.length = 0;
      } catch {
        // Fall through: one by one, to name the bad file(s).
      }
    }
    for (const f of [...logs, ...others]) {
      try {
        events += await this.ingestFile(f.path, f.label, options.salvage ?? true);
      } catch (e) {
        if (!(e instanceof SkipFile)) throw e;
        skipped.push({ label: f.label, reason: e.reason });
      }
    }
    // Report skips in input order.
    const order = new Map(files.map((f, i) => [f.label, i]));
    skipped.sort((a, b) => (order.get(a.label) ?? 0) - (order.get(b.label) ?? 0));
    return { events, skipped };
  }

  /** Removes the rows of one file (by label); returns how many. */
  async deleteFile(label: string): Promise<number> {
    this.recordSkips.delete(label);
    const r = await this.conn.run(`DELETE FROM events WHERE file = ${sqlString(label)}`);
    return r.rowsChanged;
  }

  async count(): Promise<number> {
    const r = await this.conn.runAndReadAll('SELECT count(*) FROM events');
    return Number(r.getRowsJS()[0]?.[0] ?? 0);
  }

  /** Runs any SQL; rows as plain JSON values. */
  async query(sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
    const r = await this.conn.runAndReadAll(sql);
    const json = r.getRowObjectsJson() as Record<string, unknown>[];
    const js = r.getRowObjectsJS();
    // Counts are BIGINT: give them as numbers when exact, as strings (JSON form) otherwise.
    const rows = json.map((row, i) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) {
        const raw = js[i]?.[k];
        out[k] = typeof raw === 'bigint' && Number.isSafeInteger(Number(raw)) ? Number(raw) : v;
      }
      return out;
    });
    return { columns: r.columnNames(), rows };
  }

  async waysIn(
    roleNames: readonly string[],
    userNames: readonly string[],
    permissionSets: readonly string[] = [],
  ): Promise<CloudTrailRecord[]> {
    const target = `regexp_extract(coalesce(json_extract_string(request_parameters, '$.roleArn'),
            regexp_extract(error_message, 'on resource: (arn:[^ ]+)', 1)), '[^/]+$')`;
    return this.records(`(
      event_source = 'sts.amazonaws.com'
      AND event_name IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity')
      AND ${roleNameSql(target, roleNames, permissionSets)}
    ) OR (
      event_source = 'signin.amazonaws.com' AND event_name = 'ConsoleLogin' AND ui_type = 'IAMUser'
      AND ui_user_name IN ${sqlList(userNames)}
    ) OR (
      event_source = 'signin.amazonaws.com' AND event_name = 'SwitchRole'
      AND (regexp_extract(json_extract_string(additional_event_data, '$.SwitchTo'), '[^/]+$') IN ${sqlList(roleNames)}
        OR regexp_extract(ui_arn, ':assumed-role/([^/]+)/', 1) IN ${sqlList(roleNames)})
    )`);
  }

  async calls(s: CallSelector): Promise<CloudTrailRecord[]> {
    return this.records(`ui_access_key_id IN ${sqlList(s.accessKeyIds)}
      OR ui_arn IN ${sqlList(s.assumedRoleArns)}
      OR source_identity IN ${sqlList(s.sourceIdentities)}
      OR (ui_type = 'IAMUser' AND ui_user_name IN ${sqlList(s.userNames)})
      OR ${roleNameSql(`regexp_extract(issuer_arn, '[^/]+$')`, s.roleNames, s.permissionSets)}`);
  }

  private async records(where: string): Promise<CloudTrailRecord[]> {
    const r = await this.conn.runAndReadAll(
      `SELECT * EXCLUDE (file, event_ts) FROM events WHERE ${where}
       ORDER BY event_time, event_id, event_source, event_name, aws_region, account_id, ui_arn,
         ui_access_key_id, source_ip, user_agent, error_code, CAST(request_parameters AS VARCHAR),
         CAST(response_elements AS VARCHAR)`,
    );
    return r.getRowObjectsJS().map((row) => rowToRecord(row as Record<string, unknown>));
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }
}
