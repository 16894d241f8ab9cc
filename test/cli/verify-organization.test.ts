/**
 * `breakglass verify` / `simulate` across an organization, through the CLI: the bundled organization
 * example (--config), and a cloud assembly of the hand-written org with an Organizations export (--app
 * --organization).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { PACKAGE_ROOT } from '../../src/cli/system.js';
import type { StackInput } from '../../src/simulator/index.js';
import { stsAssumeRecord, iamUserIdentity } from '../../src/simulator/records.js';
import { tempDir } from '../temp.js';
import { captureIO } from './capture.js';
import {
  MANAGEMENT,
  MEMBERS,
  ORG_ID,
  ORG_MAP,
  REGIONS,
  orgFixture,
  orgStacks,
} from '../fixtures/organization/org-stacks.js';

const EXAMPLE = join(PACKAGE_ROOT, 'examples', 'organization.config.yaml');
const FOUR = REGIONS.join(',');
type Json = Record<string, unknown>;

/** A cloud assembly folder holding `stacks` (manifest + one template file each). */
function assemblyOf(stacks: readonly StackInput[]): string {
  const dir = tempDir('bg-org-app-');
  const artifacts: Json = {};
  for (const s of stacks) {
    const file = `${s.stackName}.template.json`;
    writeFileSync(join(dir, file), JSON.stringify(s.template));
    artifacts[s.stackName] = {
      type: 'aws:cloudformation:stack',
      environment: `aws://${s.account}/${s.region}`,
      properties: { templateFile: file },
    };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts }));
  return dir;
}

