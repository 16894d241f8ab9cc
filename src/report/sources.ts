/**
 * Where trail files come from: a local tree (as CloudTrail delivers it, or any folder of `.json`,
 * `.json.gz`, `.jsonl` files) or an S3 prefix (adapter in the CLI). Both list files with their size
 * and the date in their path, and hand the store a local path to read.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ReportError } from './errors.js';

export interface TrailObject {
  /** Path or `s3://bucket/key`: what warnings and `inputs.skipped` name. */
  readonly name: string;
  readonly size: number;
  /** `YYYY-MM-DD` from `…/CloudTrail/<region>/YYYY/MM/DD/…`, when the path has it. */
  readonly date?: string;
}

export interface LocalCopy {
  readonly path: string;
  /** Removes the copy if it is a temporary download. */
  release(): Promise<void>;
}

export interface TrailSource {
  list(): AsyncIterable<TrailObject>;
  /** A local file with the object's bytes. */
  fetch(obj: TrailObject): Promise<LocalCopy>;
}

const TRAIL_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;

/** True for the files a trail holds records in (not digests, not other files). */
export function isTrailFileName(name: string): boolean {
  return TRAIL_FILE.test(name) && !/CloudTrail-Digest/.test(name);
}

/** `YYYY-MM-DD` from a CloudTrail key (`AWSLogs/[o-xxx/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>`). */
export function dateOfPath(path: string): string | undefined {
  const m = /(?:^|[/\\])(\d{4})[/\\](\d{2})[/\\](\d{2})[/\\][^/\\]+$/.exec(path);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** Whether an object's path date is inside `[since, until]` (dates as `YYYY-MM-DD`; no date → keep). */
export function inWindow(obj: TrailObject, since?: string, until?: string): boolean {
  if (!obj.date) return true;
  if (since && obj.date < since.slice(0, 10)) return false;
  if (until && obj.date > until.slice(0, 10)) return false;
  return true;
}

export class LocalTrailSource implements TrailSource {
  constructor(private readonly root: string) {}

  async *list(): AsyncIterable<TrailObject> {
    let st;
    try {
      st = await stat(this.root);
    } catch {
      throw new ReportError(
        `--trail: ${JSON.stringify(this.root)} does not exist; pass a folder, a file or s3://bucket/prefix`,
      );
    }
    if (st.isFile()) {
      yield { name: this.root, size: st.size, ...dated(this.root) };
      return;
    }
    yield* this.walk(this.root);
  }

  private async *walk(dir: string): AsyncIterable<TrailObject> {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === 'CloudTrail-Digest') continue;
        yield* this.walk(p);
      } else if (e.isFile() && isTrailFileName(p)) {
        const rel = relative(this.root, p).split(sep).join('/');
        yield { name: p, size: (await stat(p)).size, ...dated(rel) };
      }
    }
  }

  async fetch(obj: TrailObject): Promise<LocalCopy> {
    return { path: obj.name, release: async () => undefined };
  }
}

function dated(path: string): { date?: string } {
  const d = dateOfPath(path);
  return d ? { date: d } : {};
}
