import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import {
  DOCTOR_ORGANIZATION_CALLS,
  DOCTOR_READ_CALLS,
  isReadCommand,
} from '../../src/engines/doctor-calls.js';
import { tempDir } from '../temp.js';
import { awsError } from './access-helpers.js';
import { captureIO } from './capture.js';
import { fakeAccount, healthyState, type Fake } from './doctor-fake.js';

const FIXTURE = join(import.meta.dirname, 'doctor-fixtures', 'breakglass.config.yaml');

interface JsonFinding {
  check: string;
  status: string;
  where: string;
  subject: string;
  detail: string;
}

let app: string;
beforeAll(async () => {
  app = join(tempDir('bg-doctor-'), 'cdk.out');
  const io = captureIO();
  expect(await runCli(['synth', '--config', FIXTURE, '--out', app], io)).toBe(0);
});

let fake: Fake;
beforeEach(() => {
  fake = fakeAccount(app, healthyState());
});
afterEach(() => fake.restore());

async function doctor(
  ...extra: string[]
): Promise<{ code: number; findings: JsonFinding[]; stderr: string[] }> {
  const io = captureIO();
  const code = await runCli(['doctor', '--app', app, '--json', ...extra], io);
  const out = io.stdout.join('\n');
  const findings = out ? (JSON.parse(out) as { findings: JsonFinding[] }).findings : [];
  return { code, findings, stderr: io.stderr };
}

const problems = (fs: JsonFinding[], check: string) =>
  fs.filter((f) => f.check === check && f.status !== 'ok');
const of = (fs: JsonFinding[], check: string) => fs.filter((f) => f.check === check);

