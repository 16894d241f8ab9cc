/**
 * The report's fast path (no `--db`): DuckDB reads only the records a break-glass query can return.
 *
 *  1. Every file is decompressed in Node and scanned (`scanLogFile`): records that mention a
 *     break-glass role or user name or a permission set's role-name prefix, or that the scan cannot
 *     vouch for, go to DuckDB (a reduced
 *     `{"Records":[…]}` copy of the file); the rest are only counted. Files the scan cannot prove
 *     valid go to DuckDB whole, so bad input is skipped with DuckDB's reason exactly as before.
 *  2. The session plan runs on the store; every credential it learns (access key id, assumed-role ARN,
 *     source identity) that is not a marker yet becomes one, and only the files whose value index
 *     may hold it are scanned again (CloudTrail files are not time-ordered across Regions). Repeat
 *     until the plan learns nothing new.
 *
 * At the fixed point the store holds every record the plan's queries match on the whole trail, so the
 * sessions are the same as with every record ingested (test/report/fastpath.test.ts checks it).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ScanReply, ScanRequest } from './scan-worker.js';
import type { SessionPrincipals } from '../engines/cloudtrail/sessions.js';
import { SkipFile } from './errors.js';
import { ssoRoleNamePrefix } from '../engines/identity-center.js';
import {
  collectSessionRecords,
  harvestCredentials,
  permissionSetsOf,
  roleNamesOf,
  userNamesOf,
} from './plan.js';
import { hashString, hasAnyHash, scanLogFile, type Markers, type ScanResult } from './prefilter.js';
import type { LocalCopy, TrailObject, TrailSource } from './sources.js';
import type { BatchFile, TrailStore } from './store.js';

const gunzipAsync = promisify(gunzip);
const MB = 1024 * 1024;
/** Bigger files (decompressed) go to DuckDB whole: the scan holds a file in memory. */
const MAX_SCAN_BYTES = 256 * MB;

export interface FastPathOptions {
  readonly source: TrailSource;
  readonly objects: readonly TrailObject[];
  readonly store: TrailStore;
  readonly principals: SessionPrincipals;
  /** Scan worker threads (default: `defaultScanWorkers()`); 0 scans on the main thread. */
  readonly workers?: number;
  /** Test seam: skip step 2 (the second scan for learned credentials). Never set in production. */
  readonly noRescan?: boolean;
  readonly onFile?: (p: { files: number; bytes: number; events: number }) => void;
  readonly onSkip?: (s: { file: string; reason: string }) => void;
}

export interface FastPathResult {
  readonly events: number;
  readonly skipped: Array<{ file: string; reason: string }>;
  /** Files scanned again for learned credentials. */
  readonly rescanned: number;
  /** Records given to DuckDB out of the scanned files. */
  readonly candidates: number;
}

interface Scanned {
  readonly index: number;
  /** Records counted but not in the store. */
  plain: number;
  valueHashes: Uint32Array;
}

/** The file's bytes, decompressed; undefined when Node cannot read it (DuckDB then reports why). */
async function load(path: string): Promise<Buffer | undefined> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch {
    return undefined;
  }
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return await gunzipAsync(raw, { maxOutputLength: MAX_SCAN_BYTES, chunkSize: 1024 * 1024 });
    } catch {
      return undefined;
    }
  }
  return raw.length <= MAX_SCAN_BYTES ? raw : undefined;
}

let bundled: string | undefined;
function bundledWorker(url: URL): string {
  if (bundled === undefined) {
    const esbuild = createRequire(import.meta.url)('esbuild') as {
      buildSync(o: object): { outputFiles: Array<{ text: string }> };
    };
    bundled = esbuild.buildSync({
      entryPoints: [fileURLToPath(url)],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    }).outputFiles[0]!.text;
  }
  return bundled;
}

