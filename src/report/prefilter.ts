/**
 * The report's fast path (no `--db`): a strict, streaming-speed scan of one CloudTrail log file
 * (`{"Records":[…]}`) that decides which records DuckDB has to read. DuckDB stays the engine of
 * record; this scan only proves that a record is (a) a well-formed CloudTrail record DuckDB would
 * accept and count and (b) irrelevant to every break-glass query, and leaves it out.
 *
 * A record goes to DuckDB (is a *candidate*) when any of these holds:
 *  - its raw text contains a break-glass role name or user name, or the role-name prefix
 *    `AWSReservedSSO_<set>_` of a break-glass permission set (ways in, SwitchRole, calls by a
 *    break-glass role session or user all carry the name in an ARN or a user name);
 *  - the value of an `accessKeyId`, `arn` or `sourceIdentity` key (at any depth) equals a credential
 *    learned from the sessions found so far (role chaining);
 *  - anything DuckDB might read differently from this scan: a `\u` or `\/` escape, an escape inside
 *    one of those values, a missing/duplicate/non-string eventTime/eventSource/eventName/awsRegion,
 *    a non-object where the store's schema has a STRUCT, a duplicate schema key.
 * Any file the scan cannot prove valid (not a log file, invalid JSON or UTF-8, other top-level keys)
 * is not scanned at all: it goes to DuckDB whole, exactly as without the fast path.
 *
 * For each scanned file the scan also returns the hashes of every `accessKeyId`/`arn`/`sourceIdentity`
 * value, so credentials learned later (CloudTrail files are not time-ordered across Regions) send only
 * the files that may hold them back through a second, narrow scan.
 */
import { isUtf8 } from 'node:buffer';

const Q = 0x22; // "
const BS = 0x5c; // \

/** Contexts whose keys the store's schema types (STRUCT levels). */
const enum Ctx {
  None = 0,
  Record = 1,
  UserIdentity = 2,
  SessionContext = 3,
  SessionIssuer = 4,
  Attributes = 5,
}

/** Per context: key name → [bit for duplicate detection, child context if the value is a STRUCT, required bit]. */
type FieldInfo = readonly [bit: number, child: Ctx | -1, required: number];
const SCHEMA: ReadonlyArray<ReadonlyMap<string, FieldInfo>> = (() => {
  const m = (entries: Array<[string, Ctx | -1, number?]>) =>
    new Map(entries.map(([k, child, req], i) => [k, [1 << i, child, req ?? 0] as const]));
  return [
    new Map(),
    m([
      ['eventTime', -1, 1],
      ['eventSource', -1, 2],
      ['eventName', -1, 4],
      ['awsRegion', -1, 8],
      ['recipientAccountId', -1],
      ['eventID', -1],
      ['eventType', -1],
      ['readOnly', -1],
      ['errorCode', -1],
      ['errorMessage', -1],
      ['sourceIPAddress', -1],
      ['userAgent', -1],
      ['userIdentity', Ctx.UserIdentity],
      ['requestParameters', -1],
      ['responseElements', -1],
      ['additionalEventData', -1],
      ['resources', -1],
    ]),
    m([
      ['type', -1],
      ['principalId', -1],
      ['arn', -1],
      ['accountId', -1],
      ['accessKeyId', -1],
      ['userName', -1],
      ['sessionContext', Ctx.SessionContext],
    ]),
    m([
      ['sessionIssuer', Ctx.SessionIssuer],
      ['attributes', Ctx.Attributes],
      ['sourceIdentity', -1],
    ]),
    m([['arn', -1]]),
    m([['mfaAuthenticated', -1]]),
  ];
})();
const REQUIRED_ALL = 15;
const MAX_KEY = 20; // longest schema key ('additionalEventData' is 19)

/** FNV-1a over a byte range. */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

export function hashString(s: string): number {
  return hashBytes(Buffer.from(s, 'utf8'), 0, Buffer.byteLength(s, 'utf8'));
}

/** What makes a record relevant. */
export interface Markers {
  /** Role and user names, permission-set role-name prefixes: a record containing one anywhere is a candidate. */
  readonly names: readonly string[];
  /** Learned credentials (access key ids, assumed-role ARNs, source identities), by hash. */
  readonly learned: ReadonlyMap<number, readonly string[]>;
}

