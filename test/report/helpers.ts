import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/record.js';

const fixtures = join(import.meta.dirname, '..', 'engines', 'cloudtrail', 'fixtures');

export function fixtureRecords(name: string): CloudTrailRecord[] {
  return (JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as { records: CloudTrailRecord[] }).records;
}

export const CHAINED_ROLE = 'arn:aws:iam::111111111111:role/BreakGlass';
export const STRATUS_ROLE = 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role';

function put(root: string, rel: string, data: string | Buffer): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
  return p;
}

export interface TrailTree {
  readonly root: string;
  /** Relative paths of the files that must be skipped, with a pattern their reason must match. */
  readonly bad: ReadonlyArray<{ rel: string; reason: RegExp }>;
  /** Every good record written. */
  readonly records: CloudTrailRecord[];
}

/**
 * A trail as CloudTrail delivers it (account and organization layouts, gzipped log files), plus
 * JSON Lines, a plain .json, and three bad files: truncated gzip, invalid JSON, not CloudTrail.
 */
export function writeTrailTree(): TrailTree {
  const root = mkdtempSync(join(tmpdir(), 'bg-trail-'));
  const chained = fixtureRecords('chained-two-regions.json');
  const stratus = fixtureRecords('stratus-red-team.json');
  const acct = 'AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/01';
  const org = 'AWSLogs/o-abcdefghij/222222222222/CloudTrail/eu-west-1/2026/03/01';
  const us = chained.filter((r) => r.awsRegion === 'us-east-1');
  const eu = chained.filter((r) => r.awsRegion !== 'us-east-1');
  put(
    root,
    `${acct}/111111111111_CloudTrail_us-east-1_20260301T1000Z_a.json.gz`,
    gzipSync(JSON.stringify({ Records: us })),
  );
  put(
    root,
    `${org}/222222222222_CloudTrail_eu-west-1_20260301T1005Z_b.json.gz`,
    gzipSync(JSON.stringify({ Records: eu })),
  );
  put(root, 'extra/2024/07/30/stratus.jsonl', stratus.map((r) => JSON.stringify(r)).join('\n') + '\n');
  put(root, 'extra/plain.json', JSON.stringify({ Records: [] }));
  put(
    root,
    `${acct}/../../../CloudTrail-Digest/us-east-1/2026/03/01/digest.json.gz`,
    gzipSync('{"awsAccountId":"1"}'),
  );
  const full = gzipSync(JSON.stringify({ Records: [...stratus, ...stratus] }));
  const bad = [
    {
      rel: `${acct}/111111111111_CloudTrail_us-east-1_20260301T1010Z_truncated.json.gz`,
      reason: /unexpected end|gzip|truncat/i,
    },
    {
      rel: `${acct}/111111111111_CloudTrail_us-east-1_20260301T1015Z_invalid.json`,
      reason: /malformed json|invalid/i,
    },
    { rel: `${acct}/not-cloudtrail.json`, reason: /not CloudTrail/ },
  ];
  put(root, bad[0]!.rel, full.subarray(0, Math.floor(full.length / 2)));
  put(root, bad[1]!.rel, '{"Records": [{"eventTime": "2026-03-01T10:15:00Z", "eventSource": ');
  put(root, bad[2]!.rel, '{"detail-type": "Scheduled Event", "hello": "world"}\n');
  return { root, bad, records: [...chained, ...stratus] };
}

const sharedDir = join(import.meta.dirname, 'fixtures', 'shared');

/** Real records copied from the shared data (see fixtures/shared/PROVENANCE.md). */
export function sharedRecords(name: 'stratus-red-team' | 'awsdocs-examples'): CloudTrailRecord[] {
  return readFileSync(join(sharedDir, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CloudTrailRecord);
}

/**
 * Writes records as CloudTrail delivers them: one gzipped log file per account, Region and day under
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`. Returns the root.
 */
export function writeLogTree(records: readonly unknown[], prefix = 'bg-logs-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const groups = new Map<string, unknown[]>();
  for (const r of records) {
    const o = r as Record<string, unknown>;
    const acct = typeof o['recipientAccountId'] === 'string' ? o['recipientAccountId'] : '000000000000';
    const region = typeof o['awsRegion'] === 'string' ? o['awsRegion'] : 'no-region';
    const day =
      typeof o['eventTime'] === 'string' && /^\d{4}-\d{2}-\d{2}/.test(o['eventTime'])
        ? o['eventTime'].slice(0, 10).replace(/-/g, '/')
        : '2000/01/01';
    const k = `AWSLogs/${acct}/CloudTrail/${region}/${day}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  let n = 0;
  for (const [dir, rs] of groups)
    put(
      root,
      `${dir}/${String(n++).padStart(4, '0')}_CloudTrail.json.gz`,
      gzipSync(JSON.stringify({ Records: rs })),
    );
  return root;
}

/** Every role an STS way in targets and every IAM user in the records: the widest set of principals. */
export function everyPrincipalIn(records: readonly CloudTrailRecord[]): {
  roleArns: string[];
  userNames: string[];
} {
  const roles = new Set<string>();
  const users = new Set<string>();
  for (const r of records) {
    const arn = r.requestParameters?.['roleArn'];
    if (
      r.eventSource === 'sts.amazonaws.com' &&
      typeof arn === 'string' &&
      /^arn:aws:iam::\d{12}:role\//.test(arn)
    )
      roles.add(arn);
    if (r.userIdentity?.type === 'IAMUser' && r.userIdentity.userName) users.add(r.userIdentity.userName);
  }
  return { roleArns: [...roles].sort(), userNames: [...users].sort() };
}