/** A few scan workers (one per core, at most 4); none on a single core. */
class ScanPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<
    number,
    { resolve: (r: ScanReply) => void; reject: (e: unknown) => void }
  >();
  private nextId = 0;
  private rr = 0;

  constructor(size: number) {
    const ts = import.meta.url.endsWith('.ts');
    const url = new URL(ts ? './scan-worker.ts' : './scan-worker.js', import.meta.url);
    for (let k = 0; k < size; k++) {
      // From sources (tests, bench) Node cannot load TypeScript in a worker: bundle the worker with
      // esbuild (a dev dependency, there through tsx and vitest) and run it as eval code.
      const w = ts ? new Worker(bundledWorker(url), { eval: true }) : new Worker(url);
      w.on('message', (r: ScanReply) => {
        const p = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        p?.resolve(r);
      });
      w.on('error', (e) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  scan(path: string, markers: Markers): Promise<ScanReply> {
    const id = this.nextId++;
    const w = this.workers[this.rr++ % this.workers.length]!;
    const req: ScanRequest = {
      id,
      path,
      names: markers.names,
      maxBytes: MAX_SCAN_BYTES,
      ...(markers.learned.size > 0 ? { learned: [...markers.learned] } : {}),
    };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage(req);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Scan workers to start: one per core up to 4, none on one core (the main thread scans then). */
export function defaultScanWorkers(): number {
  const n = availableParallelism();
  return n <= 1 ? 0 : Math.min(4, n);
}

export async function ingestFast(o: FastPathOptions): Promise<FastPathResult> {
  const tmp = await mkdtemp(join(tmpdir(), 'breakglass-fast-'));
  // A permission set's roles by their name prefix (any text holding it; DuckDB and the session
  // engine then decide exactly, so a look-alike only costs a candidate).
  const names = [
    ...roleNamesOf(o.principals),
    ...userNamesOf(o.principals),
    ...permissionSetsOf(o.principals).map(ssoRoleNamePrefix),
  ];
  const learned = new Map<number, string[]>();
  const markers: Markers = { names, learned };
  const scanned = new Map<number, Scanned>();
  const skipped: Array<{ file: string; reason: string; index: number }> = [];
  let candidates = 0;
  let rescanned = 0;
  let inserted = 0;
  let plainTotal = 0;

  const skip = (index: number, reason: string) => {
    const s = { file: o.objects[index]!.name, reason };
    skipped.push({ ...s, index });
    o.onSkip?.(s);
  };

  // Whole files for DuckDB (not provably valid logs: JSON Lines, arrays, bad input), in batches.
  let whole: Array<{ index: number; copy: LocalCopy }> = [];
  const flushWhole = async () => {
    if (whole.length === 0) return;
    const batch = whole;
    whole = [];
    try {
      const r = await o.store.ingestBatch(
        batch.map((w) => ({ path: w.copy.path, label: o.objects[w.index]!.name })),
      );
      inserted += r.events;
      const byLabel = new Map(batch.map((w) => [o.objects[w.index]!.name, w.index]));
      for (const k of r.skipped) skip(byLabel.get(k.label)!, k.reason);
    } finally {
      for (const w of batch) await w.copy.release();
    }
  };

  // Reduced copies for DuckDB, in batches.
  let reduced: Array<{ index: number; file: BatchFile }> = [];
  const flushReduced = async () => {
    if (reduced.length === 0) return;
    const batch = reduced;
    reduced = [];
    // No record-by-record salvage of a reduced copy: its indexes are not the file's (read it whole).
    const r = await o.store.ingestBatch(
      batch.map((x) => x.file),
      { salvage: false },
    );
    inserted += r.events;
    for (const x of batch) await rm(x.file.path, { force: true });
    // A reduced copy DuckDB rejects holds a record that would make it reject the whole file:
    // read the whole file the old way, for the same outcome and reason.
    const bad = new Set(r.skipped.map((k) => k.label));
    for (const x of batch) if (bad.has(x.file.label)) await wholeFile(x.index);
  };

  /** Drops a scanned file's rows and reads it whole (DuckDB decides). */
  const wholeFile = async (index: number) => {
    const s = scanned.get(index);
    if (s) {
      plainTotal -= s.plain;
      scanned.delete(index);
    }
    inserted -= await o.store.deleteFile(o.objects[index]!.name);
    let copy: LocalCopy;
    try {
      copy = await o.source.fetch(o.objects[index]!);
    } catch (e) {
      if (!(e instanceof SkipFile)) throw e;
      skip(index, e.reason);
      return;
    }
    try {
      inserted += await o.store.ingestFile(copy.path, o.objects[index]!.name);
    } catch (e) {
      if (!(e instanceof SkipFile)) throw e;
      skip(index, e.reason);
    } finally {
      await copy.release();
    }
  };

  const take = async (index: number, r: ScanResult | undefined, copy: LocalCopy): Promise<boolean> => {
    if (!r) {
      whole.push({ index, copy });
      if (whole.length >= 32) await flushWhole();
      return false;
    }
    await copy.release();
    scanned.set(index, { index, plain: r.plain, valueHashes: r.valueHashes });
    plainTotal += r.plain;
    candidates += r.candidates;
    if (r.reduced) {
      const path = join(tmp, `${index}.json`);
      await writeFile(path, r.reduced);
      reduced.push({ index, file: { path, label: o.objects[index]!.name } });
      if (reduced.length >= 64) await flushReduced();
    }
    return true;
  };

  const fetchAndLoad = async (index: number): Promise<{ copy?: LocalCopy; buf?: Buffer; error?: string }> => {
    try {
      const copy = await o.source.fetch(o.objects[index]!);
      return { copy, ...((b) => (b ? { buf: b } : {}))(await load(copy.path)) };
    } catch (e) {
      if (!(e instanceof SkipFile)) throw e;
      return { error: e.reason };
    }
  };

  const workers = o.workers ?? defaultScanWorkers();
  const pool = workers > 0 ? new ScanPool(workers) : undefined;
  /** Fetches a file and scans it, on a worker when there are some. */
  const fetchAndScan = async (
    index: number,
  ): Promise<{ copy?: LocalCopy; result?: ScanResult; error?: string }> => {
    if (!pool) {
      const got = await fetchAndLoad(index);
      if (got.error !== undefined || !got.buf) return got;
      const result = scanLogFile(got.buf, markers);
      return result ? { copy: got.copy!, result } : { copy: got.copy! };
    }
    let copy: LocalCopy;
    try {
      copy = await o.source.fetch(o.objects[index]!);
    } catch (e) {
      if (!(e instanceof SkipFile)) throw e;
      return { error: e.reason };
    }
    const r = await pool.scan(copy.path, markers);
    if (r.error !== undefined) {
      await copy.release();
      throw new Error(`fast path: scan of ${o.objects[index]!.name} failed: ${r.error}`);
    }
    return r.result ? { copy, result: r.result } : { copy };
  };

  try {
    // Step 1, with the next files read, decompressed and scanned (on workers) while one is taken.
    const AHEAD = pool ? pool.size * 2 : 3;
    const pending: Array<Promise<{ copy?: LocalCopy; result?: ScanResult; error?: string }>> = [];
    let bytes = 0;
    for (let i = 0; i < Math.min(AHEAD, o.objects.length); i++) pending.push(fetchAndScan(i));
    for (let i = 0; i < o.objects.length; i++) {
      const got = await pending.shift()!;
      if (i + AHEAD < o.objects.length) pending.push(fetchAndScan(i + AHEAD));
      bytes += o.objects[i]!.size;
      if (got.error !== undefined) skip(i, got.error);
      else await take(i, got.result, got.copy!);
      o.onFile?.({ files: i + 1, bytes, events: plainTotal + inserted });
    }
    await flushWhole();
    await flushReduced();

    // Step 2: learn credentials from the sessions found so far; scan again only where they may be.
    for (;;) {
      const c = harvestCredentials(await collectSessionRecords(o.store, o.principals));
      const fresh = [...c.accessKeyIds, ...c.assumedRoleArns, ...c.sourceIdentities].filter(
        (v) => !(learned.get(hashString(v)) ?? []).includes(v),
      );
      if (fresh.length === 0 || o.noRescan) break;
      const freshHashes = new Set<number>();
      for (const v of fresh) {
        const h = hashString(v);
        freshHashes.add(h);
        const list = learned.get(h);
        if (list) list.push(v);
        else learned.set(h, [v]);
      }
      const targets = [...scanned.values()].filter((s) => hasAnyHash(s.valueHashes, freshHashes));
      // Scanned in parallel (on the workers), taken in order.
      const rescans = targets.map((s) => fetchAndScan(s.index));
      for (const [k, s] of targets.entries()) {
        rescanned++;
        const got = await rescans[k]!;
        await got.copy?.release();
        // The file read fine a moment ago; if it does not now, read it whole (DuckDB decides).
        if (got.error !== undefined || !got.result) {
          await wholeFile(s.index);
          continue;
        }
        const r = got.result;
        // Replace the file's rows with its new candidate set.
        inserted -= await o.store.deleteFile(o.objects[s.index]!.name);
        plainTotal += r.plain - s.plain;
        candidates += r.candidates - (r.records - s.plain);
        s.plain = r.plain;
        s.valueHashes = r.valueHashes;
        if (r.reduced) {
          const path = join(tmp, `${s.index}.json`);
          await writeFile(path, r.reduced);
          reduced.push({ index: s.index, file: { path, label: o.objects[s.index]!.name } });
        }
      }
      await flushReduced();
    }
  } finally {
    await pool?.close();
    for (const w of whole) await w.copy.release();
    await rm(tmp, { recursive: true, force: true });
  }
  skipped.sort((a, b) => a.index - b.index);
  // The last progress line has the final count (batches reach DuckDB after their files were read).
  o.onFile?.({
    files: o.objects.length,
    bytes: o.objects.reduce((n, x) => n + x.size, 0),
    events: plainTotal + inserted,
  });
  return {
    events: plainTotal + inserted,
    skipped: skipped.map(({ file, reason }) => ({ file, reason })),
    rescanned,
    candidates,
  };
}
