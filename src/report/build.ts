/**
 * The post-incident report: ingest a trail (skipping bad files with a reason), reconstruct the
 * break-glass sessions, classify every call. Renderers turn the `Report` into HTML, Markdown, JSON.
 */
import { iamActionsOf } from '../engines/cloudtrail/actions.js';
import type { CloudTrailRecord } from '../engines/cloudtrail/record.js';
import { buildSessions, type Session, type SessionPrincipals } from '../engines/cloudtrail/sessions.js';
import { classifierOf, resolveAccessLevels } from './access-levels.js';
import { SkipFile } from './errors.js';
import { ingestFast } from './fastpath.js';
import { collectSessionRecords, type SessionRecordSource } from './plan.js';
import { filePruned, partsOfKey, type PruneCounts, type TrailScope } from './layout.js';
import type { LocalCopy, TrailObject, TrailSource } from './sources.js';
import type { BatchFile, SkippedRecord, TrailStore } from './store.js';

export interface SkippedInput {
  readonly file: string;
  readonly reason: string;
}

export interface ReportInputs {
  /** Files read (skipped ones included). */
  readonly files: number;
  /** Files left out by `--since/--until` from their path date. */
  readonly prunedByDate: number;
  readonly bytes: number;
  /** Records ingested. */
  readonly events: number;
  readonly skipped: readonly SkippedInput[];
  /** Where the records came from (`--trail` or `athena:db.table`). */
  readonly source: string;
  /**
   * Left out by `--accounts` / `--regions` / `--since` / `--until` from the key layout alone, before
   * reading (present when one of them is given).
   */
  readonly pruned?: {
    /** Folders never listed, by the filter that excluded them; their files are not counted anywhere. */
    readonly folders: Readonly<PruneCounts>;
    /** Files listed but not opened, by account or Region in their key (by date: `prunedByDate`). */
    readonly files: { readonly account: number; readonly region: number };
  };
  /** Key layouts of the files read: organization trail (and its ids), account trail, anything else. */
  readonly layout?: {
    readonly organization: number;
    readonly organizationIds: readonly string[];
    readonly account: number;
    readonly other: number;
  };
  /** Records left out of files that were otherwise read (a field of the wrong JSON type), with where. */
  readonly skippedRecords?: readonly SkippedRecord[];
  /** Records without `awsRegion` (kept, with an empty region): how many, and the first ones. */
  readonly missingRegion?: {
    readonly count: number;
    readonly records: ReadonlyArray<{
      readonly file: string;
      readonly eventId?: string;
      readonly eventName: string;
      readonly eventTime: string;
    }>;
  };
}

export interface Report {
  readonly title: string;
  readonly generatedAt: string;
  readonly principals: SessionPrincipals;
  readonly window: { readonly since?: string; readonly until?: string };
  readonly inputs: ReportInputs;
  readonly sessions: readonly Session[];
}

export interface Progress {
  readonly files: number;
  readonly totalFiles: number;
  readonly bytes: number;
  readonly events: number;
}

export interface IngestOptions {
  readonly source: TrailSource;
  readonly sourceName: string;
  readonly store: TrailStore;
  readonly since?: string;
  readonly until?: string;
  /** Only these accounts / Regions (from the key layout: their folders are never listed). */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
  readonly onSkip?: (s: SkippedInput) => void;
  /**
   * The fast path: give DuckDB only the records these principals' sessions can need (see
   * fastpath.ts). Only without `--db`: the store then holds a subset of the trail, not all of it.
   */
  readonly prefilter?: SessionPrincipals;
  /** Test seam for the fast path: no second scan for learned credentials. */
  readonly noRescan?: boolean;
  /** Fast path scan worker threads (default one per core, at most 4; 0 scans on the main thread). */
  readonly scanWorkers?: number;
  /** Files per DuckDB statement, bounded by their total (compressed) size. */
  readonly batchFiles?: number;
  readonly batchBytes?: number;
}

export interface IngestResult {
  readonly inputs: ReportInputs;
  /** Fast path only: records given to DuckDB, files scanned a second time. */
  readonly fast?: { readonly candidates: number; readonly rescanned: number };
}