export interface ScanResult {
  /** Records in the file. */
  readonly records: number;
  /** Records left out (each one DuckDB would have counted). */
  readonly plain: number;
  /** `{"Records":[…]}` with the candidate records, byte for byte; undefined when there is none. */
  readonly reduced?: Buffer;
  readonly candidates: number;
  /** Sorted, unique hashes of every accessKeyId/arn/sourceIdentity value in the file. */
  readonly valueHashes: Uint32Array;
}

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Scans a decompressed file. Returns undefined when the file is not provably a valid CloudTrail log
 * file in the shape the fast path handles (the caller then gives the whole file to DuckDB).
 */
export function scanLogFile(buf: Buffer, markers: Markers): ScanResult | undefined {
  if (!isUtf8(buf)) return undefined;
  const n = buf.length;
  let i = 0;
  while (i < n && isWs(buf[i]!)) i++;
  if (buf[i] !== 0x7b) return undefined;
  i++;
  while (i < n && isWs(buf[i]!)) i++;
  if (buf.toString('latin1', i, i + 9) !== '"Records"') return undefined;
  i += 9;
  while (i < n && isWs(buf[i]!)) i++;
  if (buf[i] !== 0x3a) return undefined;
  i++;
  while (i < n && isWs(buf[i]!)) i++;
  if (buf[i] !== 0x5b) return undefined;
  i++;
  const starts: number[] = [];
  const ends: number[] = [];
  const doubt: boolean[] = [];
  const values: number[] = [];
  const learnedHit: boolean[] = [];
  {
    while (i < n && isWs(buf[i]!)) i++;
    if (buf[i] === 0x5d) i++;
    else
      for (;;) {
        while (i < n && isWs(buf[i]!)) i++;
        if (buf[i] !== 0x7b) return undefined;
        const s = i;
        const end = scanRecord(buf, i, values, markers.learned);
        if (end < 0) return undefined;
        starts.push(s);
        ends.push(end);
        doubt.push(recDoubt);
        learnedHit.push(recLearned);
        i = end;
        while (i < n && isWs(buf[i]!)) i++;
        if (buf[i] === 0x2c) {
          i++;
          continue;
        }
        if (buf[i] === 0x5d) {
          i++;
          break;
        }
        return undefined;
      }
  }
  while (i < n && isWs(buf[i]!)) i++;
  if (buf[i] !== 0x7d) return undefined;
  i++;
  while (i < n && isWs(buf[i]!)) i++;
  if (i !== n) return undefined;

  const cand = doubt.map((d, k) => d || learnedHit[k]!);
  // Names anywhere in a record's text.
  for (const name of markers.names) {
    if (!name) continue;
    for (let p = buf.indexOf(name, 0, 'utf8'); p >= 0; p = buf.indexOf(name, p + 1, 'utf8')) {
      const k = recordAt(starts, p);
      if (k >= 0 && p < ends[k]!) {
        cand[k] = true;
        // Skip to the end of that record: one hit is enough.
        p = ends[k]! - 1;
      }
    }
  }
  const parts: Buffer[] = [];
  let plain = 0;
  for (let k = 0; k < starts.length; k++) {
    if (cand[k]) {
      if (parts.length > 0) parts.push(COMMA);
      parts.push(buf.subarray(starts[k]!, ends[k]!));
    } else plain++;
  }
  const candidates = starts.length - plain;
  const hashes = Uint32Array.from(values).sort();
  let u = 0;
  for (let k = 0; k < hashes.length; k++)
    if (k === 0 || hashes[k] !== hashes[k - 1]) hashes[u++] = hashes[k]!;
  return {
    records: starts.length,
    plain,
    candidates,
    ...(candidates > 0 ? { reduced: Buffer.concat([HEAD, ...parts, TAIL]) } : {}),
    valueHashes: hashes.slice(0, u),
  };
}

const HEAD = Buffer.from('{"Records":[');
const TAIL = Buffer.from(']}');
const COMMA = Buffer.from(',');

