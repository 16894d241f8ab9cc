/**
 * Worker thread of the fast path: reads, decompresses and scans one file at a time (see prefilter.ts)
 * so the scan of a trail runs on every core. Messages: `{ id, path, names }` in, `{ id, result }` out
 * (`result` undefined when the file is not a log file the scan can vouch for).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parentPort } from 'node:worker_threads';
import { scanLogFile, type ScanResult } from './prefilter.js';

export interface ScanRequest {
  readonly id: number;
  readonly path: string;
  readonly names: readonly string[];
  readonly maxBytes: number;
  /** Learned credentials by hash (second scan only). */
  readonly learned?: ReadonlyArray<readonly [number, readonly string[]]>;
}

export interface ScanReply {
  readonly id: number;
  readonly result?: ScanResult;
  readonly error?: string;
}

function load(path: string, maxBytes: number): Buffer | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch {
    return undefined;
  }
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw, { maxOutputLength: maxBytes, chunkSize: 1024 * 1024 });
    } catch {
      return undefined;
    }
  }
  return raw.length <= maxBytes ? raw : undefined;
}

const empty = new Map<number, readonly string[]>();
parentPort?.on('message', (m: ScanRequest) => {
  let reply: ScanReply;
  try {
    const buf = load(m.path, m.maxBytes);
    const learned = m.learned ? new Map(m.learned) : empty;
    const result = buf ? scanLogFile(buf, { names: m.names, learned }) : undefined;
    reply = result ? { id: m.id, result } : { id: m.id };
  } catch (e) {
    reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
