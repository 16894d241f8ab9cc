/**
 * `breakglass simulate --json` on the real tamper records (fixtures/tamper), pointed at the bundled
 * example: each one is delivered to the tamper topic, and reaches its email subscriber.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { DEFAULT_CONFIG } from '../../src/cli/system.js';
import { loadConfigFile, synthesizeConfig } from '../../src/config/index.js';
import { buildModel, loadCloudAssembly } from '../../src/simulator/index.js';
import { captureIO } from '../cli/capture.js';

type Json = Record<string, unknown>;
const FIXTURES = join(import.meta.dirname, 'fixtures', 'tamper', 'real-records.jsonl');
const ROLE_ACCOUNT = '111122223333';
const USERS_ACCOUNT = '444455556666';

let dir: string;
let keyArn: string;
let keyId: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'breakglass-tamper-cli-'));
  // One synthesis of the example, read here and by `simulate --app` below.
  // (CDK's own synth-time validation off, as verify and simulate run it.)
  const saved = process.env['CDK_VALIDATION'];
  process.env['CDK_VALIDATION'] = 'false';
  try {
    synthesizeConfig(loadConfigFile(DEFAULT_CONFIG), join(dir, 'cdk.out'));
  } finally {
    if (saved === undefined) delete process.env['CDK_VALIDATION'];
    else process.env['CDK_VALIDATION'] = saved;
  }
  const model = buildModel(loadCloudAssembly(join(dir, 'cdk.out')));
  const key = [...model.delivery.keys.values()].find(
    (k) => k.account === ROLE_ACCOUNT && k.region === 'eu-west-1',
  );
  if (!key) throw new Error('the example has a key in eu-west-1');
  keyArn = key.arn;
  keyId = key.keyId;
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real record, pointed at the example (account, Region, the resource it names); shape kept. */
function pointed(r: Json): Json {
  const out = structuredClone(r);
  const name = String(r['eventName']);
  const params = (out['requestParameters'] ?? {}) as Json;
  const userCall = 'userName' in params;
  const account = userCall ? USERS_ACCOUNT : ROLE_ACCOUNT;
  out['recipientAccountId'] = account;
  (out['userIdentity'] as Json)['accountId'] = account;
  out['awsRegion'] = r['eventSource'] === 'iam.amazonaws.com' ? 'us-east-1' : 'eu-west-1';
  if ('roleName' in params) params['roleName'] = 'BreakGlass';
  if (userCall) params['userName'] = 'breakglass-1';
  // Any rule named like the stack's generated names is ours.
  if (name === 'PutRule') params['name'] = 'BreakGlass-BreakGlassMonitoringLoginAlertRule-1A2B3C4D5E6F7';
  if (r['eventSource'] === 'kms.amazonaws.com') {
    params['keyId'] = keyId;
    out['resources'] = [{ accountId: account, type: 'AWS::KMS::Key', ARN: keyArn }];
  }
  return out;
}

describe('breakglass simulate on real tamper records', () => {
  it('every record is delivered to the tamper topic (and its email subscriber)', async () => {
    const lines = readFileSync(FIXTURES, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.stringify(pointed(JSON.parse(l) as Json)));
    const file = join(dir, 'tamper.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const io = captureIO(dir);
    const code = await runCli(['simulate', '--app', join(dir, 'cdk.out'), '--events', file, '--json'], io);
    expect(code, io.stderr.join('\n')).toBe(0);
    const parsed = JSON.parse(io.stdout.join('')) as Json | Json[];
    const events = (Array.isArray(parsed) ? parsed : (parsed['events'] as Json[])) ?? [];
    expect(events).toHaveLength(lines.length);
    for (const e of events) {
      const tamper = (e['deliveries'] as Json[]).filter((d) => /TamperTopic/.test(String(d['targetArn'])));
      expect(tamper.length, String(e['eventName'])).toBeGreaterThan(0);
      expect(String(tamper[0]?.['endpoint'])).toMatch(/^email /);
      expect(e['alerted']).toBe(true);
    }
  }, 300_000);
});
