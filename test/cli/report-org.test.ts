import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';
import { tempDir } from '../temp.js';
import { ORG_ID, ROLE_NAME, writeOrgTrail } from '../report/org-trail-tree.js';

interface ReportJson {
  inputs: {
    files: number;
    pruned?: { folders: { account: number; region: number; date: number } };
    layout?: { organization: number; organizationIds: string[] };
  };
  sessions: Array<{ accounts: string[]; regions: string[]; start: string }>;
}

const root = tempDir('bg-cli-org-');
const tree = writeOrgTrail(root);
const work = tempDir('bg-cli-org-out-');
const role = ['--role-arn', ROLE_NAME];

async function report(args: string[], name: string) {
  const io = captureIO();
  const out = join(work, name);
  const code = await runCli(['report', ...role, '--out', out, ...args], io);
  const json =
    code === 2 ? undefined : (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson);
  return { code, io, out, json };
}

describe('breakglass report --accounts / --regions on an organization trail', () => {
  it('reads only the folders asked for and says what it left out', async () => {
    const r = await report(
      [
        '--trail',
        root,
        '--accounts',
        '444444444444',
        '--regions',
        'us-east-1',
        '--since',
        '2026-03-02',
        '--format',
        'json,md',
      ],
      'scoped',
    );
    expect(r.code).toBe(1);
    expect(r.io.stdout[0]).toMatch(
      /^1 break-glass sessions, .*; 4 events from 1 files \(0 skipped\); not read: 1 account folder, 1 Region folder, 1 range of day folders$/,
    );
    expect(r.json?.inputs.pruned?.folders).toEqual({ account: 1, region: 1, date: 1 });
    expect(r.json?.sessions.map((s) => [s.accounts, s.regions, s.start.slice(0, 10)])).toEqual([
      [['444444444444'], ['us-east-1'], '2026-03-02'],
    ]);
    const md = readFileSync(join(r.out, 'report.md'), 'utf8');
    expect(md).toContain(`- Layout: organization trail ${ORG_ID} (1 file)`);
    expect(md).toContain('- Not read (filters): 1 account folder, 1 Region folder, 1 range of day folders');
  });

  it('--config with an organization finds the member role sessions of every account', async () => {
    const io = captureIO();
    const out = join(work, 'config');
    const config = join(import.meta.dirname, '..', '..', 'examples', 'organization.config.yaml');
    expect(
      await runCli(['report', '--config', config, '--trail', root, '--out', out, '--format', 'json'], io),
    ).toBe(1);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
    expect(new Set(json.sessions.flatMap((s) => s.accounts))).toEqual(
      new Set(['333333333333', '444444444444']),
    );
    expect(json.sessions).toHaveLength(9);
  });

  it('always reads us-east-1 with --regions, where the global service events are, and says so', async () => {
    const r = await report(['--trail', root, '--regions', 'eu-west-1', '--format', 'json'], 'regions');
    expect(r.io.stderr).toContain(
      'note: --regions: us-east-1 is read too (IAM, global STS and console sign-in events are delivered there)',
    );
    expect(new Set(r.json?.sessions.flatMap((s) => s.regions))).toEqual(new Set(['eu-west-1', 'us-east-1']));
  });

  it('rejects a malformed --accounts or --regions value naming the flag (exit 2)', async () => {
    const a = await report(['--trail', root, '--accounts', '4444'], 'bad-accounts');
    expect(a.code).toBe(2);
    expect(a.io.stderr.join('\n')).toContain('--accounts: "4444" is not a 12-digit account id');
    const g = await report(['--trail', root, '--regions', 'eu-west-9'], 'bad-regions');
    expect(g.code).toBe(2);
    expect(g.io.stderr.join('\n')).toContain("--regions: unknown Region 'eu-west-9'");
  });

  it('exits 2 when the filters leave nothing to read, saying which folders they left out', async () => {
    const r = await report(['--trail', root, '--accounts', '555555555555'], 'none');
    expect(r.code).toBe(2);
    expect(r.io.stderr.join('\n')).toContain(
      'every log file is outside --accounts/--regions/--since/--until (2 account folders); nothing could be read — check the filters',
    );
  });
});

describe('breakglass report --accounts on an organization trail in S3 (loopback S3 server)', () => {
  let server: S3rver;
  let endpoint: string;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) saved[k] = process.env[k];
    process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';
    process.env['AWS_REGION'] = 'us-east-1';
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: tempDir('bg-s3rver-org-'),
      configureBuckets: [{ name: 'org-trail-bucket', configs: [] }],
    });
    endpoint = `http://127.0.0.1:${(await server.run()).port}`;
    const s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1' });
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) =>
        statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)],
      );
    for (const f of walk(root))
      await s3.send(
        new PutObjectCommand({ Bucket: 'org-trail-bucket', Key: relative(root, f), Body: readFileSync(f) }),
      );
  }, 60_000);
  afterAll(async () => {
    await server.close();
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  it('skips the other account with StartAfter over real HTTP and finds the same sessions as the local run', async () => {
    const args = ['--accounts', '333333333333', '--format', 'json'];
    const s3 = await report(
      ['--trail', `s3://org-trail-bucket/AWSLogs/${ORG_ID}/`, '--endpoint-url', endpoint, ...args],
      's3',
    );
    const local = await report(['--trail', root, ...args], 'local');
    expect(s3.code).toBe(1);
    expect(s3.json?.inputs.files).toBe(4);
    expect(s3.json?.inputs.pruned?.folders.account).toBe(1);
    expect(s3.json?.sessions).toEqual(local.json?.sessions);
    expect(tree.files).toHaveLength(9);
  });
});
