import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  isCloudTrailRecord,
  isEventBridgeEvent,
  toEventBridgeEvent,
  type CloudTrailRecord,
  type EventBridgeEvent,
} from '../engines/cloudtrail/index.js';

export interface InputEvent {
  readonly file: string;
  /** 1-based position in the file (line for JSON Lines, index in Records otherwise). */
  readonly position: number;
  readonly event: EventBridgeEvent;
  readonly record?: CloudTrailRecord;
}

export interface SkippedInput {
  readonly file: string;
  readonly reason: string;
}

/** Why `bytes` are not text (a NUL byte or invalid UTF-8), showing the first bytes escaped; else undefined. */
export function notText(bytes: Uint8Array): string | undefined {
  const nul = bytes.indexOf(0) >= 0;
  let utf8 = true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    utf8 = false;
  }
  if (!nul && utf8) return undefined;
  const head = [...bytes.subarray(0, 16)]
    .map((b) =>
      b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
  return `not text (${nul ? 'NUL bytes' : 'invalid UTF-8'}; starts with "${head}${bytes.length > 16 ? '…' : ''}")`;
}

function toInput(file: string, position: number, value: unknown): InputEvent | SkippedInput {
  if (isEventBridgeEvent(value)) {
    const rec = isCloudTrailRecord(value.detail) ? value.detail : undefined;
    return { file, position, event: value, ...(rec ? { record: rec } : {}) };
  }
  if (isCloudTrailRecord(value)) return { file, position, event: toEventBridgeEvent(value), record: value };
  return { file: `${file}:${position}`, reason: 'neither a CloudTrail record nor an EventBridge event' };
}

/**
 * Reads CloudTrail log files (`{"Records": [...]}`, `.json` or `.json.gz`), JSON Lines of bare records or
 * EventBridge envelopes, or a JSON array of either. A file that cannot be read is skipped with its reason;
 * a bad line in JSON Lines skips that line only.
 */
export function readEventsFile(file: string): { events: InputEvent[]; skipped: SkippedInput[] } {
  const events: InputEvent[] = [];
  const skipped: SkippedInput[] = [];
  let text: string;
  try {
    const raw = readFileSync(file);
    const bytes = file.endsWith('.gz') || (raw[0] === 0x1f && raw[1] === 0x8b) ? gunzipSync(raw) : raw;
    const binary = notText(bytes);
    if (binary) return { events, skipped: [{ file, reason: binary }] };
    text = bytes.toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'EISDIR' ? 'a folder, not a file' : code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { events, skipped: [{ file, reason: `cannot read: ${reason}` }] };
  }
  const push = (r: InputEvent | SkippedInput) => ('event' in r ? events.push(r) : skipped.push(r));
  const trimmed = text.trim();
  if (trimmed === '') return { events, skipped: [{ file, reason: 'empty file' }] };
  let whole: unknown;
  let wholeOk = false;
  try {
    whole = JSON.parse(trimmed) as unknown;
    wholeOk = true;
  } catch {
    wholeOk = false;
  }
  if (wholeOk) {
    const list =
      typeof whole === 'object' &&
      whole !== null &&
      !Array.isArray(whole) &&
      Array.isArray((whole as { Records?: unknown }).Records)
        ? (whole as { Records: unknown[] }).Records
        : Array.isArray(whole)
          ? whole
          : [whole];
    list.forEach((v, i) => push(toInput(file, i + 1, v)));
    return { events, skipped };
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      push(toInput(file, i + 1, JSON.parse(line) as unknown));
    } catch (e) {
      skipped.push({ file: `${file}:${i + 1}`, reason: `invalid JSON (${(e as Error).message})` });
    }
  });
  // Not one line was JSON: one reason for the file, not one per line.
  if (events.length === 0 && skipped.length > 1 && skipped.every((x) => x.reason.startsWith('invalid JSON')))
    return {
      events,
      skipped: [
        { file, reason: `not JSON or JSON Lines (${skipped.length} lines; line 1: ${skipped[0]!.reason})` },
      ],
    };
  return { events, skipped };
}
