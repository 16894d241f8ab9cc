import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { tempDir } from '../temp.js';

function capture(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), isTTY: false, cwd };
}

const sts = (eventName: string, roleArn: string) => ({
  version: '0',
  id: `id-${eventName}`,
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.sts',
  account: '111122223333',
  time: '2026-11-21T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { eventName, requestParameters: { roleArn } },
});
const ROLE = 'arn:aws:iam::111122223333:role/BreakGlass';
const PATTERN = {
  source: ['aws.sts'],
  detail: { eventName: ['AssumeRole'], requestParameters: { roleArn: [ROLE] } },
};

let dir: string;
beforeAll(() => {
  dir = tempDir('bg-test-pattern-');
  writeFileSync(join(dir, 'pattern.json'), JSON.stringify(PATTERN));
  writeFileSync(join(dir, 'event.json'), JSON.stringify(sts('AssumeRole', ROLE)));
  writeFileSync(
    join(dir, 'events.jsonl'),
    [
      sts('AssumeRole', ROLE),
      sts('AssumeRole', 'arn:aws:iam::111122223333:role/Other'),
      sts('GetCallerIdentity', ROLE),
    ]
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n\n',
  );
  writeFileSync(
    join(dir, 'bad.jsonl'),
    `${JSON.stringify(sts('AssumeRole', ROLE))}\n{"source": "aws.sts",\n`,
  );
  writeFileSync(
    join(dir, 'trail.jsonl'),
    JSON.stringify({
      eventVersion: '1.08',
      eventTime: '2026-11-21T10:00:00Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      awsRegion: 'ap-south-1',
      requestParameters: { roleArn: ROLE },
    }) + '\n',
  );
});

