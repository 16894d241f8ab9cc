import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/engines/cloudtrail/sessions.js';
import { ingestTrail, sessionsFrom, type IngestResult } from '../../src/report/build.js';
import { filePruned, partsOfKey, prunedFolderOfKey } from '../../src/report/layout.js';
import { LocalTrailSource, type LocalCopy, type TrailObject } from '../../src/report/sources.js';
import { TrailStore } from '../../src/report/store.js';
import { tempDir } from '../temp.js';
import { ACCOUNTS, ORG_ID, ROLE_NAME, writeAccountTrail, writeOrgTrail } from './org-trail-tree.js';

const principals = { roleArns: [ROLE_NAME], userNames: [] };

/** A local source that counts the files it hands out (the files actually read). */
class CountingSource extends LocalTrailSource {
  readonly opened: string[] = [];
  override async fetch(obj: TrailObject): Promise<LocalCopy> {
    this.opened.push(obj.name);
    return super.fetch(obj);
  }
}

interface Run {
  readonly result: IngestResult;
  readonly sessions: Session[];
  readonly opened: string[];
}

async function report(
  root: string,
  scope: { accounts?: string[]; regions?: string[]; since?: string; until?: string } = {},
  fast = false,
): Promise<Run> {
  const source = new CountingSource(root);
  const store = await TrailStore.open();
  try {
    const result = await ingestTrail({
      source,
      sourceName: root,
      store,
      ...scope,
      ...(fast ? { prefilter: principals, scanWorkers: 0 } : {}),
    });
    const window = {
      ...(scope.since ? { since: scope.since } : {}),
      ...(scope.until ? { until: scope.until } : {}),
    };
    const sessions = await sessionsFrom({ records: store, principals, ...window });
    return { result, sessions, opened: source.opened };
  } finally {
    await store.close();
  }
}

/** `account region day` of each session's way in. */
const cells = (ss: readonly Session[]) =>
  ss.map((s) => `${s.accounts.join(',')} ${s.regions.join(',')} ${s.start.slice(0, 10)}`).sort();

const root = tempDir('bg-org-trail-');
const tree = writeOrgTrail(root);

