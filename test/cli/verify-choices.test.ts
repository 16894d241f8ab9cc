/**
 * verify judges what the user chose: reads left out of the action log by `logActions: 'write'`, a named
 * person the trust policy locks out, Region codes that do not exist, which source is read when no flag
 * names one. Each case runs the CLI and checks its exit code.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

interface Scenario {
  wayIn: string;
  region: string;
  actor: string;
  target: string;
  trust: string;
  ok: boolean;
  logged: boolean;
  notLoggedByConfiguration: boolean;
  problems: string[];
}
interface Json {
  roles: string[];
  users: string[];
  scenarios: Scenario[];
  summary: { gaps: number };
}

const dirs: string[] = [];
function tempDir(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'bg-verify-choices-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const config = (role: string) =>
  [
    "account: '111122223333'",
    'region: eu-west-1',
    'role:',
    '  usernames: [alice]',
    '  loginAlertEmails: [security@example.com]',
    ...role
      .trim()
      .split('\n')
      .map((l) => `  ${l.trim()}`),
    '',
  ].join('\n');

/**
 * Runs verify; these cases are about its judgement, so CloudFormation's validator (seconds of CPU per
 * run, tested on its own below) is skipped unless `validate` is set.
 */
async function verify(args: string[], cwd = process.cwd(), validate = false) {
  const io = captureIO(cwd);
  const code = await runCli(['verify', ...args, ...(validate ? [] : ['--no-cfn-validate'])], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe("verify: logActions 'write' is a choice", () => {
  it('shows reads as not logged by configuration (own symbol), not a gap; exit 0', async () => {
    const d = tempDir({
      'bg.yaml': config("regions: ['eu-west-1']\nlogActions: write"),
    });
    const text = await verify(['--config', join(d, 'bg.yaml'), '--regions', 'eu-west-1,us-east-1'], d);
    expect(text.out).toContain('○ not logged, by configuration');
    const header = text.out.split('\n').find((l) => l.startsWith('region')) ?? '';
    const row = text.out.split('\n').find((l) => l.startsWith('eu-west-1')) ?? '';
    const col = (line: string, name: string) => line.split(/\s{2,}/)[header.split(/\s{2,}/).indexOf(name)];
    expect(col(row, 'Read')).toBe('○');
    expect(col(row, 'Write')).toBe('✓');
    expect(text.out).not.toMatch(/ReadAction .*not logged/);
    expect(text.code).toBe(0);

    const json = await verify(['--config', join(d, 'bg.yaml'), '--regions', 'eu-west-1', '--json'], d);
    const reads = (JSON.parse(json.out) as Json).scenarios.filter((s) => s.wayIn === 'ReadAction');
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads)
      expect(r).toMatchObject({ logged: false, notLoggedByConfiguration: true, ok: true });
    expect(json.code).toBe(0);
  }, 120_000);
});

describe('verify: a named person the trust policy denies is a gap', () => {
  let app: string;
  beforeAll(async () => {
    const d = tempDir({ 'bg.yaml': config("regions: ['eu-west-1', 'us-east-2']") });
    app = join(d, 'cdk.out');
    expect(await runCli(['synth', '--config', join(d, 'bg.yaml'), '--out', app], captureIO(d))).toBe(0);
    // Take eu-west-1 out of the role's Region lock (whether the lock is an Allow condition listing the
    // Regions or a Deny of every other Region): alice is then locked out of the main Region.
    const file = readdirSync(app).find((f) => f === 'BreakGlass.template.json');
    const path = join(app, file ?? 'missing');
    const text = readFileSync(path, 'utf8');
    const template = JSON.parse(text) as {
      Resources: Record<string, { Type: string; Properties: { AssumeRolePolicyDocument?: unknown } }>;
    };
    let edits = 0;
    const drop = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(drop);
      if (typeof v !== 'object' || v === null) return v;
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => {
          if (k === 'aws:RequestedRegion' && Array.isArray(x)) {
            edits++;
            return [k, x.filter((r) => r !== 'eu-west-1')];
          }
          return [k, drop(x)];
        }),
      );
    };
    for (const r of Object.values(template.Resources)) {
      if (r.Type === 'AWS::IAM::Role' && r.Properties.AssumeRolePolicyDocument)
        r.Properties.AssumeRolePolicyDocument = drop(r.Properties.AssumeRolePolicyDocument);
    }
    expect(edits).toBeGreaterThan(0);
    writeFileSync(path, JSON.stringify(template));
  }, 120_000);

  it('reports that the glass does not break where the person is watched, exit 1', async () => {
    const r = await verify(['--app', app, '--regions', 'eu-west-1,us-east-2']);
    expect(r.out).toMatch(
      /✗ AssumeRole in eu-west-1 by named \(arn:aws:iam::111122223333:user\/alice\): the trust policy denies .*the glass does not break in eu-west-1/,
    );
    expect(r.out).not.toMatch(/AssumeRole in us-east-2 by named /);
    expect(r.code).toBe(1);
  }, 120_000);

  it('keeps ⊘ for strangers and missing MFA (not gaps)', async () => {
    const r = await verify(['--app', app, '--regions', 'us-east-2', '--json']);
    const json = JSON.parse(r.out) as Json;
    const assume = json.scenarios.filter((s) => s.wayIn === 'AssumeRole');
    expect(assume.find((s) => s.actor === 'named')).toMatchObject({ trust: 'Allow', ok: true });
    for (const actor of ['stranger', 'named-no-mfa'])
      expect(assume.find((s) => s.actor === actor)).toMatchObject({ ok: true });
    expect(assume.find((s) => s.actor === 'stranger')?.trust).not.toBe('Allow');
  }, 120_000);
});

