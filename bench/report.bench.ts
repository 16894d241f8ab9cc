/**
 * Report throughput benchmark (not part of `npm test`).
 *
 *   node --import tsx bench/report.bench.ts [--size 2GB] [--seed 42] [--files-mb 4] [--full]
 *     [--org-accounts 20] [--org-size 300MB] [--no-org | --org-only]
 *
 * 1. A seeded generator writes a realistic trail (S3 layout, gzipped CloudTrail log files, ≥ --size
 *    uncompressed) into bench/.data/ (gitignored), reused when already there: service roles assuming
 *    roles all day, reads and writes across regions, S3 data events, and a known number of planted
 *    break-glass sessions (one chained into a second role) that the report must find.
 * 2. Times `zcat` over the same files (the floor: decompression alone).
 * 3. Runs the report (DuckDB ingest + sessions + HTML/MD/JSON) in a child process and reads its peak
 *    RSS from the child itself. By default the child takes the CLI's path without `--db` (the
 *    pre-filter fast path); `--full` ingests every record, as `--db FILE` does.
 * Prints throughput as a ratio to zcat (target ≥ 0.5) and peak RSS (target ≤ 512 MB).
 * 4. The organization-trail case (unless --no-org): an org trail of --org-accounts accounts read whole,
 *    then with --accounts naming the two accounts that hold the planted sessions; prints files read,
 *    account folders skipped and the time as a ratio to the whole-trail run of the same bench.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(s.trim());
  if (!m) throw new Error(`--size: ${JSON.stringify(s)} is not a size; use e.g. 2GB or 300MB`);
  const unit = (m[2] ?? 'B').toUpperCase();
  return Math.round(
    Number(m[1]) * (unit === 'GB' ? 1024 * MB : unit === 'MB' ? MB : unit === 'KB' ? 1024 : 1),
  );
}

/** mulberry32: small, seeded, good enough for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
export const BREAK_GLASS = 'arn:aws:iam::111111111111:role/BreakGlass';
export const PLANTED_SESSIONS = 6;

interface Gen {
  rand: () => number;
  pick: <T>(xs: readonly T[]) => T;
  id: () => string;
  key: () => string;
}

function gen(seed: number): Gen {
  const rand = rng(seed);
  const hex = () =>
    Math.floor(rand() * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
  return {
    rand,
    pick: (xs) => xs[Math.floor(rand() * xs.length)]!,
    id: () =>
      `${hex()}-${hex().slice(0, 4)}-${hex().slice(0, 4)}-${hex().slice(0, 4)}-${hex()}${hex().slice(0, 4)}`,
    key: () => `ASIA${hex().toUpperCase()}${hex().toUpperCase().slice(0, 8)}`,
  };
}

const NOISE: ReadonlyArray<readonly [string, string, boolean]> = [
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['ec2.amazonaws.com', 'DescribeSecurityGroups', true],
  ['s3.amazonaws.com', 'GetObject', true],
  ['s3.amazonaws.com', 'PutObject', false],
  ['dynamodb.amazonaws.com', 'GetItem', true],
  ['lambda.amazonaws.com', 'Invoke', false],
  ['kms.amazonaws.com', 'Decrypt', true],
  ['logs.amazonaws.com', 'CreateLogStream', false],
  ['ssm.amazonaws.com', 'GetParameter', true],
  ['sts.amazonaws.com', 'GetCallerIdentity', true],
  ['monitoring.amazonaws.com', 'PutMetricData', false],
  ['iam.amazonaws.com', 'ListRoles', true],
];

function noiseRecord(g: Gen, time: string, account: string, region: string): Record<string, unknown> {
  const [src, name, ro] = g.pick(NOISE);
  const role = g.pick(['app-server', 'batch-worker', 'ci-deployer', 'etl-job']);
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROA${role.toUpperCase()}:i-0${Math.floor(g.rand() * 1e12).toString(16)}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/i-0abc`,
      accountId: account,
      accessKeyId: g.key(),
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLE',
          arn: `arn:aws:iam::${account}:role/${role}`,
          accountId: account,
          userName: role,
        },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
        ec2RoleDelivery: '2.0',
      },
    },
    eventTime: time,
    eventSource: src,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: `10.${Math.floor(g.rand() * 255)}.${Math.floor(g.rand() * 255)}.${Math.floor(g.rand() * 255)}`,
    userAgent: g.pick([
      'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux',
      'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10',
      'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux',
    ]),
    requestParameters:
      src === 's3.amazonaws.com'
        ? {
            bucketName: `data-${account}`,
            Host: `data-${account}.s3.${region}.amazonaws.com`,
            key: `part/${g.id()}.parquet`,
          }
        : {
            maxResults: 100,
            filterSet: { items: [{ name: 'tag:team', valueSet: { items: [{ value: 'payments' }] } }] },
          },
    responseElements: null,
    additionalEventData:
      src === 's3.amazonaws.com'
        ? {
            SignatureVersion: 'SigV4',
            CipherSuite: 'TLS_AES_128_GCM_SHA256',
            bytesTransferredIn: 0,
            bytesTransferredOut: Math.floor(g.rand() * 1e6),
          }
        : undefined,
    requestID: g.id(),
    eventID: g.id(),
    readOnly: ro,
    eventType: 'AwsApiCall',
    managementEvent: src !== 's3.amazonaws.com',
    recipientAccountId: account,
    eventCategory: src === 's3.amazonaws.com' ? 'Data' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${src.split('.')[0]}.${region}.amazonaws.com`,
    },
  };
}

/** A planted break-glass session: AssumeRole with Reason/Ticket, some calls, one chained role. */
function plantedSession(g: Gen, n: number, t0: number): Array<Record<string, unknown>> {
  const account = '111111111111';
  const key = `ASIABG${String(n).padStart(4, '0')}PLANTED`;
  const chainKey = `ASIAOP${String(n).padStart(4, '0')}PLANTED`;
  const at = (s: number) => new Date(t0 + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const ui = (k: string, role: string, acct: string) => ({
    type: 'AssumedRole',
    arn: `arn:aws:sts::${acct}:assumed-role/${role}/oncall${n}`,
    accountId: acct,
    accessKeyId: k,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        arn: `arn:aws:iam::${acct}:role/${role}`,
        accountId: acct,
        userName: role,
      },
      sourceIdentity: `oncall${n}`,
    },
  });
  const base = (
    s: number,
    src: string,
    name: string,
    region: string,
    identity: unknown,
    extra: Record<string, unknown> = {},
  ) => ({
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: at(s),
    eventSource: src,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: '198.51.100.10',
    userAgent: 'aws-cli/2.17.20',
    requestParameters: {},
    responseElements: null,
    eventID: g.id(),
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: (identity as { accountId: string }).accountId,
    ...extra,
  });
  return [
    base(
      0,
      'sts.amazonaws.com',
      'AssumeRole',
      'us-east-1',
      {
        type: 'IAMUser',
        arn: `arn:aws:iam::${account}:user/oncall${n}`,
        accountId: account,
        accessKeyId: 'AKIAONCALL',
        userName: `oncall${n}`,
      },
      {
        requestParameters: {
          roleArn: BREAK_GLASS,
          roleSessionName: `oncall${n}`,
          sourceIdentity: `oncall${n}`,
          tags: [
            { key: 'Reason', value: `INC-${n} outage` },
            { key: 'Ticket', value: `INC-${n}` },
          ],
        },
        responseElements: {
          credentials: { accessKeyId: key, expiration: at(3600) },
          assumedRoleUser: { arn: `arn:aws:sts::${account}:assumed-role/BreakGlass/oncall${n}` },
          sourceIdentity: `oncall${n}`,
        },
      },
    ),
    base(30, 'iam.amazonaws.com', 'ListRoles', 'us-east-1', ui(key, 'BreakGlass', account)),
    base(60, 'iam.amazonaws.com', 'AttachRolePolicy', 'us-east-1', ui(key, 'BreakGlass', account)),
    base(90, 'sts.amazonaws.com', 'AssumeRole', 'eu-west-1', ui(key, 'BreakGlass', account), {
      recipientAccountId: '222222222222',
      requestParameters: { roleArn: 'arn:aws:iam::222222222222:role/Ops', roleSessionName: `oncall${n}` },
      responseElements: {
        credentials: { accessKeyId: chainKey },
        assumedRoleUser: { arn: `arn:aws:sts::222222222222:assumed-role/Ops/oncall${n}` },
      },
    }),
    base(120, 'rds.amazonaws.com', 'RebootDBInstance', 'eu-west-1', ui(chainKey, 'Ops', '222222222222')),
    base(150, 'cloudtrail.amazonaws.com', 'StopLogging', 'eu-west-1', ui(chainKey, 'Ops', '222222222222')),
  ];
}

