import { tempDir } from '../temp.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

/** Small single-region config so the end-to-end path (real monitoring constructs) stays fast. */
const SMALL = `
account: '111122223333'
region: eu-west-1
role:
  usernames: [alice]
  regions: [eu-west-1]
  managedPolicies: [ReadOnlyAccess]
`;

describe('breakglass synth', () => {
  describe('with the default config (examples/breakglass.config.yaml)', () => {
    let dir: string;
    let code: number;
    let io: ReturnType<typeof captureIO>;
    beforeAll(async () => {
      dir = tempDir('bgsynth-');
      io = captureIO(dir);
      code = await runCli(['synth', '--out', 'cdk.out'], io);
    }, 300_000);

    it('exits 0 and writes a cloud assembly cdk deploy --app can read', () => {
      expect(code, io.stderr.join('\n')).toBe(0);
      const manifest = JSON.parse(readFileSync(join(dir, 'cdk.out', 'manifest.json'), 'utf8')) as {
        artifacts: Record<string, { type: string; environment?: string }>;
      };
      const stacks = Object.entries(manifest.artifacts).filter(
        ([, a]) => a.type === 'aws:cloudformation:stack',
      );
      expect(stacks.map(([, a]) => a.environment)).toContain('aws://111122223333/eu-west-1');
      expect(stacks.map(([, a]) => a.environment)).toContain('aws://444455556666/eu-west-1');
      expect(existsSync(join(dir, 'cdk.out', 'BreakGlass.template.json'))).toBe(true);
    });

    it('prints every stack with account, region and resource count', () => {
      const out = io.stdout.join('\n');
      expect(out).toMatch(/^STACK\s+ACCOUNT\s+REGION\s+RESOURCES/m);
      expect(out).toMatch(/^BreakGlass\s+111122223333\s+eu-west-1\s+\d+$/m);
      expect(out).toMatch(/^BreakGlass-Users\s+444455556666\s+eu-west-1\s+\d+$/m);
      expect(out).toMatch(/stacks written to .*cdk deploy --app cdk.out --all/);
    });
  });

  it('prints JSON with --json', async () => {
    const dir = tempDir('bgsynth-');
    writeFileSync(join(dir, 'bg.yaml'), SMALL);
    const io = captureIO(dir);
    expect(await runCli(['synth', '--config', 'bg.yaml', '--out', 'out', '--json'], io)).toBe(0);
    const result = JSON.parse(io.stdout.join('\n')) as {
      stacks: { name: string; account: string; resources: number }[];
    };
    const main = result.stacks.find((s) => s.name === 'BreakGlass');
    expect(main?.account).toBe('111122223333');
    expect(main?.resources).toBeGreaterThan(0);
  });

  it('rejects an invalid config with exit 2 and one line per problem', async () => {
    const dir = tempDir('bgsynth-');
    writeFileSync(join(dir, 'bad.yaml'), "account: '1'\nregion: mars\nrole: { usernames: [alice] }\n");
    const io = captureIO(dir);
    expect(await runCli(['synth', '--config', 'bad.yaml', '--out', 'out'], io)).toBe(2);
    const lines = io.stderr.join('\n').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: .*bad.yaml:1: account: .*\(got "1"\)$/);
    expect(lines[1]).toMatch(/bad.yaml:2: region: .*\(got "mars"\)$/);
    expect(io.stdout).toEqual([]);
  });

  it('rejects a construct-level problem at its config field with exit 2', async () => {
    const dir = tempDir('bgsynth-');
    // A cross-field rule only the construct checks (the schema sees each field alone).
    writeFileSync(join(dir, 'bg.yaml'), `${SMALL}  deployerExists: role\n`);
    const io = captureIO(dir);
    expect(await runCli(['synth', '--config', 'bg.yaml', '--out', 'out'], io)).toBe(2);
    expect(io.stderr).toEqual([
      expect.stringMatching(
        /^error: bg.yaml: role.deployerExists: set without deployer; name the existing role/,
      ),
    ]);
  });

  it('rejects a missing config file with exit 2', async () => {
    const io = captureIO(tempDir('bgsynth-'));
    expect(await runCli(['synth', '--config', 'nope.yaml'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/nope.yaml: <root>: cannot read the config file/);
  });

  it('is listed in --help', async () => {
    const io = captureIO();
    expect(await runCli(['synth', '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/--config <file>[\s\S]*--out <dir>/);
  });
});
