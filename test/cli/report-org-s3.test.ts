import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { S3TrailSource } from '../../src/cli/aws/s3.js';
import { ingestTrail, sessionsFrom } from '../../src/report/build.js';
import { partsOfKey } from '../../src/report/layout.js';
import { TrailStore } from '../../src/report/store.js';
import { ORG_ID, ROLE_NAME, writeOrgTrail } from '../report/org-trail-tree.js';
import { tempDir } from '../temp.js';

/**
 * An in-memory bucket behind a mocked S3Client: ListObjectsV2 as S3 documents it (keys in UTF-8
 * byte order, Prefix, StartAfter, MaxKeys pages with continuation tokens), GetObject streaming.
 */
const root = tempDir('bg-org-s3-');
const tree = writeOrgTrail(root);
const bucket = new Map<string, Buffer>();
for (const rel of tree.files) bucket.set(`trail/${rel}`, readFileSync(join(root, rel)));
bucket.set(
  `trail/AWSLogs/${ORG_ID}/333333333333/CloudTrail-Digest/eu-west-1/2026/03/01/d.json.gz`,
  Buffer.from('x'),
);
const keys = [...bucket.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
const PAGE = 3;

const s3 = mockClient(S3Client);
function list(input: ListObjectsV2CommandInput) {
  const after = input.ContinuationToken ?? input.StartAfter;
  const from = keys.filter(
    (k) =>
      k.startsWith(input.Prefix ?? '') &&
      (after === undefined || Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0),
  );
  const page = from.slice(0, PAGE);
  const truncated = from.length > PAGE;
  return {
    Contents: page.map((Key) => ({ Key, Size: bucket.get(Key)!.length })),
    IsTruncated: truncated,
    ...(truncated ? { NextContinuationToken: page[page.length - 1] } : {}),
  };
}
beforeEach(() => {
  s3.reset();
  s3.on(ListObjectsV2Command).callsFake(list);
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
    Body: Readable.from(bucket.get(input.Key)!),
  }));
});
afterAll(() => s3.restore());

async function run(scope: { accounts?: string[]; regions?: string[]; since?: string; until?: string }) {
  const source = new S3TrailSource(new S3Client({ region: 'us-east-1' }), {
    bucket: 'org-trail',
    prefix: 'trail/',
  });
  const store = await TrailStore.open();
  try {
    const r = await ingestTrail({ source, sourceName: 's3://org-trail/trail/', store, ...scope });
    const sessions = await sessionsFrom({
      records: store,
      principals: { roleArns: [ROLE_NAME], userNames: [] },
    });
    return { inputs: r.inputs, sessions };
  } finally {
    await store.close();
    await source.close();
  }
}

/** Keys S3 returned, by account, and the objects downloaded. */
function traffic() {
  const listed = s3
    .commandCalls(ListObjectsV2Command)
    .flatMap((c) => list(c.args[0].input).Contents.map((o) => o.Key));
  const got = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key!);
  return { listed, got, calls: s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input) };
}

describe('S3TrailSource over an organization trail', () => {
  it('lists the prefix flat, page by page, without a scope', async () => {
    const r = await run({});
    const t = traffic();
    expect(t.calls).toHaveLength(Math.ceil(keys.length / PAGE));
    expect(t.calls.every((c) => c.StartAfter === undefined && c.Delimiter === undefined)).toBe(true);
    expect(t.got).toHaveLength(tree.files.length);
    expect(r.sessions).toHaveLength(9);
    expect(r.inputs.layout?.organizationIds).toEqual([ORG_ID]);
  });

  it('--accounts: skips the other account folder with one StartAfter, never downloading its objects', async () => {
    const r = await run({ accounts: ['333333333333'] });
    const t = traffic();
    expect(t.got.map((k) => partsOfKey(k).account)).toEqual(Array(4).fill('333333333333'));
    // The first key of account 444… restarts the listing past its folder: it is the only one listed.
    expect(t.listed.filter((k) => k.includes('/444444444444/'))).toHaveLength(1);
    expect(t.calls.filter((c) => c.StartAfter)).toEqual([
      expect.objectContaining({ StartAfter: `trail/AWSLogs/${ORG_ID}/444444444444/\uffff` }),
    ]);
    expect(r.inputs.pruned?.folders).toEqual({ account: 1, region: 0, date: 0 });
    expect(r.inputs.files).toBe(4);
    expect(new Set(r.sessions.flatMap((s) => s.accounts))).toEqual(new Set(['333333333333']));
  });

  it('--since jumps each Region folder to the first day; --regions skips the others', async () => {
    const r = await run({ since: '2026-03-02', regions: ['eu-west-1'] });
    const t = traffic();
    const starts = t.calls.flatMap((c) => (c.StartAfter ? [c.StartAfter] : []));
    expect(starts).toEqual([
      `trail/AWSLogs/${ORG_ID}/333333333333/CloudTrail/eu-west-1/2026/03/02`,
      `trail/AWSLogs/${ORG_ID}/333333333333/CloudTrail/us-east-1/\uffff`,
      `trail/AWSLogs/${ORG_ID}/444444444444/CloudTrail/eu-west-1/2026/03/02`,
      `trail/AWSLogs/${ORG_ID}/444444444444/CloudTrail/us-east-1/\uffff`,
    ]);
    expect(r.inputs.pruned?.folders).toEqual({ account: 0, region: 2, date: 2 });
    expect(t.got.map((k) => partsOfKey(k).date).sort()).toEqual(['2026-03-02', '2026-03-02', '2026-03-03']);
    expect(r.sessions.map((s) => s.regions.join())).toEqual(['eu-west-1', 'eu-west-1', 'eu-west-1']);
  });
});