export interface Dataset {
  dir: string;
  files: string[];
  uncompressed: number;
  compressed: number;
  records: number;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function generate(size: number, seed: number, fileMb: number): Dataset {
  return writeTrail(join(here, '.data', `trail-${size}-${seed}-${fileMb}`), size, seed, fileMb);
}

/** Writes (or reuses) a seeded trail of at least `size` bytes uncompressed under `dir/AWSLogs`. */
export function writeTrail(dir: string, size: number, seed: number, fileMb: number, quiet = false): Dataset {
  const marker = join(dir, 'dataset.json');
  if (existsSync(marker))
    return { dir, ...(JSON.parse(readFileSync(marker, 'utf8')) as Omit<Dataset, 'dir'>) };
  rmSync(dir, { recursive: true, force: true });
  const g = gen(seed);
  const files: string[] = [];
  let uncompressed = 0;
  let compressed = 0;
  let records = 0;
  const start = Date.parse('2026-03-01T00:00:00Z');
  const perFile = Math.max(1, Math.round((fileMb * MB) / 1500));
  const totalFiles = Math.max(PLANTED_SESSIONS, Math.ceil(size / (perFile * 1500)));
  const plantEvery = Math.floor(totalFiles / PLANTED_SESSIONS);
  let planted = 0;
  const t0 = performance.now();
  for (let f = 0; uncompressed < size || planted < PLANTED_SESSIONS; f++) {
    const account = ACCOUNTS[f % ACCOUNTS.length]!;
    const region = REGIONS[Math.floor(f / ACCOUNTS.length) % REGIONS.length]!;
    const fileStart = start + Math.floor((f / totalFiles) * 3 * 86400_000);
    const recs: Array<Record<string, unknown>> = [];
    const n = Math.max(1, Math.round(perFile * (0.5 + g.rand())));
    for (let i = 0; i < n; i++) {
      const time = new Date(fileStart + Math.floor(g.rand() * 300_000)).toISOString().replace(/\.\d+Z$/, 'Z');
      recs.push(noiseRecord(g, time, account, region));
    }
    if (planted < PLANTED_SESSIONS && f % Math.max(1, plantEvery) === 0)
      recs.push(...plantedSession(g, ++planted, fileStart));
    const day = new Date(fileStart).toISOString().slice(0, 10).replace(/-/g, '/');
    const stamp = new Date(fileStart).toISOString().replace(/[-:]/g, '').slice(0, 13);
    const rel = `AWSLogs/o-benchorg01/${account}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${stamp}Z_${g.id().slice(0, 16)}.json.gz`;
    const text = JSON.stringify({ Records: recs });
    const gz = gzipSync(text, { level: 6 });
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, gz);
    files.push(rel);
    uncompressed += Buffer.byteLength(text);
    compressed += gz.length;
    records += recs.length;
    if (f % 50 === 0 && !quiet)
      process.stderr.write(
        `\rgenerating: ${(uncompressed / MB).toFixed(0)} MB uncompressed, ${files.length} files`,
      );
  }
  if (!quiet)
    process.stderr.write(
      `\rgenerated ${(uncompressed / MB).toFixed(0)} MB (${(compressed / MB).toFixed(0)} MB gzipped), ${files.length} files, ${records} records in ${((performance.now() - t0) / 1000).toFixed(1)}s\n`,
    );
  const meta = { files, uncompressed, compressed, records };
  writeFileSync(marker, JSON.stringify(meta));
  return { dir, ...meta };
}

