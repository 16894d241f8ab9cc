import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { reportDeps } from '../../src/cli/commands/report.js';
import type { AthenaPort } from '../../src/report/athena.js';
import { captureIO } from './capture.js';
import { tempDir } from '../temp.js';
import { CHAINED_ROLE, STRATUS_ROLE, writeTrailTree, type TrailTree } from '../report/helpers.js';

interface ReportJson {
  inputs: { files: number; events: number; skipped: Array<{ file: string; reason: string }> };
  sessions: Array<{
    id: string;
    principal: string;
    wayIn: string;
    status: string;
    counts: { total: number };
    regions: string[];
  }>;
}

let tree: TrailTree;
let work: string;
const roleFlags = ['--role-arn', CHAINED_ROLE, '--role-arn', STRATUS_ROLE];

beforeAll(() => {
  tree = writeTrailTree();
  work = mkdtempSync(join(tmpdir(), 'bg-cli-report-'));
});
afterAll(() => {
  rmSync(tree.root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('breakglass report (local trail)', () => {
  let code: number;
  const io = captureIO();
  const out = () => join(work, 'local');
  beforeAll(async () => {
    code = await runCli(
      ['report', '--trail', tree.root, ...roleFlags, '--out', out(), '--db', join(work, 'trail.duckdb')],
      io,
    );
  });

  it('writes report.html, report.md and report.json and exits 1 because sessions were found', () => {
    expect(code).toBe(1);
    for (const f of ['report.html', 'report.md', 'report.json'])
      expect(existsSync(join(out(), f))).toBe(true);
    expect(io.stdout[0]).toBe(
      '3 break-glass sessions, 2 failed attempts, 37 risky calls; 81 events from 7 files (3 skipped)',
    );
  });

  it('warns once per bad file on stderr, naming it, and lists it in inputs.skipped', () => {
    const warnings = io.stderr.filter((l) => l.startsWith('warning: skipped '));
    expect(warnings).toHaveLength(3);
    // Not a terminal: no progress lines.
    expect(io.stderr).toEqual(warnings);
    const json = JSON.parse(readFileSync(join(out(), 'report.json'), 'utf8')) as ReportJson;
    expect(json.inputs.skipped.map((s) => relative(tree.root, s.file)).sort()).toEqual(
      tree.bad.map((b) => b.rel).sort(),
    );
    expect(json.sessions.map((s) => [s.id, s.wayIn, s.status])).toEqual([
      ['S1', 'AssumeRole', 'failed'],
      ['S2', 'AssumeRole', 'failed'],
      ['S3', 'AssumeRole', 'succeeded'],
      ['S4', 'AssumeRole', 'succeeded'],
      ['S5', 'AssumeRole', 'succeeded'],
    ]);
  });

  it('keeps the trail for breakglass query (table and --json output)', async () => {
    const q = captureIO();
    expect(
      await runCli(
        [
          'query',
          "SELECT event_name, count(*) AS n FROM events WHERE event_source = 'sts.amazonaws.com' GROUP BY 1",
          '--db',
          join(work, 'trail.duckdb'),
        ],
        q,
      ),
    ).toBe(0);
    expect(q.stdout.join('\n')).toMatch(/^event_name\s+n\n/);
    expect(q.stdout.join('\n')).toMatch(/AssumeRole\s+15/);
    const j = captureIO();
    expect(
      await runCli(
        ['query', 'SELECT count(*) AS n FROM events', '--db', join(work, 'trail.duckdb'), '--json'],
        j,
      ),
    ).toBe(0);
    expect(JSON.parse(j.stdout.join('\n'))).toEqual([{ n: 81 }]);
  });

  it('rejects bad SQL in one line naming the table', async () => {
    const q = captureIO();
    expect(await runCli(['query', 'SELECT nope FROM events', '--db', join(work, 'trail.duckdb')], q)).toBe(2);
    expect(q.stderr).toHaveLength(1);
    expect(q.stderr[0]).toMatch(/^error: query: .*nope.*the table is events/);
  });

  it('shows progress (files, bytes, events) on stderr when it is a terminal', async () => {
    const tty = { ...captureIO(), isTTY: true };
    const stderr: string[] = [];
    const code = await runCli(
      ['report', '--trail', tree.root, ...roleFlags, '--out', join(work, 'tty'), '--format', 'json'],
      {
        ...tty,
        err: (l: string) => stderr.push(l),
      },
    );
    expect(code).toBe(1);
    expect(stderr.filter((l) => l.startsWith('report: ')).at(-1)).toMatch(
      /^report: 7\/7 files, [\d.]+ KB, 81 events$/,
    );
  });

  it('exits 0 when no break-glass session is in the logs', async () => {
    const io2 = captureIO();
    expect(
      await runCli(
        [
          'report',
          '--trail',
          tree.root,
          '--role-arn',
          'NotUsed',
          '--out',
          join(work, 'none'),
          '--format',
          'json',
        ],
        io2,
      ),
    ).toBe(0);
    expect(readdirSync(join(work, 'none'))).toEqual(['report.json']);
  });
});

describe('breakglass report --config', async () => {
  // The config loader is another area's; until it lands this block is skipped with that reason.
  const config = (await import('../../src/config/index.js')) as Record<string, unknown>;
  const hasLoader = typeof config['loadConfigFile'] === 'function';
  it.skipIf(!hasLoader)(
    `takes the break-glass role from the config file${hasLoader ? '' : ' (skipped: src/config has no loadConfigFile yet)'}`,
    async () => {
      const file = join(work, 'bg.config.yaml');
      writeFileSync(
        file,
        "account: '111111111111'\nregion: us-east-1\nrole:\n  roleName: BreakGlass\n  loginAlertEmails: [sec@example.com]\n",
      );
      const io = captureIO();
      expect(
        await runCli(
          ['report', '--trail', tree.root, '--config', file, '--out', join(work, 'cfg'), '--format', 'json'],
          io,
        ),
      ).toBe(1);
      const json = JSON.parse(readFileSync(join(work, 'cfg', 'report.json'), 'utf8')) as ReportJson & {
        principals: { roleArns: string[] };
      };
      expect(json.principals.roleArns).toEqual([CHAINED_ROLE]);
      expect(json.sessions.map((s) => s.principal)).toEqual([CHAINED_ROLE]);
    },
  );
});

describe('breakglass report (usage errors)', () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      'rejects an unknown --format',
      ['--format', 'html,pdf'],
      /--format: "html,pdf" has unknown format "pdf"; use a comma list of html, md, json/,
    ],
    ['rejects a --since that is not a date', ['--since', 'yesterday'], /--since: "yesterday" is not a date/],
    [
      'rejects a malformed --role-arn',
      ['--role-arn', 'arn:aws:iam::12:role/x'],
      /--role-arn: "arn:aws:iam::12:role\/x" is not a role ARN/,
    ],
  ];
  for (const [name, extra, pattern] of cases) {
    it(name, async () => {
      const io = captureIO();
      const base = ['report', '--trail', tree.root, '--out', join(work, 'x')];
      const args = extra[0] === '--role-arn' ? [...base, ...extra] : [...base, ...roleFlags, ...extra];
      expect(await runCli(args, io)).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(pattern);
    });
  }

  it('rejects a run without any break-glass principal', async () => {
    const io = captureIO();
    expect(await runCli(['report', '--trail', tree.root, '--out', join(work, 'x')], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/no break-glass principal; pass --role-arn/);
  });

  it('rejects a --trail that does not exist, quoting it', async () => {
    const io = captureIO();
    expect(
      await runCli(['report', '--trail', '/nope/trail', ...roleFlags, '--out', join(work, 'x')], io),
    ).toBe(2);
    expect(io.stderr[0]).toMatch(/--trail: "\/nope\/trail" does not exist/);
  });
});

describe('breakglass report (s3:// through a loopback S3 server)', () => {
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
      directory: tempDir('bg-s3rver-'),
      configureBuckets: [{ name: 'trail-bucket', configs: [] }],
    });
    const info = await server.run();
    endpoint = `http://127.0.0.1:${info.port}`;
    const s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1' });
    for (const f of walk(tree.root))
      await s3.send(
        new PutObjectCommand({
          Bucket: 'trail-bucket',
          Key: `ct/${relative(tree.root, f)}`,
          Body: readFileSync(f),
        }),
      );
  }, 60_000);
  afterAll(async () => {
    await server.close();
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  it('lists and streams the objects, with the same sessions and skips as the local run', async () => {
    const io = captureIO();
    const out = join(work, 's3');
    expect(
      await runCli(
        [
          'report',
          '--trail',
          's3://trail-bucket/ct/',
          '--endpoint-url',
          endpoint,
          ...roleFlags,
          '--out',
          out,
          '--format',
          'json',
        ],
        io,
      ),
    ).toBe(1);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
    const local = JSON.parse(readFileSync(join(work, 'local', 'report.json'), 'utf8')) as ReportJson;
    expect(json.inputs.events).toBe(local.inputs.events);
    expect(json.sessions.map((s) => [s.principal, s.counts.total])).toEqual(
      local.sessions.map((s) => [s.principal, s.counts.total]),
    );
    expect(json.inputs.skipped.map((s) => s.file).sort()).toEqual(
      tree.bad.map((b) => `s3://trail-bucket/ct/${b.rel}`).sort(),
    );
  });

  it('prunes S3 keys by their path date with --since', async () => {
    const io = captureIO();
    const out = join(work, 's3-since');
    await runCli(
      [
        'report',
        '--trail',
        's3://trail-bucket/ct',
        '--endpoint-url',
        endpoint,
        ...roleFlags,
        '--out',
        out,
        '--format',
        'json',
        '--since',
        '2026-03-01',
      ],
      io,
    );
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson & {
      inputs: { prunedByDate: number };
    };
    expect(json.inputs.prunedByDate).toBe(1);
    expect(json.sessions.map((s) => s.principal)).toEqual([CHAINED_ROLE]);
  });
});

