/**
 * S3 trail source (AWS SDK v3): ListObjectsV2 under a prefix, GetObject streamed to a temporary file
 * that the DuckDB store reads and that is removed right after. The endpoint can be overridden
 * (`--endpoint-url`, or AWS_ENDPOINT_URL_S3 which the SDK reads itself).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ReportError, SkipFile } from '../../report/errors.js';
import { hasScope, prunedFolderOfKey, type PruneCounts, type TrailScope } from '../../report/layout.js';
import {
  dateOfPath,
  isTrailFileName,
  type LocalCopy,
  type TrailObject,
  type TrailSource,
} from '../../report/sources.js';

export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** `s3://bucket/prefix` → parts; rejects anything else with the flag name. */
export function parseS3Url(url: string, flag = '--trail'): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m)
    throw new ReportError(`${flag}: ${JSON.stringify(url)} is not an S3 URL; expected s3://bucket/prefix`);
  return { bucket: m[1]!, prefix: m[2] ?? '' };
}

export interface S3ClientOptions {
  readonly endpoint?: string;
  readonly region?: string;
}

export function makeS3Client(o: S3ClientOptions): S3Client {
  return new S3Client({
    ...(o.region ? { region: o.region } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
  });
}

export class S3TrailSource implements TrailSource {
  /** One folder for the whole run: a promise, so that concurrent first fetches share it (no leaked folders). */
  private tempDir: Promise<string> | undefined;
  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {}

  /**
   * One ListObjectsV2 listing over the prefix, in key order. With a scope, a key under a folder
   * outside it (another account, Region, or days outside the window: layout.ts) restarts the listing
   * with `StartAfter` past that folder, so its keys are never listed (one call per folder skipped).
   * No `Delimiter`: nothing depends on the server grouping common prefixes.
   */
  async *list(scope?: TrailScope, pruned?: PruneCounts): AsyncIterable<TrailObject> {
    const scoped = scope !== undefined && hasScope(scope);
    const seen = new Set<string>();
    let startAfter: string | undefined;
    for (;;) {
      let token: string | undefined;
      // Where to list on from when a key falls in a folder outside the scope (always past that key).
      let restart: string | undefined;
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: this.location.prefix || undefined,
            ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
          }),
        );
        for (const o of page.Contents ?? []) {
          if (!o.Key) continue;
          const out = scoped ? prunedFolderOfKey(o.Key, scope) : undefined;
          if (out) {
            if (pruned && !seen.has(out.folder)) pruned[out.reason] += 1;
            seen.add(out.folder);
            restart = out.resumeAfter;
            break;
          }
          if (!isTrailFileName(o.Key)) continue;
          const date = dateOfPath(o.Key);
          yield {
            name: `s3://${this.location.bucket}/${o.Key}`,
            size: o.Size ?? 0,
            ...(date ? { date } : {}),
          };
        }
        token = !restart && page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      if (!restart) return;
      startAfter = restart;
    }
  }

  async fetch(obj: TrailObject): Promise<LocalCopy> {
    const dir = await (this.tempDir ??= mkdtemp(join(tmpdir(), 'breakglass-s3-')));
    const key = obj.name.slice(`s3://${this.location.bucket}/`.length);
    const file = join(dir, key.replace(/[^\w.-]+/g, '_'));
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      const body = res.Body;
      if (!(body instanceof Readable)) throw new Error('S3 returned no readable body');
      await pipeline(body, createWriteStream(file));
    } catch (e) {
      // One object that cannot be downloaded is skipped like a corrupt file; the run goes on.
      await rm(file, { force: true });
      throw new SkipFile(`download failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { path: file, release: () => rm(file, { force: true }) };
  }

  async close(): Promise<void> {
    const dir = await this.tempDir?.catch(() => undefined);
    this.tempDir = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