function recordAt(starts: readonly number[], p: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= p) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Whether a sorted hash list holds any of the given hashes. */
export function hasAnyHash(sorted: Uint32Array, hashes: Iterable<number>): boolean {
  for (const h of hashes) {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = sorted[mid]!;
      if (v === h) return true;
      if (v < h) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return false;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
const ACCESS_KEY_ID = Buffer.from('accessKeyId');
const ARN = Buffer.from('arn');
const SOURCE_IDENTITY = Buffer.from('sourceIdentity');

function sameBytes(b: Buffer, s: number, e: number, k: Uint8Array): boolean {
  if (e - s !== k.length) return false;
  for (let j = 0; j < k.length; j++) if (b[s + j] !== k[j]) return false;
  return true;
}

/**
 * Schema lookup without a string per key: a slot from (length, first byte, last byte), verified byte
 * for byte. Slot collisions between names of one context fall back to a short list.
 */
interface SchemaKey {
  readonly name: Uint8Array;
  readonly info: FieldInfo;
}
const slotOf = (len: number, first: number, last: number) => (len * 131 + first * 7 + last) & 1023;
const SCHEMA_SLOTS: ReadonlyArray<ReadonlyArray<readonly SchemaKey[] | undefined>> = SCHEMA.map((m) => {
  const t: Array<SchemaKey[] | undefined> = new Array<SchemaKey[] | undefined>(1024).fill(undefined);
  for (const [k, info] of m) {
    const name = Buffer.from(k);
    const slot = slotOf(name.length, name[0]!, name[name.length - 1]!);
    (t[slot] ??= []).push({ name, info });
  }
  return t;
});

function schemaField(b: Buffer, ks: number, ke: number, cx: number): FieldInfo | undefined {
  if (ke <= ks) return undefined;
  const list = SCHEMA_SLOTS[cx]![slotOf(ke - ks, b[ks]!, b[ke - 1]!)];
  if (list === undefined) return undefined;
  for (const e of list) if (sameBytes(b, ks, ke, e.name)) return e.info;
  return undefined;
}

const ST_OBJ_START = 0;
const ST_OBJ_KEY = 1;
const ST_VALUE = 2;
const ST_AFTER = 3;
const ST_ARR_START = 4;

/** Result slots of `scanRecord` (one scan at a time; avoids an object per record). */
let recDoubt = false;
let recLearned = false;

/**
 * Validates one record (an object starting at `start`) strictly as JSON and notes what the fast path
 * must know (in `recDoubt`, `recLearned`). Returns the end offset (exclusive) or -1 when the JSON is invalid.
 */
function scanRecord(
  b: Buffer,
  start: number,
  values: number[],
  learned: ReadonlyMap<number, readonly string[]>,
): number {
  // Stacks: container kind (0 object, 1 array), context, seen-key bits.
  const kind: number[] = [0];
  const ctx: number[] = [Ctx.Record];
  const seen: number[] = [0];
  let depth = 1;
  let required = 0;
  let doubt = false;
  let hit = false;
  let i = start + 1;
  let st = ST_OBJ_START;
  // The key the next value belongs to (in a schema context).
  let field: FieldInfo | undefined;
  let interesting = false;
  let recordLevel = true;
  recDoubt = false;
  recLearned = false;
  for (;;) {
    let c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c === undefined) return -1;
    if (st === ST_VALUE) {
      const f = field;
      field = undefined;
      const struct = f !== undefined && f[1] !== -1;
      if (c === Q) {
        const vs = i + 1;
        const ve = stringEnd(b, i);
        if (ve < 0) return -1;
        if (struct || unsafeEscape) doubt = true;
        if (f !== undefined && f[2] !== 0 && recordLevel) required |= f[2];
        if (interesting) {
          if (escaped) doubt = true;
          const h = hashBytes(b, vs, ve);
          values.push(h);
          const ms = learned.size > 0 ? learned.get(h) : undefined;
          if (ms && ms.includes(b.toString('utf8', vs, ve))) hit = true;
          interesting = false;
        }
        i = ve + 1;
        st = ST_AFTER;
      } else if (c === 0x7b || c === 0x5b) {
        if (c === 0x5b && struct) doubt = true;
        if (f !== undefined && f[2] !== 0) doubt = true;
        kind[depth] = c === 0x7b ? 0 : 1;
        ctx[depth] = c === 0x7b && struct ? f![1] : Ctx.None;
        seen[depth] = 0;
        depth++;
        recordLevel = false;
        interesting = false;
        i++;
        st = c === 0x7b ? ST_OBJ_START : ST_ARR_START;
      } else {
        const e = literalEnd(b, i);
        if (e < 0) return -1;
        // null is fine for a STRUCT; a required field must be a string here (else DuckDB decides).
        if ((struct && c !== 0x6e) || (f !== undefined && f[2] !== 0)) doubt = true;
        interesting = false;
        i = e;
        st = ST_AFTER;
      }
      continue;
    }
    if (st === ST_AFTER || ((st === ST_OBJ_START || st === ST_ARR_START) && (c === 0x7d || c === 0x5d))) {
      const k = kind[depth - 1];
      if (st === ST_AFTER && c === 0x2c) {
        i++;
        st = k === 0 ? ST_OBJ_KEY : ST_VALUE;
        continue;
      }
      if ((k === 0 && c === 0x7d) || (k === 1 && c === 0x5d)) {
        if (st === ST_OBJ_START && k !== 0) return -1;
        if (st === ST_ARR_START && k !== 1) return -1;
        i++;
        depth--;
        if (depth === 0) {
          recDoubt = doubt || required !== REQUIRED_ALL;
          recLearned = hit;
          return i;
        }
        recordLevel = ctx[depth - 1] === Ctx.Record;
        st = ST_AFTER;
        continue;
      }
      return -1;
    }
    if (st === ST_ARR_START) {
      st = ST_VALUE;
      continue;
    }
    // ST_OBJ_START / ST_OBJ_KEY: a key.
    if (c !== Q) return -1;
    const ks = i + 1;
    const ke = stringEnd(b, i);
    if (ke < 0) return -1;
    if (escaped) doubt = true; // an escaped key may be any schema key
    i = ke + 1;
    const cx = ctx[depth - 1]!;
    field = undefined;
    if (cx !== Ctx.None && ke - ks <= MAX_KEY) {
      const info = schemaField(b, ks, ke, cx);
      if (info !== undefined) {
        const bit = info[0];
        if ((seen[depth - 1]! & bit) !== 0) doubt = true; // duplicate schema key: DuckDB rejects the file
        seen[depth - 1] = seen[depth - 1]! | bit;
        field = info;
      }
    }
    const len = ke - ks;
    interesting =
      (len === 3 && sameBytes(b, ks, ke, ARN)) ||
      (len === 11 && sameBytes(b, ks, ke, ACCESS_KEY_ID)) ||
      (len === 14 && sameBytes(b, ks, ke, SOURCE_IDENTITY));
    c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c !== 0x3a) return -1;
    i++;
    st = ST_VALUE;
  }
}