describe('breakglass test-pattern', () => {
  it('prints true for a matching inline event and exits 0', async () => {
    const io = capture(dir);
    const code = await runCli(
      [
        'test-pattern',
        '--pattern',
        JSON.stringify(PATTERN),
        '--event',
        JSON.stringify(sts('AssumeRole', ROLE)),
      ],
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout).toEqual(['true']);
    expect(io.stderr).toEqual([]);
  });

  it('reads @files relative to the working directory', async () => {
    const io = capture(dir);
    expect(await runCli(['test-pattern', '--pattern', '@pattern.json', '--event', '@event.json'], io)).toBe(
      0,
    );
    expect(io.stdout).toEqual(['true']);
  });

  it('prints one result per JSONL line, skipping blank lines', async () => {
    const io = capture(dir);
    expect(await runCli(['test-pattern', '--pattern', '@pattern.json', '--events', 'events.jsonl'], io)).toBe(
      0,
    );
    expect(io.stdout).toEqual(['true', 'false', 'false']);
  });

  it('prints a JSON array with --json', async () => {
    const io = capture(dir);
    expect(
      await runCli(['test-pattern', '--pattern', '@pattern.json', '--events', 'events.jsonl', '--json'], io),
    ).toBe(0);
    expect(JSON.parse(io.stdout.join(''))).toEqual([true, false, false]);
  });

  it('turns CloudTrail records into EventBridge events with --cloudtrail', async () => {
    const io = capture(dir);
    const pattern = JSON.stringify({
      source: ['aws.sts'],
      region: ['ap-south-1'],
      'detail-type': ['AWS API Call via CloudTrail'],
    });
    expect(
      await runCli(['test-pattern', '--pattern', pattern, '--events', 'trail.jsonl', '--cloudtrail'], io),
    ).toBe(0);
    expect(io.stdout).toEqual(['true']);
  });

  it('rejects an invalid pattern with exit 2 and the reason on stderr', async () => {
    const io = capture(dir);
    const code = await runCli(['test-pattern', '--pattern', '{"source":"aws.sts"}', '--event', '{}'], io);
    expect(code).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([
      'error: --pattern: source: must be an object or an array; received "aws.sts" — wrap the value in an array: ["aws.sts"]',
    ]);
  });

  it('rejects a pattern that is not JSON, naming the flag', async () => {
    const io = capture(dir);
    expect(await runCli(['test-pattern', '--pattern', '{source:', '--event', '{}'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/^error: --pattern: not valid JSON/);
  });

  it('rejects bad event JSON naming the line', async () => {
    const io = capture(dir);
    expect(await runCli(['test-pattern', '--pattern', '@pattern.json', '--events', 'bad.jsonl'], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n')).toMatch(
      /^error: --events bad\.jsonl line 2: not valid JSON .*received "\{\\"source\\": \\"aws\.sts\\","$/,
    );
  });

  it('rejects a missing file, naming the flag and the path', async () => {
    const io = capture(dir);
    expect(await runCli(['test-pattern', '--pattern', '@nope.json', '--event', '{}'], io)).toBe(2);
    expect(io.stderr).toEqual(["error: --pattern: cannot read 'nope.json' (ENOENT)"]);
  });

  it('rejects both --event and --events', async () => {
    const io = capture(dir);
    expect(
      await runCli(
        ['test-pattern', '--pattern', '@pattern.json', '--event', '{}', '--events', 'events.jsonl'],
        io,
      ),
    ).toBe(2);
    expect(io.stderr.join('\n')).toMatch(
      /give exactly one of --event <json\|@file> or --events <file\.jsonl>/,
    );
  });

  it('rejects --cloudtrail with events that are not CloudTrail records', async () => {
    const io = capture(dir);
    expect(
      await runCli(
        ['test-pattern', '--pattern', '@pattern.json', '--events', 'events.jsonl', '--cloudtrail'],
        io,
      ),
    ).toBe(2);
    expect(io.stderr.join('\n')).toMatch(
      /--events events\.jsonl line 1: --cloudtrail expects CloudTrail records/,
    );
  });

  it('rejects a missing --pattern', async () => {
    const io = capture(dir);
    expect(await runCli(['test-pattern', '--event', '{}'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--pattern/);
  });
});

describe('breakglass test-pattern --explain', () => {
  it('prints the first failed field, what the pattern expects and the event value', async () => {
    const io = capture(dir);
    expect(
      await runCli(
        ['test-pattern', '--pattern', '@pattern.json', '--events', 'events.jsonl', '--explain'],
        io,
      ),
    ).toBe(0);
    expect(io.stdout).toEqual([
      'true',
      'false',
      `  detail.requestParameters.roleArn: expected ["${ROLE}"]; the event has "arn:aws:iam::111122223333:role/Other"`,
      'false',
      '  detail.eventName: expected ["AssumeRole"]; the event has "GetCallerIdentity"',
    ]);
  });

  it('names a missing field, each $or branch, and array-consistency failures', async () => {
    const io = capture(dir);
    const pattern = JSON.stringify({
      $or: [{ detail: { errorCode: [{ exists: true }] } }, { detail: { items: { a: ['1'], b: ['2'] } } }],
    });
    const event = JSON.stringify({
      detail: {
        items: [
          { a: '1', b: '3' },
          { a: '0', b: '2' },
        ],
      },
    });
    expect(await runCli(['test-pattern', '--pattern', pattern, '--event', event, '--explain'], io)).toBe(0);
    expect(io.stdout).toEqual([
      'false',
      '  $or branch 1: detail.errorCode: expected [{"exists":true}]; the event has no value there',
      '  $or branch 2: detail.items.b: expected ["2"]; the event has "3", "2", but not in the same array element as the fields before it',
    ]);
  });

  it('prints explanations as JSON with --json', async () => {
    const io = capture(dir);
    expect(
      await runCli(
        ['test-pattern', '--pattern', '@pattern.json', '--events', 'events.jsonl', '--explain', '--json'],
        io,
      ),
    ).toBe(0);
    const out = JSON.parse(io.stdout.join('')) as { matches: boolean; failed?: { field: string }[] }[];
    expect(out.map((x) => x.matches)).toEqual([true, false, false]);
    expect(out[2]?.failed?.[0]?.field).toBe('detail.eventName');
  });
});
