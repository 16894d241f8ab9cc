import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

const events = join(import.meta.dirname, '..', 'simulator', 'fixtures', 'real-entry-records.jsonl');
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'bg-verify-app-'));
  const io = captureIO();
  expect(await runCli(['synth', '--out', out], io)).toBe(0);
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('verify and simulate on a synthesized cloud assembly (--app)', () => {
  it('verifies the example assembly with no gap (exit 0) and the same roles as the config path', async () => {
    const io = captureIO();
    const code = await runCli(
      ['verify', '--app', out, '--regions', 'eu-west-1,us-east-1,ap-southeast-2', '--json'],
      io,
    );
    const json = JSON.parse(io.stdout.join('\n')) as {
      roles: string[];
      summary: { gaps: number; total: number };
    };
    expect(json.summary.gaps).toBe(0);
    expect(json.summary.total).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(json.roles).toEqual(['arn:aws:iam::111122223333:role/BreakGlass']);
  });

  it('prints the notes on dynamic references (resolved at deploy time) only with --verbose', async () => {
    const quiet = captureIO();
    await runCli(['verify', '--app', out, '--regions', 'eu-west-1', '--no-cfn-validate'], quiet);
    expect(quiet.stderr.join('\n')).not.toMatch(/dynamic reference/);
    const verbose = captureIO();
    await runCli(
      ['verify', '--app', out, '--regions', 'eu-west-1', '--verbose', '--no-cfn-validate'],
      verbose,
    );
    const notes = verbose.stderr.filter((l) =>
      /^note: .*dynamic reference .* resolved by CloudFormation/.test(l),
    );
    expect(notes).toHaveLength(2);
  }, 120_000);

  it('replays events one result per input record, in input order', async () => {
    const io = captureIO();
    expect(await runCli(['simulate', '--app', out, '--events', events, '--json'], io)).toBe(0);
    const json = JSON.parse(io.stdout.join('\n')) as { events: { eventID: string; alerted: boolean }[] };
    expect(json.events).toHaveLength(12);
    expect(json.events[0]?.eventID).toBe('d769ddfd-2cda-4cfa-b33f-05d3b886921d');
    // None of these real records is about the example's role or users.
    expect(json.events.filter((e) => e.alerted)).toEqual([]);
  });

  it('reports a corrupt events file and keeps going with the others', async () => {
    const bad = join(out, 'corrupt.json.gz');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));
    const io = captureIO();
    expect(await runCli(['simulate', '--app', out, '--events', bad, '--events', events, '--json'], io)).toBe(
      0,
    );
    expect(io.stderr.join('\n')).toMatch(/skipped .*corrupt\.json\.gz: cannot read/);
    expect((JSON.parse(io.stdout.join('\n')) as { events: unknown[] }).events).toHaveLength(12);
  });
});
