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