describe("verify: the Region lock covers every watched Region (the awslabs README's regions example)", () => {
  it('lets the named person in in the main Region, us-east-1 and the configured ones', async () => {
    const d = tempDir({ 'bg.yaml': config("regions: ['us-east-2', 'us-west-2']") });
    const r = await verify([
      '--config',
      join(d, 'bg.yaml'),
      '--regions',
      'eu-west-1,us-east-1,us-east-2,us-west-2',
      '--json',
    ]);
    const json = JSON.parse(r.out) as Json;
    const named = json.scenarios.filter((s) => s.wayIn === 'AssumeRole' && s.actor === 'named');
    expect(named.map((s) => s.region).sort()).toEqual(['eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2']);
    for (const s of named) expect(s, s.region).toMatchObject({ trust: 'Allow', ok: true });
  }, 120_000);

  it('shows way-in attempts in a Region nobody watches as ⊘, not as missed alerts', async () => {
    const d = tempDir({ 'bg.yaml': config("regions: ['us-east-2']") });
    const r = await verify(['--config', join(d, 'bg.yaml'), '--regions', 'ap-south-1', '--json']);
    const json = JSON.parse(r.out) as Json;
    const ways = json.scenarios.filter((s) => ['AssumeRole', 'SwitchRole'].includes(s.wayIn));
    expect(ways.length).toBeGreaterThan(0);
    for (const s of ways) expect(s, `${s.wayIn} ${s.actor}`).toMatchObject({ ok: true });
    expect(ways.every((s) => s.trust !== 'Allow')).toBe(true);
  }, 120_000);
});

