/**
 * The exit-code contract (README "Exit codes"), one row per bad input × command: every user mistake
 * exits 2 with exactly one `error:` line naming the flag or file — never 0 ("0 events"), never 70.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

let dir: string;

/** Paths of the bad inputs (relative to `dir`, the CLI's cwd). */
const MISSING = 'missing.json';
const EMPTY = 'empty.json';
const DIRECTORY = 'a-directory';
const BINARY = 'binary.json';
const UNREADABLE = 'unreadable.json';
const EMPTY_TRAIL = 'empty-trail';
const GARBAGE_TRAIL = 'garbage-trail';
const A_FILE = 'a-file.txt';
const TEMPLATE = 'template.json';
const CONFIG = 'config.yaml';

const asRoot = process.getuid?.() === 0; // root reads a mode-000 file: no "unreadable" for root

/** Each kind of input nothing can be read from. */
const UNREADABLE_INPUTS: [string, string][] = [
  ['missing', MISSING],
  ['empty', EMPTY],
  ['a directory', DIRECTORY],
  ['binary', BINARY],
  ...(asRoot ? [] : ([['unreadable', UNREADABLE]] as [string, string][])),
];

const TEMPLATE_ARGS = ['--template', TEMPLATE, '--account', '111122223333', '--region', 'eu-west-1'];
const REPORT = ['report', '--role-arn', 'BreakGlass', '--out', 'out'];

interface Row {
  readonly command: string;
  readonly input: string;
  readonly argv: readonly string[];
  /** Text the one error line must contain (the flag or the file). */
  readonly names: string;
  readonly env?: Record<string, string | undefined>;
}

const rows: Row[] = [
  // --- nothing could be read at all ---
  ...UNREADABLE_INPUTS.flatMap(([kind, path]): Row[] => [
    { command: 'verify', input: `--config ${kind}`, argv: ['verify', '--config', path], names: path },
    {
      command: 'verify',
      input: `--template ${kind}`,
      argv: ['verify', '--template', path, ...TEMPLATE_ARGS.slice(2)],
      names: path,
    },
    { command: 'verify', input: `--app ${kind}`, argv: ['verify', '--app', path], names: path },
    {
      command: 'simulate',
      input: `--events ${kind}`,
      argv: ['simulate', ...TEMPLATE_ARGS, '--events', path],
      names: path,
    },
    {
      command: 'synth',
      input: `--config ${kind}`,
      argv: ['synth', '--config', path, '-o', 'out'],
      names: path,
    },
    { command: 'report', input: `--trail ${kind}`, argv: [...REPORT, '--trail', path], names: path },
    { command: 'query', input: `--db ${kind}`, argv: ['query', 'SELECT 1', '--db', path], names: path },
    {
      command: 'test-pattern',
      input: `--pattern @${kind}`,
      argv: ['test-pattern', '--pattern', `@${path}`, '--event', '{}'],
      names: path,
    },
    {
      command: 'test-pattern',
      input: `--events ${kind}`,
      argv: ['test-pattern', '--pattern', '{"source":["aws.sts"]}', '--events', path],
      names: path,
    },
    {
      command: 'render-input',
      input: `--event @${kind}`,
      argv: ['render-input', '--transformer', '{"Input":"\\"x\\""}', '--event', `@${path}`],
      names: path,
    },
  ]),
  {
    command: 'report',
    input: 'an empty trail folder',
    argv: [...REPORT, '--trail', EMPTY_TRAIL],
    names: EMPTY_TRAIL,
  },
  {
    command: 'report',
    input: 'a trail of unreadable files only',
    argv: [...REPORT, '--trail', GARBAGE_TRAIL],
    names: GARBAGE_TRAIL,
  },
  // --- time windows and dates ---
  {
    command: 'report',
    input: '--since after --until',
    argv: [...REPORT, '--trail', EMPTY_TRAIL, '--since', '2026-02-01', '--until', '2026-01-01'],
    names: '--since',
  },
  {
    command: 'report',
    input: 'an invalid --since date',
    argv: [...REPORT, '--trail', EMPTY_TRAIL, '--since', '2026-13-45'],
    names: '--since',
  },
  {
    command: 'athena-ddl',
    input: 'an invalid --start-date',
    argv: ['athena-ddl', '--bucket', 'b', '--start-date', '2099/13/45'],
    names: '--start-date',
  },
  {
    command: 'athena-ddl',
    input: 'a --start-date that is not yyyy/MM/dd',
    argv: ['athena-ddl', '--bucket', 'b', '--start-date', 'yesterday'],
    names: '--start-date',
  },
  {
    command: 'render-input',
    input: 'an invalid --ingestion-time',
    argv: [
      'render-input',
      '--transformer',
      '{"Input":"\\"x\\""}',
      '--event',
      '{}',
      '--ingestion-time',
      'yesterday',
    ],
    names: '--ingestion-time',
  },
  // --- unwritable outputs ---
  {
    command: 'report',
    input: '--out is a file',
    argv: ['report', '--role-arn', 'BreakGlass', '--trail', EMPTY_TRAIL, '--out', A_FILE],
    names: '--out',
  },
  { command: 'schema', input: '-o is a directory', argv: ['schema', '-o', DIRECTORY], names: DIRECTORY },
  {
    command: 'schema',
    input: "-o in a folder that doesn't exist",
    argv: ['schema', '-o', 'no/such/dir/s.json'],
    names: 'no/such/dir',
  },
  {
    command: 'synth',
    input: '--out is a file',
    argv: ['synth', '--config', CONFIG, '--out', A_FILE],
    names: A_FILE,
  },
  // --- AWS credentials ---
  {
    command: 'report',
    input: 'an S3 trail without AWS credentials',
    argv: [...REPORT, '--trail', 's3://my-trail-bucket/AWSLogs/', '--region', 'eu-west-1'],
    names: 'credentials',
    env: {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      AWS_EC2_METADATA_DISABLED: 'true', // no IMDS call: tests stay off the network
      AWS_CONFIG_FILE: 'no-such-aws-config',
      AWS_SHARED_CREDENTIALS_FILE: 'no-such-aws-credentials',
    },
  },
];