/** Set by `stringEnd`: whether the last string had an escape, and a `\\u` or `\\/` one. */
let escaped = false;
let unsafeEscape = false;

/**
 * Index of the closing quote of the string opening at `q`, or -1 if the string is invalid JSON.
 * A `\u` or `\/` escape anywhere throws nothing but marks the record doubtful through `escaped`.
 */
function stringEnd(b: Buffer, q: number): number {
  let i = q + 1;
  escaped = false;
  unsafeEscape = false;
  for (;;) {
    // Plain bytes (printable ASCII but " and \, and UTF-8, validated for the whole file) in one tight loop.
    let c = b[i];
    // Past the end c is undefined and every comparison is false.
    while (c !== Q && c !== BS && c! >= 0x20) c = b[++i];
    if (c === undefined) return -1;
    if (c === Q) return i;
    if (c !== BS) return -1; // a raw control character
    escaped = true;
    const e = b[i + 1];
    if (e === 0x75) {
      unsafeEscape = true;
      for (let k = 2; k < 6; k++) {
        const h = b[i + k];
        if (
          h === undefined ||
          !((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))
        )
          return -1;
      }
      i += 6;
    } else if (e === Q || e === BS || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
      i += 2;
    } else if (e === 0x2f) {
      unsafeEscape = true;
      i += 2;
    } else return -1;
  }
}

function isDigit(x: number | undefined): boolean {
  return x !== undefined && x >= 0x30 && x <= 0x39;
}

/** End of a number or true/false/null starting at `i`, or -1. */
function literalEnd(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c === 0x74) return sameBytes(b, i, i + 4, TRUE) ? i + 4 : -1;
  if (c === 0x66) return sameBytes(b, i, i + 5, FALSE) ? i + 5 : -1;
  if (c === 0x6e) return sameBytes(b, i, i + 4, NULL) ? i + 4 : -1;
  let j = i;
  if (b[j] === 0x2d) j++;
  if (b[j] === 0x30) j++;
  else if (isDigit(b[j]) && b[j] !== 0x30) while (isDigit(b[j])) j++;
  else return -1;
  if (b[j] === 0x2e) {
    j++;
    if (!isDigit(b[j])) return -1;
    while (isDigit(b[j])) j++;
  }
  if (b[j] === 0x65 || b[j] === 0x45) {
    j++;
    if (b[j] === 0x2b || b[j] === 0x2d) j++;
    if (!isDigit(b[j])) return -1;
    while (isDigit(b[j])) j++;
  }
  return j;
}
