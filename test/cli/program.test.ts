import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { COMMANDS } from '../../src/cli/commands/registry.js';
import { captureIO } from './capture.js';

describe('breakglass CLI', () => {
  it('prints help listing the verbs and exits 0', async () => {
    const io = captureIO();
    expect(await runCli(['--help'], io)).toBe(0);
    const help = io.stdout.join('\n');
    for (const c of COMMANDS) expect(help).toContain(`${c.name}`);
    expect(help).toContain(COMMANDS[0]!.summary.slice(0, 40));
  });

  it('rejects an unknown verb with exit 2 and one line on stderr', async () => {
    const io = captureIO();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/unknown command 'frobnicate'/);
    expect(io.stdout).toEqual([]);
  });

  it('rejects an unknown verb with --help too (exit 2, no top-level help)', async () => {
    for (const argv of [
      ['frobnicate', '--help'],
      ['--help', 'frobnicate'],
      ['help', 'frobnicate'],
    ]) {
      const io = captureIO();
      expect(await runCli(argv, io)).toBe(2);
      expect(io.stderr).toEqual([expect.stringMatching(/^error: unknown command 'frobnicate'/)]);
      expect(io.stdout).toEqual([]);
    }
  });

  it('suggests the verb a typo is close to', async () => {
    const io = captureIO();
    expect(await runCli(['verfy'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain("did you mean 'verify'?");
  });

  it("prints a verb's own help for `<verb> --help` and `help <verb>`", async () => {
    for (const argv of [
      ['render-input', '--help'],
      ['help', 'render-input'],
    ]) {
      const io = captureIO();
      expect(await runCli(argv, io)).toBe(0);
      const help = io.stdout.join('\n');
      expect(help).toContain('Usage: breakglass render-input');
      expect(help).toContain('--transformer');
    }
  });

  it('prints the version and exits 0', async () => {
    const io = captureIO();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.stdout).toEqual(['0.1.0']);
  });

  it('exits 2 with the help on stderr when no verb is given', async () => {
    const io = captureIO();
    expect(await runCli([], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('Usage: breakglass');
  });
});

describe('command registry', () => {
  it("lists each verb with the same name and description its module registers (top-level help can't drift)", async () => {
    const names = new Set<string>();
    for (const entry of COMMANDS) {
      const program = new Command('breakglass');
      (await entry.load()).register(program, () => async () => undefined);
      expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
      expect(program.commands[0]!.description()).toBe(entry.summary);
      names.add(entry.name);
    }
    expect(names.size).toBe(COMMANDS.length);
  });
});