async function withEnv<T>(
  env: Record<string, string | undefined> | undefined,
  f: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env ?? {}).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'breakglass-exit-'));
  writeFileSync(join(dir, EMPTY), '');
  mkdirSync(join(dir, DIRECTORY));
  // Not text: NUL bytes, invalid UTF-8, a gzip header with nothing valid behind it.
  writeFileSync(
    join(dir, BINARY),
    Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02, 0x89, 0x50, 0x4e, 0x47, 0x0a, 0x00, 0xc3]),
  );
  writeFileSync(join(dir, UNREADABLE), '{}');
  chmodSync(join(dir, UNREADABLE), 0o000);
  mkdirSync(join(dir, EMPTY_TRAIL));
  mkdirSync(join(dir, GARBAGE_TRAIL));
  writeFileSync(
    join(dir, GARBAGE_TRAIL, '111122223333_CloudTrail_eu-west-1_20260101T0000Z_x.json'),
    Buffer.from([0, 1, 2, 0xff]),
  );
  writeFileSync(join(dir, GARBAGE_TRAIL, 'empty.json'), '');
  writeFileSync(join(dir, A_FILE), 'not a folder');
  writeFileSync(
    join(dir, TEMPLATE),
    JSON.stringify({
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::111122223333:user/alice' },
                  Action: 'sts:AssumeRole',
                },
              ],
            },
            Tags: [{ Key: 'breakglass:role', Value: 'true' }],
          },
        },
      },
    }),
  );
  writeFileSync(
    join(dir, CONFIG),
    "account: '111122223333'\nregion: eu-west-1\nrole:\n  usernames: [alice]\n  regions: [eu-west-1]\n",
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('exit codes', () => {
  it.each(rows.map((r) => [r.command, r.input, r] as const))(
    '%s: rejects %s with exit 2 and one error line',
    async (_command, _input, row) => {
      const io = captureIO(dir);
      const code = await withEnv(row.env, () => runCli([...row.argv], io));
      const errors = io.stderr.filter((l) => /^(error|internal error):/.test(l));
      expect({ code, errors }).toEqual({ code: 2, errors: [expect.stringMatching(/^error: /)] });
      expect(errors[0]).toContain(row.names);
      expect(io.stderr.join('\n')).not.toMatch(/internal error|please report|\n\s+at /);
    },
  );

  it('covers every command', () => {
    expect(new Set(rows.map((r) => r.command))).toEqual(
      new Set([
        'verify',
        'simulate',
        'synth',
        'schema',
        'report',
        'query',
        'athena-ddl',
        'test-pattern',
        'render-input',
      ]),
    );
  });
});

describe('query', () => {
  it('rejects writes: the store is opened read-only and keeps its rows', async () => {
    const { TrailStore } = await import('../../src/report/store.js');
    const db = join(dir, 'trail.duckdb');
    const store = await TrailStore.open({ dbPath: db });
    await store.close();
    for (const sql of ['DELETE FROM events', 'DROP TABLE events', 'CREATE TABLE x AS SELECT 1 AS n']) {
      const io = captureIO(dir);
      expect(await runCli(['query', sql, '--db', 'trail.duckdb'], io)).toBe(2);
      expect(io.stderr).toEqual([expect.stringMatching(/^error: query: the store is opened read-only/)]);
    }
    const io = captureIO(dir);
    expect(
      await runCli(['query', 'SELECT count(*) AS n FROM events', '--db', 'trail.duckdb', '--json'], io),
    ).toBe(0);
    expect(JSON.parse(io.stdout.join('\n'))).toEqual([{ n: 0 }]);
  });
});
