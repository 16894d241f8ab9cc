import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

describe('breakglass CLI', () => {
  it('prints help listing the verbs and exits 0', async () => {
    const io = captureIO();
    expect(await runCli(['--help'], io)).toBe(0);
    const help = io.stdout.join('\n');
    for (const verb of ['verify', 'simulate', 'synth', 'schema', 'report', 'test-pattern', 'render-input']) {
      expect(help).toContain(verb);
    }
  });

  it('rejects an unknown verb with exit 2 and one line on stderr', async () => {
    const io = captureIO();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/unknown command 'frobnicate'/);
    expect(io.stdout).toEqual([]);
  });
});