describe('report over an organization trail (AWSLogs/<org-id>/<account>/CloudTrail/…)', () => {
  it('finds the break-glass sessions of both accounts in every Region and day, digests left out', async () => {
    const r = await report(root);
    expect(cells(r.sessions)).toEqual([
      '333333333333 eu-west-1 2026-03-01',
      '333333333333 eu-west-1 2026-03-02',
      '333333333333 us-east-1 2026-03-01',
      '333333333333 us-east-1 2026-03-02',
      '444444444444 eu-west-1 2026-03-01',
      '444444444444 eu-west-1 2026-03-02',
      '444444444444 eu-west-1 2026-03-02',
      '444444444444 us-east-1 2026-03-01',
      '444444444444 us-east-1 2026-03-02',
    ]);
    expect(r.sessions.map((s) => s.principal)).toEqual(
      expect.arrayContaining(ACCOUNTS.map((a) => `arn:aws:iam::${a}:role/${ROLE_NAME}`)),
    );
    expect(r.sessions.every((s) => s.status === 'succeeded' && s.counts.total === 4)).toBe(true);
    expect(r.result.inputs.files).toBe(tree.files.length);
    expect(r.opened).toHaveLength(tree.files.length);
    expect(r.result.inputs.layout).toEqual({
      organization: 9,
      organizationIds: [ORG_ID],
      account: 0,
      other: 0,
    });
    expect(r.result.inputs.pruned).toBeUndefined();
  });

  it('reports a record of the wrong JSON type with its file and place, and reads the rest of the file', async () => {
    for (const fast of [false, true]) {
      const r = await report(root, {}, fast);
      expect(r.result.inputs.skippedRecords).toEqual([
        {
          file: join(root, tree.corruptFile),
          at: 'Records[2]',
          reason: expect.stringMatching(/userIdentity/),
        },
      ]);
      expect(r.result.inputs.skipped).toEqual([]);
      // The corrupt file's session is whole: its way in and its three calls.
      const first = r.sessions.find((s) => s.accessKeyIds.some((k) => k.startsWith('ASIA3333C0')));
      expect(first?.counts.total).toBe(4);
    }
  });

  it('--accounts leaves the other account folder unlisted: only that account files are read', async () => {
    const r = await report(root, { accounts: ['333333333333'] });
    expect(r.opened.map((f) => partsOfKey(f).account)).toEqual(Array(4).fill('333333333333'));
    expect(r.result.inputs.files).toBe(4);
    expect(r.result.inputs.pruned).toEqual({
      folders: { account: 1, region: 0, date: 0 },
      files: { account: 0, region: 0 },
    });
    expect(new Set(r.sessions.flatMap((s) => s.accounts))).toEqual(new Set(['333333333333']));
    expect(r.sessions).toHaveLength(4);
  });

  it('--regions leaves the other Region folders unlisted', async () => {
    const r = await report(root, { regions: ['eu-west-1'] });
    expect(r.result.inputs.files).toBe(5);
    expect(r.result.inputs.pruned?.folders).toEqual({ account: 0, region: 2, date: 0 });
    expect(new Set(r.sessions.flatMap((s) => s.regions))).toEqual(new Set(['eu-west-1']));
  });

  it('--since leaves earlier days unlisted; --until keeps the next day, where a day last minutes are delivered', async () => {
    const r = await report(root, { since: '2026-03-02', until: '2026-03-02' });
    // 2026/03/01 of each of the four Region folders is one range left out.
    expect(r.result.inputs.pruned?.folders).toEqual({ account: 0, region: 0, date: 4 });
    expect(r.opened.map((f) => partsOfKey(f).date).sort()).toEqual([
      '2026-03-02',
      '2026-03-02',
      '2026-03-02',
      '2026-03-02',
      '2026-03-03',
    ]);
    // The session at 23:58 on 2026-03-02, delivered in 2026/03/03, is in the window.
    expect(r.sessions.map((s) => s.start).sort()).toContain('2026-03-02T23:58:33Z');
    expect(r.sessions).toHaveLength(5);

    const before = await report(root, { until: '2026-03-01' });
    // 2026/03/03 (one Region folder has it) is left out; 2026/03/02 is read and filtered by eventTime.
    expect(before.result.inputs.pruned?.folders).toEqual({ account: 0, region: 0, date: 1 });
    expect(before.result.inputs.files).toBe(8);
    expect(cells(before.sessions).every((c) => c.endsWith('2026-03-01'))).toBe(true);
    expect(before.sessions).toHaveLength(4);
  });

  it('the fast path prunes and finds the same as the full ingest', async () => {
    const scope = { accounts: ['444444444444'], regions: ['eu-west-1'], since: '2026-03-02' };
    const [full, fast] = [await report(root, scope), await report(root, scope, true)];
    expect(fast.result.inputs.pruned).toEqual(full.result.inputs.pruned);
    expect(fast.result.inputs.pruned?.folders).toEqual({ account: 1, region: 1, date: 1 });
    expect(cells(fast.sessions)).toEqual(cells(full.sessions));
    expect(cells(fast.sessions)).toEqual([
      '444444444444 eu-west-1 2026-03-02',
      '444444444444 eu-west-1 2026-03-02',
    ]);
  });
});

describe('report over both layouts in one tree', () => {
  const both = tempDir('bg-both-layouts-');
  writeOrgTrail(both);
  // An account that keeps its own trail, and a cell the account trail repeats (c0: 333…, eu-west-1, 03-01).
  const acct = writeAccountTrail(both, [
    { account: '555555555555', region: 'eu-west-1', day: '2026-03-01', tag: 'own' },
    { account: '333333333333', region: 'eu-west-1', day: '2026-03-01', tag: 'c0' },
  ]);

  it('reads both, counts each layout, and does not count a record both trails delivered twice', async () => {
    const r = await report(both);
    expect(r.result.inputs.layout).toEqual({
      organization: 9,
      organizationIds: [ORG_ID],
      account: 2,
      other: 0,
    });
    expect(cells(r.sessions)).toHaveLength(10);
    expect(cells(r.sessions).filter((c) => c === '333333333333 eu-west-1 2026-03-01')).toHaveLength(1);
    expect(cells(r.sessions)).toContain('555555555555 eu-west-1 2026-03-01');
    expect(acct).toHaveLength(2);
  });

  it('prunes account folders of either layout', async () => {
    const r = await report(both, { accounts: ['555555555555'] });
    // o-…/333…, o-…/444… and the account trail's 333….
    expect(r.result.inputs.pruned?.folders.account).toBe(3);
    expect(r.result.inputs.files).toBe(1);
    expect(cells(r.sessions)).toEqual(['555555555555 eu-west-1 2026-03-01']);
  });
});