/**
 * The organization-trail case: `accounts` accounts (the planted sessions' two among them) × the
 * Regions × 3 days, each log file in its own account's folder (`AWSLogs/<org-id>/<account>/…`) and
 * every planted record in the folder of the account that logged it, as CloudTrail delivers them. The
 * bench reads it whole, then with `--accounts` naming the two accounts that hold the sessions.
 */
export function writeOrgTrail(
  dir: string,
  size: number,
  seed: number,
  accounts: number,
  quiet = false,
): Dataset {
  const marker = join(dir, 'dataset.json');
  if (existsSync(marker))
    return { dir, ...(JSON.parse(readFileSync(marker, 'utf8')) as Omit<Dataset, 'dir'>) };
  rmSync(dir, { recursive: true, force: true });
  const g = gen(seed);
  const ids = ['111111111111', '222222222222'];
  while (ids.length < accounts) ids.push(String(100000000000 + ids.length * 7919).padStart(12, '0'));
  const files: string[] = [];
  let uncompressed = 0;
  let compressed = 0;
  let records = 0;
  const start = Date.parse('2026-03-01T00:00:00Z');
  const perFile = 2000;
  const totalFiles = Math.max(ids.length * REGIONS.length, Math.ceil(size / (perFile * 1500)));
  const write = (account: string, region: string, at: number, recs: Array<Record<string, unknown>>) => {
    const d = new Date(at).toISOString();
    const rel = `AWSLogs/o-benchorg01/${account}/CloudTrail/${region}/${d.slice(0, 10).replace(/-/g, '/')}/${account}_CloudTrail_${region}_${d.replace(/[-:]/g, '').slice(0, 13)}Z_${g.id().slice(0, 16)}.json.gz`;
    const text = JSON.stringify({ Records: recs });
    const gz = gzipSync(text, { level: 6 });
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), gz);
    files.push(rel);
    uncompressed += Buffer.byteLength(text);
    compressed += gz.length;
    records += recs.length;
  };
  for (let f = 0; f < totalFiles; f++) {
    const account = ids[f % ids.length]!;
    const region = REGIONS[Math.floor(f / ids.length) % REGIONS.length]!;
    const fileStart = start + Math.floor((f / totalFiles) * 3 * 86400_000);
    const recs: Array<Record<string, unknown>> = [];
    for (let i = 0; i < perFile; i++) {
      const time = new Date(fileStart + Math.floor(g.rand() * 300_000)).toISOString().replace(/\.\d+Z$/, 'Z');
      recs.push(noiseRecord(g, time, account, region));
    }
    write(account, region, fileStart + 300_000, recs);
  }
  for (let n = 1; n <= PLANTED_SESSIONS; n++) {
    const t0 = start + Math.floor(((n - 0.5) / PLANTED_SESSIONS) * 3 * 86400_000);
    const byFolder = new Map<string, Array<Record<string, unknown>>>();
    for (const r of plantedSession(g, n, t0)) {
      const k = `${String(r['recipientAccountId'])} ${String(r['awsRegion'])}`;
      byFolder.set(k, [...(byFolder.get(k) ?? []), r]);
    }
    for (const [k, recs] of byFolder) {
      const [account, region] = k.split(' ') as [string, string];
      write(account, region, t0 + 300_000, recs);
    }
  }
  if (!quiet)
    process.stderr.write(
      `generated organization trail: ${ids.length} accounts, ${(uncompressed / MB).toFixed(0)} MB, ${files.length} files\n`,
    );
  const meta = { files, uncompressed, compressed, records };
  writeFileSync(marker, JSON.stringify(meta));
  return { dir, ...meta };
}