describe('breakglass doctor', () => {
  it('exits 0 on a healthy account and checks every group', async () => {
    const r = await doctor();
    expect(r.findings.filter((f) => f.status !== 'ok')).toEqual([]);
    expect(r.code).toBe(0);
    const checks = new Set(r.findings.map((f) => f.check));
    for (const c of [
      'stacks',
      'regions',
      'bootstrap',
      'secrets',
      'trust-quota',
      'trail',
      'drift',
      'subscriptions',
      'alarms',
      'dlq',
      'drill',
    ])
      expect(checks, c).toContain(c);
    // Every rule of both stacks was compared, not skipped.
    const rules = of(r.findings, 'drift').filter((f) => f.subject.startsWith('rule '));
    expect(rules.length).toBeGreaterThan(5);
  });

  it('prints a table with problems first and a count line', async () => {
    fake.state.queueDepth = 2;
    const io = captureIO();
    expect(await runCli(['doctor', '--app', app], io)).toBe(1);
    expect(io.stdout[1]).toMatch(/^STATUS\s+CHECK\s+WHERE\s+SUBJECT\s+DETAIL$/);
    expect(io.stdout[2]).toMatch(/^PROBLEM\s+dlq\s+eu-west-1\s+.*2 undelivered alert/);
    expect(io.stdout.at(-1)).toMatch(/^\d+ ok, [1-9]\d* problem\(s\), 0 error\(s\), \d+ skipped$/);
    expect(io.stdout.slice(2, -1).every((l) => /^(PROBLEM\s+dlq|ok|skipped)\s/.test(l))).toBe(true);
  });

  it('sends only read calls, every one of them from the table (a write would fail this)', async () => {
    await doctor();
    const sent = new Set(fake.sent());
    for (const name of sent) expect(isReadCommand(name), name).toBe(true);
    // The organization checks' calls are made only with a StackSet (test/cli/doctor-organization.test.ts).
    const org = new Set(DOCTOR_ORGANIZATION_CALLS.map((c) => c.command));
    expect([...sent].sort()).toEqual(
      DOCTOR_READ_CALLS.map((c) => c.command)
        .filter((c) => !org.has(c))
        .sort(),
    );
  });

  it('the SDK adapter can send exactly the commands of the table (static)', () => {
    const text = readFileSync(join(import.meta.dirname, '../../src/cli/aws/doctor-sdk.ts'), 'utf8');
    const used = new Set([...text.matchAll(/new (\w+Command)\(/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(DOCTOR_READ_CALLS.map((c) => c.command).sort());
  });

  it('regions: reports a covered Region that is not enabled', async () => {
    fake.state.regions['us-east-1'] = 'DISABLED';
    const r = await doctor('--before-deploy');
    expect(problems(r.findings, 'regions')).toEqual([
      expect.objectContaining({ where: 'us-east-1', detail: expect.stringMatching(/DISABLED; enable it/) }),
    ]);
    expect(r.code).toBe(1);
  });

  it('bootstrap: reports a version older than the templates need, and a missing bootstrap', async () => {
    fake.state.bootstrapVersion = '5';
    let r = await doctor('--only', 'bootstrap');
    expect(problems(r.findings, 'bootstrap').map((f) => f.detail)).toEqual([
      expect.stringMatching(
        /version 5, the templates need 6 or later; run: npx cdk bootstrap aws:\/\/111122223333\/eu-west-1/,
      ),
      expect.stringMatching(/version 5, .*us-east-1/),
    ]);
    fake.state.bootstrapVersion = undefined;
    r = await doctor('--only', 'bootstrap');
    expect(problems(r.findings, 'bootstrap')[0]?.detail).toMatch(/not bootstrapped/);
    expect(r.code).toBe(1);
  });

  it('secrets: reports a secret the templates reference that does not exist (DescribeSecret only)', async () => {
    fake.state.missingSecrets.add('breakglass/slack-bot-token');
    const r = await doctor('--only', 'secrets');
    expect(problems(r.findings, 'secrets')).toEqual([
      expect.objectContaining({ subject: 'breakglass/slack-bot-token', where: 'eu-west-1' }),
    ]);
    expect(fake.sent()).not.toContain('GetSecretValueCommand');
  });

  it('trust-quota: reports a trust policy longer than the account quota', async () => {
    let r = await doctor('--only', 'trust-quota');
    expect(problems(r.findings, 'trust-quota')).toEqual([]);
    fake.state.trustQuota = 300;
    r = await doctor('--only', 'trust-quota');
    expect(problems(r.findings, 'trust-quota')).toEqual([
      expect.objectContaining({
        subject: 'BreakGlass',
        detail: expect.stringMatching(/^trust policy is \d+ characters, the quota is 300/),
      }),
    ]);
  });

  it('trail: reports Regions without a logging trail once the stacks are deployed', async () => {
    fake.state.trailLogging = false;
    const r = await doctor('--only', 'trail');
    expect(
      problems(r.findings, 'trail')
        .map((f) => f.where)
        .sort(),
    ).toEqual(['eu-west-1', 'us-east-1']);
    expect(problems(r.findings, 'trail')[0]?.detail).toMatch(/not logging/);
  });

  it('trail: before the first deployment, the trail the templates create counts', async () => {
    fake.state.trailLogging = false;
    fake.state.missingStacks.add('BreakGlass');
    fake.state.missingStacks.add('BreakGlass-us-east-1');
    const r = await doctor('--before-deploy');
    expect(problems(r.findings, 'trail')).toEqual([]);
    expect(of(r.findings, 'trail')[0]?.detail).toMatch(/the deployment creates one/);
    expect(of(r.findings, 'stacks')).toEqual([]);
  });

  it('stacks: reports a stack that is not deployed', async () => {
    fake.state.missingStacks.add('BreakGlass-us-east-1');
    const r = await doctor('--only', 'alarms');
    expect(problems(r.findings, 'stacks')).toEqual([
      expect.objectContaining({
        subject: 'BreakGlass-us-east-1',
        detail: expect.stringMatching(/^not deployed/),
      }),
    ]);
  });

  describe('drift', () => {
    const firstRule = async () => {
      const r = await doctor('--only', 'drift');
      const rule = of(r.findings, 'drift').find((f) => f.subject.startsWith('rule '));
      return rule?.subject.slice('rule '.length) ?? '';
    };

    it('reports an edited event pattern', async () => {
      const name = await firstRule();
      fake.state.ruleEdits.set(name, (v) => {
        v.EventPattern = { ...v.EventPattern, source: ['aws.nothing'] };
      });
      const r = await doctor('--only', 'drift');
      expect(problems(r.findings, 'drift')).toEqual([
        expect.objectContaining({ subject: `rule ${name}`, detail: expect.stringMatching(/EventPattern/) }),
      ]);
      expect(r.code).toBe(1);
    });

    it('reports a disabled rule and a removed target', async () => {
      const name = await firstRule();
      fake.state.ruleEdits.set(name, (v) => {
        v.State = 'DISABLED';
        v.Targets = [];
      });
      const r = await doctor('--only', 'drift');
      const d = problems(r.findings, 'drift')[0]?.detail ?? '';
      expect(d).toMatch(/State: expected "ENABLED", found "DISABLED"/);
      expect(d).toMatch(/Targets: missing/);
    });

    it('reports a changed topic policy', async () => {
      fake.state.topicPolicyEdit = (p) => {
        (p['Statement'] as unknown[]).push({
          Effect: 'Allow',
          Principal: '*',
          Action: 'sns:Unsubscribe',
          Resource: '*',
        });
      };
      const r = await doctor('--only', 'drift');
      const bad = problems(r.findings, 'drift');
      expect(bad.length).toBeGreaterThan(0);
      for (const f of bad) {
        expect(f.subject).toMatch(/^topic arn:aws:sns:eu-west-1:111122223333:.*DEPLOYED/);
        expect(f.detail).toMatch(/unexpected .*sns:Unsubscribe/);
      }
    });

    it('reports a statement removed from the central bus policy', async () => {
      let r = await doctor('--only', 'drift');
      const buses = of(r.findings, 'drift').filter((f) => f.subject.startsWith('bus '));
      expect(buses.length).toBeGreaterThan(0);
      expect(buses.every((f) => f.status === 'ok')).toBe(true);
      fake.state.busPolicyEdit = (p) => {
        p['Statement'] = [];
      };
      r = await doctor('--only', 'drift');
      const bad = problems(r.findings, 'drift');
      expect(bad.map((f) => f.subject)).toEqual(buses.map((f) => f.subject));
      expect(bad[0]?.detail).toMatch(/^statement removed from the event bus policy/);
    });

    it('reports a topic whose encryption was removed', async () => {
      fake.state.topicKeyRemoved = true;
      const r = await doctor('--only', 'drift');
      const bad = problems(r.findings, 'drift');
      expect(bad.length).toBeGreaterThan(0);
      for (const f of bad)
        expect(f.detail).toMatch(
          /^encryption key differs: KmsMasterKeyId: expected "arn:aws:kms:eu-west-1:111122223333:key\/0000abcd-.*", found nothing/,
        );
    });

    it('reports a disabled key', async () => {
      fake.state.keyState = 'PendingDeletion';
      const r = await doctor('--only', 'drift');
      const bad = problems(r.findings, 'drift');
      expect(bad.length).toBeGreaterThan(0);
      for (const f of bad)
        expect(f).toMatchObject({
          subject: expect.stringMatching(/^key 0000abcd-/),
          detail: expect.stringMatching(/key is PendingDeletion/),
        });
    });

    it('reports a deleted rule', async () => {
      const name = await firstRule();
      fake.state.refuse.set(
        'DescribeRuleCommand',
        awsError('ResourceNotFoundException', `Rule ${name} does not exist.`),
      );
      const r = await doctor('--only', 'drift');
      expect(problems(r.findings, 'drift').length).toBeGreaterThan(5);
      expect(problems(r.findings, 'drift')[0]?.detail).toMatch(/rule is missing/);
    });
  });

  describe('subscriptions', () => {
    it('reports a subscription pending confirmation', async () => {
      fake.state.subscription = (e) =>
        e === 'oncall@example.com' ? { arn: 'PendingConfirmation', pending: true } : { authenticated: true };
      const r = await doctor('--only', 'subscriptions');
      // One line per topic the address is subscribed to (the alert topic, and others the deployment adds).
      const bad = problems(r.findings, 'subscriptions');
      expect(bad.length).toBeGreaterThan(0);
      for (const f of bad) {
        expect(f.subject).toMatch(/^oncall@example.com → /);
        expect(f.detail).toMatch(/pending confirmation.*breakglass confirm-subscription/);
      }
      // Topics are named by their purpose tag where they have one.
      expect(bad.map((f) => f.subject)).toContain('oncall@example.com → alert-topic');
      const ok = of(r.findings, 'subscriptions').filter((f) => f.status === 'ok');
      expect(ok.length).toBe(bad.length);
      expect(ok.every((f) => f.subject.startsWith('security@example.com'))).toBe(true);
    });

    it('reports a subscription confirmed without authentication (anyone can unsubscribe it)', async () => {
      fake.state.subscription = (e) => ({ authenticated: e !== 'security@example.com' });
      const r = await doctor('--only', 'subscriptions');
      const bad = problems(r.findings, 'subscriptions');
      expect(bad.length).toBeGreaterThan(0);
      for (const f of bad) {
        expect(f.subject).toMatch(/^security@example.com → /);
        expect(f.detail).toMatch(/without authentication/);
      }
      expect(r.code).toBe(1);
    });

    it('reports an unsubscribed address', async () => {
      fake.state.subscription = (e) => (e === 'security@example.com' ? undefined : { authenticated: true });
      const r = await doctor('--only', 'subscriptions');
      expect(problems(r.findings, 'subscriptions')[0]?.detail).toMatch(/no such subscription/);
    });
  });

  it('alarms: reports ALARM, INSUFFICIENT_DATA and disabled actions', async () => {
    let i = 0;
    fake.state.alarmState = () =>
      [
        { state: 'ALARM', actionsEnabled: true },
        { state: 'INSUFFICIENT_DATA', actionsEnabled: true },
        { state: 'OK', actionsEnabled: false },
      ][i++] ?? { state: 'OK', actionsEnabled: true };
    const r = await doctor('--only', 'alarms');
    expect(problems(r.findings, 'alarms').map((f) => f.detail)).toEqual([
      expect.stringMatching(/^ALARM: Threshold Crossed/),
      expect.stringMatching(/^INSUFFICIENT_DATA/),
      expect.stringMatching(/alarm actions are disabled/),
    ]);
    expect(of(r.findings, 'alarms').filter((f) => f.status === 'ok').length).toBeGreaterThan(0);
  });

  it('dlq: reports undelivered alerts in a dead-letter queue', async () => {
    fake.state.queueDepth = 3;
    const r = await doctor('--only', 'dlq');
    expect(problems(r.findings, 'dlq').length).toBeGreaterThan(0);
    expect(problems(r.findings, 'dlq')[0]?.detail).toMatch(/^3 undelivered alert/);
  });

  it('drill: reports Regions whose last drill is older than the window, and shows the time when recent', async () => {
    let r = await doctor('--only', 'drill');
    expect(of(r.findings, 'drill').map((f) => [f.status, f.where])).toEqual([
      ['ok', 'eu-west-1'],
      ['ok', 'us-east-1'],
    ]);
    expect(of(r.findings, 'drill')[0]?.detail).toMatch(/^last drill \d{4}-\d\d-\d\dT.* \(60 min ago\)$/);
    fake.state.lastDrillAgoMs = 30 * 3600 * 1000;
    r = await doctor('--only', 'drill');
    expect(problems(r.findings, 'drill').map((f) => f.where)).toEqual(['eu-west-1', 'us-east-1']);
    expect(problems(r.findings, 'drill')[0]?.detail).toMatch(/no drill arrived in the last 26 h/);
    r = await doctor('--only', 'drill', '--drill-window', '48h');
    expect(problems(r.findings, 'drill')).toEqual([]);
  });

  it('exits 2 with an ERROR row when AWS refuses a call, and still runs the other checks', async () => {
    fake.state.refuse.set(
      'ListRegionsCommand',
      awsError('AccessDeniedException', 'not authorized to perform: account:ListRegions'),
    );
    const r = await doctor();
    expect(r.code).toBe(2);
    expect(of(r.findings, 'regions')).toEqual([
      expect.objectContaining({ status: 'error', detail: expect.stringMatching(/access denied/) }),
    ]);
    expect(of(r.findings, 'alarms').length).toBeGreaterThan(0);
    expect(r.stderr.join('\n')).toMatch(/could not read/);
  });

  it('says the after-deploy checks were not run when the stacks cannot be read', async () => {
    fake.state.refuse.set(
      'DescribeStacksCommand',
      awsError('AccessDenied', 'not authorized to perform: cloudformation:DescribeStacks'),
    );
    const r = await doctor();
    expect(r.code).toBe(2);
    expect(of(r.findings, 'stacks')).toEqual([
      expect.objectContaining({ status: 'error', detail: expect.stringMatching(/access denied/) }),
    ]);
    expect(of(r.findings, 'alarms')).toEqual([
      expect.objectContaining({
        status: 'skipped',
        detail: expect.stringMatching(/deployed stacks could not be read/),
      }),
    ]);
    expect(of(r.findings, 'regions').every((f) => f.status === 'ok')).toBe(true);
  });

  it('exits 2 with one line when there are no credentials', async () => {
    fake.state.refuse.set(
      'GetCallerIdentityCommand',
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
    );
    const r = await doctor();
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      expect.stringMatching(/^error: doctor: GetCallerIdentity: no valid AWS credentials/),
    ]);
  });

  describe('--drill', () => {
    it('assumes the drill role, makes the denied attempt on the break-glass role and prints the measured latency', async () => {
      const r = await doctor('--only', 'drill', '--drill', '--drill-timeout', '5s');
      expect(of(r.findings, 'drill-now')).toEqual([
        expect.objectContaining({
          status: 'ok',
          where: 'eu-west-1',
          detail: 'denied attempt arrived after 42 s (CloudTrail → EventBridge → drill log group)',
        }),
      ]);
      expect(r.code).toBe(0);
      const assumed = fake.assumed();
      expect(assumed).toHaveLength(2);
      expect(assumed[0]).toMatch(/^arn:aws:iam::111122223333:role\/.*drillrole/i);
      expect(assumed[1]).toBe('arn:aws:iam::111122223333:role/BreakGlass');
      // The only calls that are not reads are those two AssumeRole calls.
      expect(fake.sent().filter((n) => !isReadCommand(n))).toEqual([
        'AssumeRoleCommand',
        'AssumeRoleCommand',
      ]);
    });

    it('reports a drill that never arrives', async () => {
      fake.state.drillArrivesOnPoll = undefined;
      const r = await doctor('--only', 'drill', '--drill', '--drill-timeout', '1s');
      expect(problems(r.findings, 'drill-now')[0]?.detail).toMatch(
        /did not arrive within .* the live path .* is broken in eu-west-1/,
      );
      expect(r.code).toBe(1);
    });

    it('reports a trust policy that lets the drill role in', async () => {
      fake.state.drillOutcome = 'allowed';
      const r = await doctor('--only', 'drill', '--drill', '--drill-timeout', '1s');
      expect(problems(r.findings, 'drill-now')[0]?.detail).toMatch(/could ASSUME the break-glass role/);
    });

    it('makes no AssumeRole without --drill', async () => {
      await doctor();
      expect(fake.assumed()).toEqual([]);
    });
  });

  it('rejects an unknown --only check id with the list', async () => {
    const r = await doctor('--only', 'regions,nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      expect.stringMatching(/^error: --only: unknown check "nope"; use any of regions, bootstrap/),
    ]);
  });
});