describe('layout.ts', () => {
  it('reads account, organization and Region from the key, and from the file name alone', () => {
    expect(
      partsOfKey('p/AWSLogs/o-a1b2c3d4e5/333333333333/CloudTrail/eu-west-1/2026/03/01/x.json.gz'),
    ).toEqual({
      layout: 'organization',
      orgId: 'o-a1b2c3d4e5',
      account: '333333333333',
      region: 'eu-west-1',
      date: '2026-03-01',
    });
    expect(partsOfKey('AWSLogs/333333333333/CloudTrail/us-east-1/2026/03/01/x.json.gz').layout).toBe(
      'account',
    );
    expect(partsOfKey('downloads/444444444444_CloudTrail_eu-central-1_20260302T0005Z_abc.json.gz')).toEqual({
      account: '444444444444',
      region: 'eu-central-1',
      date: '2026-03-02',
    });
    expect(partsOfKey('logs/x.json')).toEqual({});
  });

  it('skips a whole folder with a StartAfter key past it, or on to --since day', () => {
    const k = 'AWSLogs/o-a1b2c3d4e5/444444444444/CloudTrail/eu-west-1/2026/02/27/f.json.gz';
    expect(prunedFolderOfKey(k, { accounts: ['333333333333'] })).toEqual({
      reason: 'account',
      folder: 'AWSLogs/o-a1b2c3d4e5/444444444444',
      resumeAfter: 'AWSLogs/o-a1b2c3d4e5/444444444444/\uffff',
    });
    expect(prunedFolderOfKey(k, { regions: ['us-east-1'] })?.resumeAfter).toBe(
      'AWSLogs/o-a1b2c3d4e5/444444444444/CloudTrail/eu-west-1/\uffff',
    );
    expect(prunedFolderOfKey(k, { since: '2026-03-01' })?.resumeAfter).toBe(
      'AWSLogs/o-a1b2c3d4e5/444444444444/CloudTrail/eu-west-1/2026/03/01',
    );
    // Delivered on 02/27: may hold records of 02-26, so --until 2026-02-26 keeps it.
    expect(prunedFolderOfKey(k, { until: '2026-02-26' })).toBeUndefined();
    expect(prunedFolderOfKey(k, { until: '2026-02-25T12:00:00Z' })?.reason).toBe('date');
    expect(prunedFolderOfKey(k, { until: '2026-02-25' })?.folder).toBe(
      'AWSLogs/o-a1b2c3d4e5/444444444444/CloudTrail/eu-west-1 >',
    );
    // A whole year or month folder (the local walk asks about `<folder>/_`).
    expect(
      prunedFolderOfKey('AWSLogs/333333333333/CloudTrail/eu-west-1/2025/_', { since: '2026-01-01' })?.reason,
    ).toBe('date');
    expect(
      prunedFolderOfKey('AWSLogs/333333333333/CloudTrail/eu-west-1/2026/_', { since: '2026-01-01' }),
    ).toBeUndefined();
    expect(
      prunedFolderOfKey('AWSLogs/333333333333/CloudTrail/eu-west-1/2026/02/_', { since: '2026-03-01' })
        ?.reason,
    ).toBe('date');
  });

  it('filters a file by the account and Region of its name when its folders say nothing', () => {
    const f = { name: 'dl/444444444444_CloudTrail_eu-west-1_20260302T0005Z_abc.json.gz' };
    expect(filePruned(f, { accounts: ['333333333333'] })).toBe('account');
    expect(filePruned(f, { regions: ['us-east-1'] })).toBe('region');
    expect(filePruned(f, { since: '2026-03-03' })).toBe('date');
    expect(filePruned(f, { until: '2026-03-01' })).toBeUndefined();
    expect(filePruned(f, { until: '2026-02-28' })).toBe('date');
  });
});