describe('breakglass report --athena', () => {
  it('runs the session queries through the Athena port and writes the report', async () => {
    const sql: string[] = [];
    const header = [
      'event_time',
      'event_source',
      'event_name',
      'aws_region',
      'account_id',
      'event_id',
      'request_parameters',
      'response_elements',
      'ui_type',
      'ui_arn',
      'ui_access_key_id',
    ];
    const wayIn = [
      '2026-03-01T10:00:00Z',
      'sts.amazonaws.com',
      'AssumeRole',
      'us-east-1',
      '111111111111',
      'e01',
      JSON.stringify({ roleArn: CHAINED_ROLE, roleSessionName: 'alice' }),
      JSON.stringify({ credentials: { accessKeyId: 'ASIABG1' } }),
      'IAMUser',
      'arn:aws:iam::111111111111:user/alice',
      'AKIAALICE',
    ];
    const call = [
      '2026-03-01T10:01:00Z',
      'iam.amazonaws.com',
      'DeleteUser',
      'us-east-1',
      '111111111111',
      'e02',
      '{}',
      null,
      'AssumedRole',
      'arn:aws:sts::111111111111:assumed-role/BreakGlass/alice',
      'ASIABG1',
    ];
    const port: AthenaPort = {
      start: async (q) => {
        sql.push(q.sql);
        expect(q.database).toBe('trails');
        expect(q.outputLocation).toBe('s3://athena-results/bg/');
        return `q${sql.length}`;
      },
      state: async () => ({ state: 'SUCCEEDED' }),
      results: async (id) => ({ rows: id === 'q1' ? [header, wayIn] : [header, call] }),
    };
    reportDeps.athenaPort = () => port;
    try {
      const io = captureIO();
      const out = join(work, 'athena');
      const code = await runCli(
        [
          'report',
          '--athena',
          '--database',
          'trails',
          '--table',
          'cloudtrail_logs',
          '--output',
          's3://athena-results/bg/',
          '--role-arn',
          CHAINED_ROLE,
          '--out',
          out,
          '--format',
          'json,md',
        ],
        io,
      );
      expect(io.stderr).toEqual([]);
      expect(code).toBe(1);
      const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson & {
        inputs: { source: string };
      };
      expect(json.inputs.source).toBe('athena:trails.cloudtrail_logs');
      expect(json.sessions.map((s) => [s.wayIn, s.counts.total])).toEqual([['AssumeRole', 2]]);
      expect(sql[0]).toContain('FROM "trails"."cloudtrail_logs"');
      expect(sql[1]).toContain("useridentity.accesskeyid IN ('ASIABG1')");
    } finally {
      delete reportDeps.athenaPort;
    }
  });

  it('rejects --athena without --output', async () => {
    const io = captureIO();
    expect(
      await runCli(
        [
          'report',
          '--athena',
          '--database',
          'd',
          '--table',
          't',
          '--role-arn',
          CHAINED_ROLE,
          '--out',
          join(work, 'x'),
        ],
        io,
      ),
    ).toBe(2);
    expect(io.stderr[0]).toMatch(/report --athena: --output is required/);
  });
});

describe('breakglass athena-ddl', () => {
  it('prints CREATE TABLE with partition projection for an organization trail', async () => {
    const io = captureIO();
    expect(
      await runCli(['athena-ddl', '--bucket', 'org-trail', '--org-id', 'o-abcdefghij', '--table', 'ct'], io),
    ).toBe(0);
    const ddl = io.stdout.join('\n');
    expect(ddl).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS ct (');
    expect(ddl).toContain(
      "'storage.location.template'='s3://org-trail/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${timestamp}'",
    );
  });

  it('rejects a missing --bucket', async () => {
    const io = captureIO();
    expect(await runCli(['athena-ddl'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/--bucket is required/);
  });
});
