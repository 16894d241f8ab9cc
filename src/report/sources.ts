/**
 * Where trail files come from: a local tree (as CloudTrail delivers it, or any folder of `.json`,
 * `.json.gz`, `.jsonl` files) or an S3 prefix (adapter in the CLI). Both list files with their size
 * and the date in their path, and hand the store a local path to read.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ReportError } from './errors.js';
import { hasScope, prunableBelow, prunedFolderOfKey, type PruneCounts, type TrailScope } from './layout.js';

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
  /**
   * Every trail file, in key order. With a scope, folders wholly outside it (another account, Region
   * or day: layout.ts) are never listed and are counted in `pruned`; files are filtered by the caller.
   */
  list(scope?: TrailScope, pruned?: PruneCounts): AsyncIterable<TrailObject>;
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

/** One entry of a folder listing: a sub-folder (path or key prefix) or a trail file. */
export type FolderEntry = { readonly dir: string } | { readonly file: TrailObject };

/** A tree of folders: local directories or S3 key prefixes (`Delimiter: '/'`). */
export interface TrailFolders {
  /** A folder's sub-folders and trail files, in key order. */
  entries(dir: string): AsyncIterable<FolderEntry>;
  /** Every trail file under a folder, in key order (one flat listing). */
  all(dir: string): AsyncIterable<TrailObject>;
}

/**
 * The files of `root` inside `scope`: folders outside it are counted and never listed; a folder below
 * which nothing more can be pruned (a day folder, or a Region when no dates are given) is listed whole.
 * `CloudTrail-Digest` folders are skipped.
 */
export async function* listScoped(
  tree: TrailFolders,
  root: string,
  scope: TrailScope | undefined,
  pruned: PruneCounts | undefined,
): AsyncIterable<TrailObject> {
  if (!scope || !hasScope(scope)) {
    yield* tree.all(root);
    return;
  }
  const seen = new Set<string>();
  const walk = async function* (dir: string): AsyncIterable<TrailObject> {
    const out = prunedFolderOfKey(`${dir.split(sep).join('/')}/_`, scope);
    if (out) {
      if (pruned && !seen.has(out.folder)) pruned[out.reason] += 1;
      seen.add(out.folder);
      return;
    }
    if (!prunableBelow(dir, scope)) {
      yield* tree.all(dir);
      return;
    }
    for await (const e of tree.entries(dir)) {
      if ('file' in e) yield e.file;
      else if (!/(^|[/\\])CloudTrail-Digest[/\\]?$/.test(e.dir)) yield* walk(e.dir);
    }
  };
  yield* walk(root);
}

export class LocalTrailSource implements TrailSource {
  constructor(private readonly root: string) {}

  async *list(scope?: TrailScope, pruned?: PruneCounts): AsyncIterable<TrailObject> {
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
    yield* listScoped(this.folders(), this.root, scope, pruned);
  }

  private folders(): TrailFolders {
    const root = this.root;
    const entries = async function* (dir: string): AsyncIterable<FolderEntry> {
      const list = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      for (const e of list) {
        const p = join(dir, e.name);
        if (e.isDirectory()) yield { dir: p };
        else if (e.isFile() && isTrailFileName(p)) {
          const rel = relative(root, p).split(sep).join('/');
          yield { file: { name: p, size: (await stat(p)).size, ...dated(rel) } };
        }
      }
    };
    const all = async function* (dir: string): AsyncIterable<TrailObject> {
      for await (const e of entries(dir)) {
        if ('file' in e) yield e.file;
        else if (!e.dir.endsWith(`${sep}CloudTrail-Digest`)) yield* all(e.dir);
      }
    };
    return { entries, all };
  }

  async fetch(obj: TrailObject): Promise<LocalCopy> {
    return { path: obj.name, release: async () => undefined };
  }
}

function dated(path: string): { date?: string } {
  const d = dateOfPath(path);
  return d ? { date: d } : {};
}
