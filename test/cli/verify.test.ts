import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

const seed000 = join(import.meta.dirname, '..', 'simulator', 'fixtures', 'seed000.template.json');
const base = ['--template', seed000, '--account', '111122223333', '--region', 'eu-central-1'];

describe('breakglass verify (CLI)', () => {
  it('exits 1 and prints the matrix with gaps for the seed 000 template', async () => {
    const io = captureIO();
    const roleArgs = ['--regions', 'eu-central-1,us-east-1'];
    const code = await runCli(['verify', ...base, ...roleArgs, '--role-arn', await roleArnOf()], io);
    const out = io.stdout.join('\n');
    expect(code).toBe(1);
    expect(out).toMatch(/region\s+AssumeRole/);
    expect(out).toMatch(/eu-central-1 .*✗/);
    expect(out).toMatch(/Gaps \(\d+/);
    expect(out).toMatch(/\d+ scenarios in 2 Regions: \d+ ok, [1-9]\d* gap\(s\)/);
  });

  it('prints the documented JSON shape with --json', async () => {
    const io = captureIO();
    const code = await runCli(
      ['verify', ...base, '--regions', 'eu-central-1', '--role-arn', await roleArnOf(), '--json'],
      io,
    );
    expect(code).toBe(1);
    const json = JSON.parse(io.stdout.join('\n')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['roles', 'users', 'scenarios', 'summary']));
    const s = (json['scenarios'] as Record<string, unknown>[])[0] ?? {};
    for (const k of ['wayIn', 'region', 'actor', 'trust', 'alerted', 'logged', 'ok', 'deliveries'])
      expect(s).toHaveProperty(k);
    expect(json['summary']).toEqual({
      total: expect.any(Number),
      ok: expect.any(Number),
      gaps: expect.any(Number),
    });
  });

  it('rejects --template without --account with exit 2 and one line naming the flag', async () => {
    const io = captureIO();
    expect(await runCli(['verify', '--template', seed000, '--region', 'eu-west-1'], io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/--account: a 12-digit account id/);
  });

  it('rejects an unknown Region in --regions with exit 2', async () => {
    const io = captureIO();
    expect(await runCli(['verify', ...base, '--regions', 'eu-west-1,mars-1'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--regions: unknown Region 'mars-1'/);
  });

  it('rejects a template with no break-glass role (no tag, no --role-arn) with exit 2', async () => {
    const io = captureIO();
    expect(await runCli(['verify', ...base, '--regions', 'eu-central-1'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/no break-glass role or user found/);
  });

  it('rejects a missing --app directory with exit 2 and no stack trace', async () => {
    const io = captureIO();
    expect(await runCli(['verify', '--app', '/nonexistent/cdk.out'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--app \/nonexistent\/cdk\.out: not a directory/);
    expect(io.stderr.join('\n')).not.toMatch(/at .*\.ts:\d+/);
  });
});

async function roleArnOf(): Promise<string> {
  const { buildModel, loadTemplateFile } = await import('../../src/simulator/index.js');
  const model = buildModel([loadTemplateFile(seed000, '111122223333', 'eu-central-1')]);
  const role = [...model.roles.values()][0];
  if (!role) throw new Error('no role');
  return role.arn;
}
