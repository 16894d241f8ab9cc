/**
 * The post-incident report: ingest a trail (skipping bad files with a reason), reconstruct the
 * break-glass sessions, classify every call. Renderers turn the `Report` into HTML, Markdown, JSON.
 */
import { iamActionOf } from '../engines/cloudtrail/actions.js';
import type { CloudTrailRecord } from '../engines/cloudtrail/record.js';
import { buildSessions, type Session, type SessionPrincipals } from '../engines/cloudtrail/sessions.js';
import { classifierOf, resolveAccessLevels } from './access-levels.js';
import { SkipFile } from './errors.js';
import { collectSessionRecords, type SessionRecordSource } from './plan.js';
import { inWindow, type TrailSource } from './sources.js';
import type { TrailStore } from './store.js';

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
  readonly onProgress?: (p: Progress) => void;
  readonly onSkip?: (s: SkippedInput) => void;
}

export interface IngestResult {
  readonly inputs: ReportInputs;
}

/** Reads every file of the source into the store; bad files are skipped, never fatal. */
export async function ingestTrail(o: IngestOptions): Promise<IngestResult> {
  const objects = [];
  let pruned = 0;
  for await (const obj of o.source.list()) {
    if (inWindow(obj, o.since, o.until)) objects.push(obj);
    else pruned += 1;
  }
  const skipped: SkippedInput[] = [];
  let bytes = 0;
  let events = 0;
  let files = 0;
  for (const obj of objects) {
    let copy;
    try {
      copy = await o.source.fetch(obj);
      events += await o.store.ingestFile(copy.path, obj.name);
    } catch (e) {
      if (!(e instanceof SkipFile)) throw e;
      const s = { file: obj.name, reason: e.reason };
      skipped.push(s);
      o.onSkip?.(s);
    } finally {
      await copy?.release();
    }
    files += 1;
    bytes += obj.size;
    o.onProgress?.({ files, totalFiles: objects.length, bytes, events });
  }
  return {
    inputs: { files, prunedByDate: pruned, bytes, events, skipped, source: o.sourceName },
  };
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
  const levels = await resolveAccessLevels(records.map(iamActionOf));
  return buildSessions(records, { principals: o.principals, classify: classifierOf(levels) });
}

/**
 * Exit status of `breakglass report`: 1 when the window holds at least one break-glass session or
 * attempt (the glass was broken, or someone tried), 0 when it holds none.
 */
export function hasFindings(report: Report): boolean {
  return report.sessions.length > 0;
}