/** Reads every file of the source into the store; bad files are skipped, never fatal. */
export async function ingestTrail(o: IngestOptions): Promise<IngestResult> {
  const { objects, pruned, prunedByDate, layout } = await listInScope(o);
  if (o.prefilter) {
    const totalFiles = objects.length;
    const r = await ingestFast({
      source: o.source,
      objects,
      store: o.store,
      principals: o.prefilter,
      ...(o.noRescan ? { noRescan: true } : {}),
      ...(o.scanWorkers !== undefined ? { workers: o.scanWorkers } : {}),
      onFile: (p) => o.onProgress?.({ ...p, totalFiles }),
      ...(o.onSkip ? { onSkip: o.onSkip } : {}),
    });
    return {
      inputs: {
        files: totalFiles,
        prunedByDate,
        bytes: objects.reduce((n, x) => n + x.size, 0),
        events: r.events,
        skipped: r.skipped,
        source: o.sourceName,
        ...pruned,
        layout,
        ...(await recordIssues(o.store, objects)),
      },
      fast: { candidates: r.candidates, rescanned: r.rescanned },
    };
  }
  const skipped: SkippedInput[] = [];
  let bytes = 0;
  let events = 0;
  let files = 0;
  // Batches of files go to DuckDB in one statement (parallel parse, one commit).
  const batchBytes = o.batchBytes ?? 16 * 1024 * 1024;
  const batchFiles = o.batchFiles ?? 32;
  for (let i = 0; i < objects.length;) {
    const batch: TrailObject[] = [];
    let size = 0;
    while (
      i < objects.length &&
      batch.length < batchFiles &&
      (batch.length === 0 || size + objects[i]!.size <= batchBytes)
    ) {
      size += objects[i]!.size;
      batch.push(objects[i++]!);
    }
    const copies: LocalCopy[] = [];
    const fetched: BatchFile[] = [];
    try {
      for (const obj of batch) {
        try {
          const c = await o.source.fetch(obj);
          copies.push(c);
          fetched.push({ path: c.path, label: obj.name });
        } catch (e) {
          if (!(e instanceof SkipFile)) throw e;
          const s = { file: obj.name, reason: e.reason };
          skipped.push(s);
          o.onSkip?.(s);
        }
      }
      const r = await o.store.ingestBatch(fetched);
      events += r.events;
      for (const k of r.skipped) {
        const s = { file: k.label, reason: k.reason };
        skipped.push(s);
        o.onSkip?.(s);
      }
    } finally {
      for (const c of copies) await c.release();
    }
    files += batch.length;
    bytes += size;
    o.onProgress?.({ files, totalFiles: objects.length, bytes, events });
  }
  return {
    inputs: {
      files,
      prunedByDate,
      bytes,
      events,
      skipped,
      source: o.sourceName,
      ...pruned,
      layout,
      ...(await recordIssues(o.store, objects)),
    },
  };
}

/** The files to read: folders and files outside the scope left out and counted; layouts tallied. */
async function listInScope(o: IngestOptions): Promise<{
  objects: TrailObject[];
  prunedByDate: number;
  pruned: Pick<ReportInputs, 'pruned'>;
  layout: NonNullable<ReportInputs['layout']>;
}> {
  const scope: TrailScope = {
    ...(o.accounts?.length ? { accounts: o.accounts } : {}),
    ...(o.regions?.length ? { regions: o.regions } : {}),
    ...(o.since ? { since: o.since } : {}),
    ...(o.until ? { until: o.until } : {}),
  };
  const folders: PruneCounts = { account: 0, region: 0, date: 0 };
  const files = { account: 0, region: 0, date: 0 };
  const objects: TrailObject[] = [];
  const layout = { organization: 0, organizationIds: new Set<string>(), account: 0, other: 0 };
  for await (const obj of o.source.list(scope, folders)) {
    const why = filePruned(obj, scope);
    if (why) {
      files[why] += 1;
      continue;
    }
    objects.push(obj);
    const parts = partsOfKey(obj.name);
    if (parts.layout === 'organization') {
      layout.organization += 1;
      layout.organizationIds.add(parts.orgId!);
    } else if (parts.layout === 'account') layout.account += 1;
    else layout.other += 1;
  }
  const scoped = Object.keys(scope).length > 0;
  return {
    objects,
    prunedByDate: files.date,
    pruned: scoped ? { pruned: { folders, files: { account: files.account, region: files.region } } } : {},
    layout: { ...layout, organizationIds: [...layout.organizationIds].sort() },
  };
}

/** Record-level problems of an ingest, in input order (the same whichever path read the files). */
async function recordIssues(
  store: TrailStore,
  objects: readonly TrailObject[],
): Promise<Pick<ReportInputs, 'skippedRecords' | 'missingRegion'>> {
  const order = new Map(objects.map((x, i) => [x.name, i]));
  const skippedRecords = store
    .skippedRecords()
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (order.get(a.r.file) ?? 0) - (order.get(b.r.file) ?? 0) || a.i - b.i)
    .map((x) => x.r);
  const missing = await store.missingRegion();
  missing.records.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  return { skippedRecords, missingRegion: missing };
}

export interface SessionsOptions {
  readonly records: SessionRecordSource;
  readonly principals: SessionPrincipals;
  readonly since?: string;
  readonly until?: string;
}

/** Finds the session records in a store and reconstructs the sessions, with IAM access levels. */
export async function sessionsFrom(o: SessionsOptions): Promise<Session[]> {
  let records: CloudTrailRecord[] = await collectSessionRecords(o.records, o.principals);
  if (o.since || o.until) {
    const lo = o.since ? Date.parse(o.since) : -Infinity;
    const hi = o.until ? Date.parse(o.until.length === 10 ? `${o.until}T23:59:59.999Z` : o.until) : Infinity;
    records = records.filter((r) => {
      const t = Date.parse(r.eventTime);
      return Number.isNaN(t) || (t >= lo && t <= hi);
    });
  }
  const levels = await resolveAccessLevels(records.flatMap(iamActionsOf));
  return buildSessions(records, { principals: o.principals, classify: classifierOf(levels) });
}

/**
 * Exit status of `breakglass report`: 1 when the window holds at least one break-glass session or
 * attempt (the glass was broken, or someone tried), 0 when it holds none.
 */
export function hasFindings(report: Report): boolean {
  return report.sessions.length > 0;
}
