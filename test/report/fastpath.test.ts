import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionPrincipals } from '../../src/engines/cloudtrail/sessions.js';
import { ingestTrail, sessionsFrom } from '../../src/report/build.js';
import { LocalTrailSource } from '../../src/report/sources.js';
import { TrailStore } from '../../src/report/store.js';
import { BREAK_GLASS, PLANTED_SESSIONS, writeTrail } from '../../bench/report.bench.js';
import { CHAINED_ROLE, STRATUS_ROLE, fixtureRecords, writeTrailTree, type TrailTree } from './helpers.js';

interface Run {
  readonly inputs: {
    files: number;
    events: number;
    skipped: ReadonlyArray<{ file: string; reason: string }>;
  };
  /** Sessions as the JSON report has them (every field). */
  readonly sessions: unknown;
  readonly stored: number;
  readonly fast?: { candidates: number; rescanned: number };
}

async function run(
  root: string,
  principals: SessionPrincipals,
  mode: 'full' | 'fast' | 'fast-main-thread' | 'fast-no-rescan',
): Promise<Run> {
  const store = await TrailStore.open();
  try {
    const r = await ingestTrail({
      source: new LocalTrailSource(root),
      sourceName: root,
      store,
      ...(mode === 'full' ? {} : { prefilter: principals }),
      ...(mode === 'fast-no-rescan' ? { noRescan: true } : {}),
      ...(mode === 'fast-main-thread' ? { scanWorkers: 0 } : {}),
    });
    const sessions = await sessionsFrom({ records: store, principals });
    return {
      inputs: r.inputs,
      sessions: JSON.parse(JSON.stringify(sessions)) as unknown,
      stored: await store.count(),
      ...(r.fast ? { fast: r.fast } : {}),
    };
  } finally {
    await store.close();
  }
}

function put(root: string, rel: string, data: string | Buffer): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
}

const fixturePrincipals = { roleArns: [CHAINED_ROLE, STRATUS_ROLE], userNames: [] };

describe('report fast path (pre-filter) on the test fixtures', () => {
  let tree: TrailTree;
  let full: Run;
  let fast: Run;
  beforeAll(async () => {
    tree = writeTrailTree();
    full = await run(tree.root, fixturePrincipals, 'full');
    fast = await run(tree.root, fixturePrincipals, 'fast');
  });
  afterAll(() => rmSync(tree.root, { recursive: true, force: true }));

  it('finds the same sessions as the full ingest, field for field', () => {
    expect(full.sessions).toHaveLength(5);
    expect(fast.sessions).toEqual(full.sessions);
  });

  it('counts the same events and skips the same bad files with the same reasons', () => {
    expect(fast.inputs.files).toBe(full.inputs.files);
    expect(fast.inputs.events).toBe(full.inputs.events);
    expect(fast.inputs.events).toBe(tree.records.length);
    expect(fast.inputs.skipped).toEqual(full.inputs.skipped);
    expect(fast.inputs.skipped).toHaveLength(3);
  });

  it('gives DuckDB fewer records than the full ingest', () => {
    expect(fast.stored).toBeLessThan(full.stored);
    expect(full.stored).toBe(tree.records.length);
  });

  it('scans on the main thread the same way it scans on workers', async () => {
    const main = await run(tree.root, fixturePrincipals, 'fast-main-thread');
    expect(main.sessions).toEqual(full.sessions);
  });
});

describe('report fast path: credentials learned after the files that use them were scanned', () => {
  let root: string;
  beforeAll(() => {
    // The chained role's calls (linked only by the access key its AssumeRole returned) sit in a file
    // that is scanned first; the AssumeRole into the chained role in a later one; the way in last.
    root = mkdtempSync(join(tmpdir(), 'bg-fast-order-'));
    const recs = fixtureRecords('chained-two-regions.json');
    const opsCalls = recs.filter((r) => r.userIdentity?.arn?.includes('assumed-role/Ops/'));
    const rest = recs.filter((r) => !opsCalls.includes(r));
    const chainHop = rest.filter((r) => r.awsRegion === 'eu-west-1');
    const wayIn = rest.filter((r) => r.awsRegion !== 'eu-west-1');
    expect(opsCalls.length).toBeGreaterThan(0);
    const file = (rs: unknown[]) => gzipSync(JSON.stringify({ Records: rs }));
    put(root, 'AWSLogs/000000000001/CloudTrail/eu-west-1/2026/03/01/a.json.gz', file(opsCalls));
    put(root, 'AWSLogs/000000000002/CloudTrail/eu-west-1/2026/03/01/b.json.gz', file(chainHop));
    put(root, 'AWSLogs/000000000003/CloudTrail/us-east-1/2026/03/01/c.json.gz', file(wayIn));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const principals = { roleArns: [CHAINED_ROLE], userNames: [] };

  it('scans those files again and finds the same sessions as the full ingest', async () => {
    const full = await run(root, principals, 'full');
    const fast = await run(root, principals, 'fast');
    expect(fast.sessions).toEqual(full.sessions);
    expect(fast.inputs.events).toBe(full.inputs.events);
    expect(fast.fast?.rescanned).toBeGreaterThan(0);
  });

  it('fails to match the full ingest without the second scan (the comparison can fail)', async () => {
    const full = await run(root, principals, 'full');
    const noRescan = await run(root, principals, 'fast-no-rescan');
    expect(noRescan.sessions).not.toEqual(full.sessions);
    const count = (s: unknown) => (s as Array<{ counts: { total: number } }>)[0]?.counts.total ?? 0;
    expect(count(noRescan.sessions)).toBeLessThan(count(full.sessions));
  });
});

describe('report fast path on a small generated trail (bench generator)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bg-fast-gen-'));
    writeTrail(dir, 3 * 1024 * 1024, 7, 0.25, true);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every planted session, identical to the full ingest, reading a fraction of the records', async () => {
    const principals = { roleArns: [BREAK_GLASS], userNames: [] };
    const full = await run(join(dir, 'AWSLogs'), principals, 'full');
    const fast = await run(join(dir, 'AWSLogs'), principals, 'fast');
    expect(full.sessions).toHaveLength(PLANTED_SESSIONS);
    expect(fast.sessions).toEqual(full.sessions);
    expect(fast.inputs.events).toBe(full.inputs.events);
    expect(fast.stored).toBeLessThan(full.stored / 50);
  });
});
