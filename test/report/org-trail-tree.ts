import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/record.js';

/** Real records (see test/fixtures/org-trail/PROVENANCE.md): an AssumeRole and three calls with its key. */
const FIXTURE = readFileSync(
  join(import.meta.dirname, '..', 'fixtures', 'org-trail', 'stratus-get-usr-data.json'),
  'utf8',
);

export const ORG_ID = 'o-a1b2c3d4e5';
export const ACCOUNTS = ['333333333333', '444444444444'] as const;
export const REGIONS = ['eu-west-1', 'us-east-1'] as const;
export const DAYS = ['2026-03-01', '2026-03-02'] as const;
export const ROLE_NAME = 'BreakGlass';

export interface Cell {
  readonly account: string;
  readonly region: string;
  /** Day of the records' eventTime. */
  readonly day: string;
  /** Hour and minute the records are moved to (`HH:MM`), default the fixture's 19:52. */
  readonly at?: string;
}

/** The fixture's records moved to one cell: account, Region, day, a key and event ids of its own. */
export function cellRecords(c: Cell, tag: string): CloudTrailRecord[] {
  const key = `ASIA${`${c.account.slice(-4)}${tag}`.toUpperCase().padEnd(16, 'X').slice(0, 16)}`;
  const text = FIXTURE.replaceAll('321848314756', c.account)
    .replaceAll('stratus-red-team-get-usr-data-role', ROLE_NAME)
    .replaceAll('apiso-westcentral-3r', c.region)
    .replaceAll('2024-07-31T19:52', `${c.day}T${c.at ?? '19:52'}`)
    .replaceAll('ASIA4URVX2JM5MT0ZGK8', key)
    .replaceAll('1722455550269043000', `${tag}-${c.account}`);
  const records = (JSON.parse(text) as { records: CloudTrailRecord[] }).records;
  return records.map((r, i) => ({ ...r, eventID: `${tag}-${c.account}-${i}` }));
}

function put(root: string, rel: string, data: string | Buffer): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
}

/** `AWSLogs/<org>/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<u>.json.gz`. */
export function orgKey(
  account: string,
  region: string,
  deliveredAt: string,
  unique: string,
  org = ORG_ID,
): string {
  const [day, time] = deliveredAt.split('T') as [string, string];
  const stamp = `${day.replace(/-/g, '')}T${time.replace(':', '')}Z`;
  return `AWSLogs/${org ? `${org}/` : ''}${account}/CloudTrail/${region}/${day.replace(/-/g, '/')}/${account}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
}

export interface OrgTree {
  /** Relative path of every log file written (no digests). */
  readonly files: string[];
  /** Every good record, by file. */
  readonly records: Map<string, CloudTrailRecord[]>;
  /** The file holding the record of the wrong JSON type (its other records are good). */
  readonly corruptFile: string;
  /** The late file: records of the last day's 23:58, delivered in the next day's folder. */
  readonly lateFile: string;
}

/**
 * An organization trail as CloudTrail delivers it: 2 accounts × 2 Regions × 2 days, one log file per
 * cell (the fixture moved there), a digest folder per account, one record of the wrong JSON type in
 * the first file, and one file delivered after midnight holding the last day's 23:58 records.
 */
export function writeOrgTrail(root: string): OrgTree {
  const files: string[] = [];
  const records = new Map<string, CloudTrailRecord[]>();
  let n = 0;
  for (const account of ACCOUNTS)
    for (const region of REGIONS)
      for (const day of DAYS) {
        const tag = `c${n++}`;
        const recs = cellRecords({ account, region, day }, tag);
        const rel = orgKey(account, region, `${day}T20:00`, tag);
        files.push(rel);
        records.set(rel, recs);
      }
  const corruptFile = files[0]!;
  const late = { account: ACCOUNTS[1], region: REGIONS[0], day: DAYS[1], at: '23:58' };
  const lateFile = orgKey(late.account, late.region, '2026-03-03T00:03', 'late');
  files.push(lateFile);
  records.set(lateFile, cellRecords(late, 'late'));
  for (const rel of files) {
    const recs: unknown[] = [...records.get(rel)!];
    // A record whose userIdentity is a string: left out on its own, the rest of the file is read.
    if (rel === corruptFile) recs.splice(2, 0, { ...recs[1]!, eventID: 'corrupt-1', userIdentity: 'nope' });
    put(root, rel, gzipSync(JSON.stringify({ Records: recs })));
  }
  for (const account of ACCOUNTS)
    put(
      root,
      `AWSLogs/${ORG_ID}/${account}/CloudTrail-Digest/eu-west-1/2026/03/01/${account}_CloudTrail-Digest_eu-west-1_x.json.gz`,
      gzipSync(JSON.stringify({ awsAccountId: account })),
    );
  return { files, records, corruptFile, lateFile };
}

/**
 * An account trail (`AWSLogs/<account>/CloudTrail/…`) next to the org trail: one file per cell. A cell
 * with the tag of an org-trail cell (`c0` is the first) repeats its records, as when an account keeps
 * its own trail besides the organization's.
 */
export function writeAccountTrail(root: string, cells: ReadonlyArray<Cell & { tag: string }>): string[] {
  return cells.map((c) => {
    const rel = orgKey(c.account, c.region, `${c.day}T20:00`, `acct-${c.tag}`, '');
    put(root, rel, gzipSync(JSON.stringify({ Records: cellRecords(c, c.tag) })));
    return rel;
  });
}
