import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamActionsOf } from '../../src/engines/cloudtrail/actions.js';
import { buildSessions } from '../../src/engines/cloudtrail/sessions.js';
import { classifierOf, resolveAccessLevels } from '../../src/report/access-levels.js';
import { ingestTrail, sessionsFrom, type IngestResult } from '../../src/report/build.js';
import { dateOfPath, LocalTrailSource } from '../../src/report/sources.js';
import { TrailStore } from '../../src/report/store.js';
import { CHAINED_ROLE, STRATUS_ROLE, writeTrailTree, type TrailTree } from './helpers.js';

const principals = { roleArns: [CHAINED_ROLE, STRATUS_ROLE], userNames: [] };
let tree: TrailTree;
let store: TrailStore;
let result: IngestResult;
const warnings: string[] = [];

beforeAll(async () => {
  tree = writeTrailTree();
  store = await TrailStore.open();
  result = await ingestTrail({
    source: new LocalTrailSource(tree.root),
    sourceName: tree.root,
    store,
    onSkip: (s) => warnings.push(`${s.file}: ${s.reason}`),
  });
});
afterAll(async () => {
  await store.close();
  rmSync(tree.root, { recursive: true, force: true });
});

describe('ingestTrail (DuckDB store)', () => {
  it('skips the truncated gzip, the invalid JSON and the non-CloudTrail file, each with its reason', () => {
    const skipped = result.inputs.skipped.map((s) => relative(tree.root, s.file)).sort();
    expect(skipped).toEqual(tree.bad.map((b) => b.rel).sort());
    for (const b of tree.bad) {
      const s = result.inputs.skipped.find((x) => x.file === join(tree.root, b.rel));
      expect(s?.reason).toMatch(b.reason);
      expect(s?.reason.split('\n')).toHaveLength(1);
    }
    expect(warnings).toHaveLength(3);
  });

  it('reads every good file: account and organization layouts, JSON Lines, plain and empty logs', async () => {
    expect(result.inputs.files).toBe(7);
    expect(result.inputs.events).toBe(tree.records.length);
    expect(await store.count()).toBe(tree.records.length);
  });

  it('finds the same sessions through SQL as the engine does on the raw records', async () => {
    const viaStore = await sessionsFrom({ records: store, principals });
    const levels = await resolveAccessLevels(tree.records.flatMap(iamActionsOf));
    const direct = buildSessions(tree.records, { principals, classify: classifierOf(levels) });
    expect(viaStore.map((s) => [s.wayIn, s.status, s.start, s.counts.total])).toEqual(
      direct.map((s) => [s.wayIn, s.status, s.start, s.counts.total]),
    );
    expect(viaStore.map((s) => s.actions.map((a) => a.eventId))).toEqual(
      direct.map((s) => s.actions.map((a) => a.eventId)),
    );
    expect(viaStore).toHaveLength(5);
    const chained = viaStore.find((s) => s.principal === CHAINED_ROLE);
    expect(chained?.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(chained?.tags).toEqual({ Reason: 'INC-42 database down', Ticket: 'INC-42' });
  });

  it('keeps the window: --since/--until prune files by their path date before reading', async () => {
    const s2 = await TrailStore.open();
    try {
      const r = await ingestTrail({
        source: new LocalTrailSource(tree.root),
        sourceName: tree.root,
        store: s2,
        since: '2026-03-01',
        until: '2026-03-01',
      });
      // stratus.jsonl sits under 2024/07/30 and is never opened.
      expect(r.inputs.prunedByDate).toBe(1);
      expect(r.inputs.events).toBe(tree.records.length - 69);
    } finally {
      await s2.close();
    }
  });
});

describe('TrailStore.ingestFile', () => {
  it('reads a log file bigger than the first object-size bound by retrying with a larger one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-big-'));
    const pad = 'x'.repeat(20_000);
    const records = Array.from({ length: 1000 }, (_, i) => ({
      eventTime: '2026-03-01T10:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      awsRegion: 'us-east-1',
      eventID: `big-${i}`,
      requestParameters: { pad },
    }));
    const file = join(dir, 'big.json.gz');
    writeFileSync(file, gzipSync(JSON.stringify({ Records: records })));
    const s = await TrailStore.open();
    try {
      // ~20 MB of JSON in one object: over the first 16 MB bound.
      expect(await s.ingestFile(file, 'big')).toBe(1000);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dateOfPath', () => {
  it('reads the date of CloudTrail keys, account and organization layouts', () => {
    expect(dateOfPath('AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/01/x.json.gz')).toBe('2026-03-01');
    expect(dateOfPath('p/AWSLogs/o-abc/111111111111/CloudTrail/eu-west-1/2025/12/31/x.json.gz')).toBe(
      '2025-12-31',
    );
    expect(dateOfPath('logs/x.json')).toBeUndefined();
  });
});

describe('LocalTrailSource', () => {
  it('rejects a missing --trail path naming the flag and the value', async () => {
    const src = new LocalTrailSource('/nonexistent/trail');
    await expect(async () => {
      for await (const _ of src.list()) void _;
    }).rejects.toThrow(/--trail: "\/nonexistent\/trail" does not exist/);
  });
});