/** Child mode: run the report in this process and print timings + peak RSS as JSON. */
async function child(dir: string, out: string, full: boolean, accounts?: string[]): Promise<void> {
  const { TrailStore } = await import('../src/report/store.js');
  const { LocalTrailSource } = await import('../src/report/sources.js');
  const { ingestTrail, sessionsFrom } = await import('../src/report/build.js');
  const { renderHtml } = await import('../src/report/render-html.js');
  const { renderMarkdown } = await import('../src/report/render-md.js');
  const { renderJson } = await import('../src/report/render-json.js');
  const t0 = performance.now();
  const store = await TrailStore.open();
  const principals = { roleArns: [BREAK_GLASS], userNames: [] };
  const ingested = await ingestTrail({
    source: new LocalTrailSource(join(dir, 'AWSLogs')),
    sourceName: dir,
    store,
    ...(full ? {} : { prefilter: principals }),
    ...(accounts ? { accounts } : {}),
  });
  const t1 = performance.now();
  const sessions = await sessionsFrom({ records: store, principals });
  await store.close();
  const report = {
    title: 'bench',
    generatedAt: new Date().toISOString(),
    principals,
    window: {},
    inputs: ingested.inputs,
    sessions,
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'report.html'), renderHtml(report));
  writeFileSync(join(out, 'report.md'), renderMarkdown(report));
  writeFileSync(join(out, 'report.json'), renderJson(report));
  const t2 = performance.now();
  process.stdout.write(
    JSON.stringify({
      ingestS: (t1 - t0) / 1000,
      totalS: (t2 - t0) / 1000,
      events: ingested.inputs.events,
      skipped: ingested.inputs.skipped.length,
      sessions: sessions.length,
      chained: sessions.filter((s) => s.chainedRoles.length > 0).length,
      actions: sessions.reduce((n, s) => n + s.counts.total, 0),
      candidates: ingested.fast?.candidates,
      rescanned: ingested.fast?.rescanned,
      files: ingested.inputs.files,
      accountFoldersSkipped: ingested.inputs.pruned?.folders.account ?? 0,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child')
    return child(
      process.argv[3]!,
      process.argv[4]!,
      process.argv[5] === 'full',
      process.argv[6] ? process.argv[6].split(',') : undefined,
    );
  const full = process.argv.includes('--full');
  const size = parseSize(arg('size', '2GB'));
  const seed = Number(arg('seed', '42'));
  if (process.argv.includes('--org-only')) return orgCase(seed, full);
  const fileMb = Number(arg('files-mb', '4'));
  const ds = generate(size, seed, fileMb);
  const gzFiles = walk(join(ds.dir, 'AWSLogs'));

  const z0 = performance.now();
  const z = spawnSync(
    'sh',
    ['-c', `find "${join(ds.dir, 'AWSLogs')}" -name '*.gz' -print0 | xargs -0 zcat > /dev/null`],
    { stdio: 'inherit' },
  );
  const zcatS = (performance.now() - z0) / 1000;
  if (z.status !== 0) throw new Error('zcat failed');

  const out = join(here, '.data', 'report-out');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ds.dir, out, full ? 'full' : 'fast'],
    {
      encoding: 'utf8',
      maxBuffer: 16 * MB,
    },
  );
  if (r.status !== 0) throw new Error(`report child failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    ingestS: number;
    totalS: number;
    events: number;
    skipped: number;
    sessions: number;
    chained: number;
    actions: number;
    candidates?: number;
    rescanned?: number;
    maxRssMB: number;
  };
  const ratio = zcatS / res.totalS;
  const lines = [
    `dataset: ${(ds.uncompressed / MB).toFixed(0)} MB uncompressed, ${(ds.compressed / MB).toFixed(0)} MB gzipped, ${gzFiles.length} files, ${ds.records} records`,
    `zcat:   ${zcatS.toFixed(2)} s  (${(ds.uncompressed / MB / zcatS).toFixed(0)} MB/s)`,
    `report: ${res.totalS.toFixed(2)} s  (${(ds.uncompressed / MB / res.totalS).toFixed(0)} MB/s; ingest ${res.ingestS.toFixed(2)} s), ${res.events} events, ${res.skipped} skipped`,
    `path: ${full ? 'full ingest (as with --db)' : `fast (pre-filter): ${res.candidates} records to DuckDB, ${res.rescanned} files scanned again`}`,
    `sessions found: ${res.sessions} (planted ${PLANTED_SESSIONS}), chained: ${res.chained}, actions: ${res.actions} (planted ${PLANTED_SESSIONS * 6})`,
    `throughput ratio to zcat: ${ratio.toFixed(2)} (target >= 0.5) ${ratio >= 0.5 ? 'OK' : 'BELOW TARGET'}`,
    `peak RSS: ${res.maxRssMB.toFixed(0)} MB (target <= 512 MB) ${res.maxRssMB <= 512 ? 'OK' : 'ABOVE TARGET'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (
    res.sessions !== PLANTED_SESSIONS ||
    res.chained !== PLANTED_SESSIONS ||
    res.actions !== PLANTED_SESSIONS * 6 ||
    res.events !== ds.records
  )
    process.exitCode = 1;
  if (!process.argv.includes('--no-org')) orgCase(seed, full);
}

interface ChildResult {
  totalS: number;
  sessions: number;
  chained: number;
  actions: number;
  files: number;
  accountFoldersSkipped: number;
  maxRssMB: number;
}

function runChild(dir: string, out: string, full: boolean, accounts?: string): ChildResult {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      dir,
      out,
      full ? 'full' : 'fast',
      ...(accounts ? [accounts] : []),
    ],
    { encoding: 'utf8', maxBuffer: 16 * MB },
  );
  if (r.status !== 0) throw new Error(`report child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

/**
 * Organization trail, `--org-accounts` accounts (default 20): the whole trail (the baseline) against
 * `--accounts` naming the two accounts the planted sessions live in, in the same run. Both must find
 * every planted session; the scoped run must read only those accounts' files.
 */
function orgCase(seed: number, full: boolean): void {
  const accounts = Number(arg('org-accounts', '20'));
  const size = parseSize(arg('org-size', '300MB'));
  const ds = writeOrgTrail(
    join(here, '.data', `org-trail-${size}-${seed}-${accounts}`),
    size,
    seed,
    accounts,
  );
  const out = join(here, '.data', 'report-out-org');
  const all = runChild(ds.dir, out, full);
  const scoped = runChild(ds.dir, out, full, '111111111111,222222222222');
  const inScope = ds.files.filter((f) => /\/(111111111111|222222222222)\//.test(f)).length;
  const row = (name: string, r: ChildResult) =>
    `| ${name} | ${r.files} | ${r.accountFoldersSkipped} | ${r.sessions} / ${r.actions} | ${r.totalS.toFixed(2)} s | ${(r.totalS / all.totalS).toFixed(2)} | ${r.maxRssMB.toFixed(0)} MB |`;
  process.stdout.write(
    [
      '',
      `organization trail: ${accounts} accounts × ${REGIONS.length} Regions × 3 days, ${(ds.uncompressed / MB).toFixed(0)} MB uncompressed, ${ds.files.length} files (${inScope} in the two accounts)`,
      '| run | files read | account folders skipped | sessions / actions | time | ratio to all accounts | peak RSS |',
      '|---|---|---|---|---|---|---|',
      row('all accounts', all),
      row('--accounts 111111111111,222222222222', scoped),
    ].join('\n') + '\n',
  );
  const ok = (r: ChildResult) =>
    r.sessions === PLANTED_SESSIONS && r.chained === PLANTED_SESSIONS && r.actions === PLANTED_SESSIONS * 6;
  if (!ok(all) || !ok(scoped) || scoped.files !== inScope || all.files !== ds.files.length)
    process.exitCode = 1;
}

// Run only as a script (tests import writeTrail).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