describe('verify: unknown Region codes are bad input (exit 2)', () => {
  it('rejects --regions eu-west-9', async () => {
    const r = await verify(['--regions', 'eu-west-1,eu-west-9']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: --regions: unknown Region 'eu-west-9'/);
  });

  it('rejects --region mars-east-1 with --template', async () => {
    const tpl = join(import.meta.dirname, '..', 'simulator', 'fixtures', 'seed000.template.json');
    const r = await verify(['--template', tpl, '--account', '111122223333', '--region', 'mars-east-1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: --region: unknown Region 'mars-east-1'/);
  });

  it("rejects a config whose region is 'eu-west-9'", async () => {
    const d = tempDir({ 'bg.yaml': config('').replace('region: eu-west-1', 'region: eu-west-9') });
    const r = await verify(['--config', join(d, 'bg.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/region: unknown Region 'eu-west-9'/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});

describe("verify: CloudFormation's validator in the loop", () => {
  it('reports what CloudFormation would reject as a gap (exit 1), its warnings on stderr (exit 0)', async () => {
    const d = tempDir({ 'bg.yaml': config("regions: ['eu-west-1']") });
    const app = join(d, 'cdk.out');
    expect(await runCli(['synth', '--config', join(d, 'bg.yaml'), '--out', app], captureIO(d))).toBe(0);
    const clean = await verify(['--app', app, '--regions', 'eu-west-1'], undefined, true);
    expect(clean.out).toMatch(/checked by CloudFormation's validator: 0 error\(s\)/);
    expect(clean.code).toBe(0);
    const path = join(app, 'BreakGlass.template.json');
    const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources: Record<string, unknown> };
    // A warning (W3010, a hard-coded Availability Zone) is printed and does not make the exit code 1.
    template.Resources['Volume'] = {
      Type: 'AWS::EC2::Volume',
      Properties: { AvailabilityZone: 'eu-west-1a', Size: 10 },
    };
    writeFileSync(path, JSON.stringify(template));
    const warned = await verify(['--app', app, '--regions', 'eu-west-1'], undefined, true);
    expect(warned.err).toMatch(
      /^warning: CloudFormation's validator: BreakGlass: Volume: AvailabilityZone: .*\(W3010\)$/m,
    );
    expect(warned.code).toBe(0);
    // FifoTopic is a boolean in the AWS::SNS::Topic resource schema: an error, a gap.
    template.Resources['Extra'] = { Type: 'AWS::SNS::Topic', Properties: { FifoTopic: 'maybe' } };
    writeFileSync(path, JSON.stringify(template));
    const broken = await verify(['--app', app, '--regions', 'eu-west-1'], undefined, true);
    expect(broken.out).toMatch(/✗ CloudFormation would reject this: BreakGlass: Extra: FifoTopic: .*boolean/);
    expect(broken.out).toMatch(
      / 0 gap\(s\); \d+ template\(s\) checked by CloudFormation's validator: [1-9]\d* error/,
    );
    expect(broken.code).toBe(1);
    // --no-cfn-validate: the same template is not checked, and the summary says so (exit 0).
    const unchecked = await verify(['--app', app, '--regions', 'eu-west-1', '--json']);
    expect(JSON.parse(unchecked.out).cloudFormation).toEqual({ skipped: true, findings: [] });
    const text = await verify(['--app', app, '--regions', 'eu-west-1']);
    expect(text.out).toMatch(/ 0 gap\(s\); CloudFormation's validator not run \(--no-cfn-validate\)$/m);
    expect(text.out).not.toContain('would reject');
    expect(text.code).toBe(0);
  }, 120_000);
});

describe('verify with no source flag', () => {
  it('verifies ./cdk.out when the folder has one, and says so', async () => {
    const d = tempDir({ 'bg.yaml': config("regions: ['eu-west-1']") });
    expect(
      await runCli(['synth', '--config', join(d, 'bg.yaml'), '--out', join(d, 'cdk.out')], captureIO(d)),
    ).toBe(0);
    // A config of the folder does not win over the assembly the user synthesized.
    writeFileSync(
      join(d, 'breakglass.config.yaml'),
      config("regions: ['eu-west-1']").replace('alice', 'zed'),
    );
    const r = await verify(['--regions', 'eu-west-1'], d);
    expect(r.err).toContain(`verifying the cloud assembly ${join(d, 'cdk.out')}`);
    expect(r.out).toContain(`from ${join(d, 'cdk.out')}`);
    expect(r.code).toBe(0);
  }, 120_000);

  it('verifies breakglass.config.yml of the folder when there is no cdk.out, and says so', async () => {
    const d = tempDir({ 'breakglass.config.yml': config("regions: ['eu-west-1']") });
    const r = await verify(['--regions', 'eu-west-1', '--json'], d);
    expect(r.err).toContain(`verifying ${join(d, 'breakglass.config.yml')}`);
    expect((JSON.parse(r.out) as Json).scenarios.some((s) => s.target.includes(':role/'))).toBe(true);
    expect(r.code).toBe(0);
  }, 120_000);

  it('verifies the bundled example in an empty folder, one matrix per role and user', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'src'));
    const r = await verify(['--regions', 'eu-west-1'], d);
    expect(r.err).toMatch(/no cdk\.out or breakglass\.config\.yaml here: verifying the bundled example/);
    const headers = r.out.split('\n').filter((l) => /^(role|user) {2}arn:/.test(l));
    expect(headers).toEqual([
      'role  arn:aws:iam::111122223333:role/BreakGlass',
      'user  arn:aws:iam::444455556666:user/breakglass-1',
      'user  arn:aws:iam::444455556666:user/breakglass-2',
    ]);
    expect(r.out.split('\n').filter((l) => l.startsWith('eu-west-1'))).toHaveLength(3);
    // The Slack/webhook secrets are dynamic references CloudFormation resolves: only with --verbose.
    expect(r.err).not.toMatch(/dynamic reference/);
    expect([0, 1]).toContain(r.code); // verified (gaps or not), not bad input
  }, 180_000);
});