/** What `aws organizations list-accounts` prints for the fixture's org, with ParentId added. */
function exportFile(dir: string, over?: unknown): string {
  const file = join(dir, 'org.json');
  const json = over ?? {
    Accounts: ORG_MAP.accounts.map((a) => ({
      Id: a.id,
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${a.id}`,
      Name: a.name,
      Status: 'ACTIVE',
      ...(a.ou ? { ParentId: a.ou } : {}),
    })),
  };
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

interface OrgJson {
  regions: string[];
  scenarios: { region: string; sessionLocked?: boolean }[];
  summary: { gaps: number };
  checkSummary: { gaps: number };
  organization: {
    id: string;
    summary: { members: number; membersWithGaps: number; gaps: number };
    accounts: { id: string; role: string; gaps: number; regions: Record<string, string> }[];
  };
}

describe('verify --config examples/organization.config.yaml', () => {
  it('exits 0 in every Region with a per-account matrix: both member accounts wired in the 4 Regions, 0 gaps', async () => {
    const io = captureIO();
    const code = await runCli(['verify', '--config', EXAMPLE, '--no-cfn-validate', '--json'], io);
    const json = JSON.parse(io.stdout.join('\n')) as OrgJson;
    expect(json.summary.gaps).toBe(0);
    // Outside the StackSet's Regions the console sign-in of a session is not watched: marked, and
    // only there (the session cannot begin or act there).
    const locked = new Set(json.scenarios.filter((s) => s.sessionLocked).map((s) => s.region));
    expect(locked.size).toBe(json.regions.length - REGIONS.length);
    for (const r of REGIONS) expect(locked.has(r)).toBe(false);
    expect(json.checkSummary.gaps).toBe(0);
    expect(json.organization.id).toBe('o-a1b2c3d4e5');
    expect(json.organization.summary).toMatchObject({ members: 2, membersWithGaps: 0, gaps: 0 });
    const rows = Object.fromEntries(json.organization.accounts.map((a) => [a.id, a]));
    expect(rows['333333333333']?.role).toBe('representative');
    expect(rows['444444444444']?.regions).toEqual(Object.fromEntries(REGIONS.map((r) => [r, 'ok'])));
    expect(rows['111111111111']?.role).toBe('management');
    expect(code).toBe(0);
  }, 300_000);
});

describe('verify --app with --organization', () => {
  it('exits 0 and prints the per-account matrix and the organization summary line', async () => {
    const app = assemblyOf(orgStacks());
    const io = captureIO();
    const code = await runCli(
      ['verify', '--app', app, '--organization', exportFile(app), '--regions', FOUR, '--no-cfn-validate'],
      io,
    );
    const text = io.stdout.join('\n');
    expect(text).toMatch(
      /^organization o-a1b2c3d4e5: StackSet BreakGlass-Members \(SERVICE_MANAGED, auto-deployment\) 2 account\(s\) × 4 Region\(s\)$/m,
    );
    expect(text).toMatch(/^444444444444 workload-b\s+✓\s+✓\s+✓\s+✓\s+✓$/m);
    expect(text).toMatch(/^Organization o-a1b2c3d4e5: 2 member account\(s\), 0 with gap\(s\)/m);
    expect(code).toBe(0);
  });

  it('exits 1 and lists the account when the bus policy leaves a member out', async () => {
    const f = orgFixture();
    const bus = (f.central['Resources'] as Record<string, Json>)['CentralBus'] as Json;
    const st = (((bus['Properties'] as Json)['Policy'] as Json)['Statement'] as Json[])[0] as Json;
    delete st['Condition'];
    st['Principal'] = { AWS: `arn:aws:iam::${MEMBERS[0]}:root` };
    const app = assemblyOf(orgStacks(f));
    const io = captureIO();
    const code = await runCli(
      ['verify', '--app', app, '--organization', exportFile(app), '--regions', FOUR, '--no-cfn-validate'],
      io,
    );
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^444444444444 workload-b\s+✗\s+✗\s+✗\s+✗\s+✓$/m);
    expect(text).toMatch(
      /✗ organization account 444444444444: bus policy in eu-west-1: the policy of .*BreakGlassCentral does not let account 444444444444 put events/,
    );
    expect(code).toBe(1);
  });

  it('warns when the StackSet targets OUs and no --organization is given', async () => {
    const app = assemblyOf(orgStacks());
    const io = captureIO();
    await runCli(['verify', '--app', app, '--regions', FOUR, '--no-cfn-validate'], io);
    expect(io.stderr.join('\n')).toMatch(
      /warning: StackSet BreakGlass-Members .* resolve to no known account, so no member account is verified; pass the organization/,
    );
  });

  it.each([
    ['not JSON', '{', /^error: --organization .*org\.json: not valid JSON/],
    [
      'without Accounts',
      { Organization: {} },
      /^error: --organization .*org\.json: no "Accounts" list; expected the JSON printed by 'aws organizations list-accounts'/,
    ],
  ])('rejects an export that is %s (exit 2, one line)', async (_n, content, message) => {
    const app = assemblyOf(orgStacks());
    const io = captureIO();
    const code = await runCli(
      ['verify', '--app', app, '--organization', exportFile(app, content), '--no-cfn-validate'],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(message);
  });

  it('rejects --organization with --config: the config lists the accounts (exit 2)', async () => {
    const app = assemblyOf(orgStacks());
    const io = captureIO();
    expect(
      await runCli(
        ['verify', '--config', EXAMPLE, '--organization', exportFile(app), '--no-cfn-validate'],
        io,
      ),
    ).toBe(2);
    expect(io.stderr.filter((l) => l.startsWith('error:'))).toEqual([
      "error: --organization: only with --app or --template; with --config the organization's accounts come from organization.accounts",
    ]);
  }, 120_000);

  it('rejects a missing export file (exit 2)', async () => {
    const app = assemblyOf(orgStacks());
    const io = captureIO();
    expect(await runCli(['verify', '--app', app, '--organization', join(app, 'nope.json')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(
      /^error: --organization .*nope\.json: cannot read the file; check the path/,
    );
  });
});

describe('simulate --app with --organization', () => {
  it('models the StackSet instance of the account a record comes from (not only the representative)', async () => {
    const app = assemblyOf(orgStacks());
    const user = 'arn:aws:iam::222222222222:user/breakglass-1';
    const record = stsAssumeRecord({
      key: 'org-simulate',
      region: 'eu-central-1',
      account: MEMBERS[1],
      action: 'AssumeRole',
      caller: { identity: iamUserIdentity(user, 'breakglass-1', '222222222222'), arn: user },
      roleArn: `arn:aws:iam::${MEMBERS[1]}:role/BreakGlass`,
      sessionName: 'breakglass-1',
      success: true,
    });
    const events = join(app, 'events');
    mkdirSync(events);
    writeFileSync(join(events, 'trail.json'), JSON.stringify({ Records: [record] }));
    const io = captureIO();
    const org = exportFile(app);
    expect(
      await runCli(
        ['simulate', '--app', app, '--organization', org, '--events', join(events, 'trail.json'), '--json'],
        io,
      ),
    ).toBe(0);
    const json = JSON.parse(io.stdout.join('\n')) as { events: { alerted: boolean; account?: string }[] };
    expect(json.events.map((e) => e.alerted)).toEqual([true]);
    // Without the export, account 444444444444 has no instance: nothing forwards its record.
    const bare = captureIO();
    await runCli(['simulate', '--app', app, '--events', join(events, 'trail.json'), '--json'], bare);
    expect(
      (JSON.parse(bare.stdout.join('\n')) as { events: { alerted: boolean }[] }).events[0]?.alerted,
    ).toBe(false);
  });
});
