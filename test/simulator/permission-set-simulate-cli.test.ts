/**
 * `breakglass simulate --config examples/organization.config.yaml --json` on the real records of
 * test/fixtures/identity-center rewritten to the permission set `devops-break-glass` (in both member
 * accounts): the AssumeRoleWithSAML and the console federation alert, every call of the session is
 * logged, and the same records on another permission set's role do neither.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from '../cli/capture.js';
import {
  MEMBER,
  SUFFIX,
  consoleRecords,
  samlRecord,
  stratusRecords,
} from '../constructs/permission-set-records.js';
import { tempDir } from '../temp.js';

type Json = Record<string, unknown>;
const EXAMPLE = resolve(import.meta.dirname, '../../examples/organization.config.yaml');
const OTHER_MEMBER = '444444444444';

/** The same record in the other member account. */
const inOtherMember = (r: Json): Json =>
  JSON.parse(JSON.stringify(r).replaceAll(MEMBER, OTHER_MEMBER)) as Json;

describe('breakglass simulate on permission-set records', () => {
  it('alerts on every way in, logs every call, in both member accounts; nothing for another set', async () => {
    const dir = tempDir('breakglass-idc-cli-');
    const other = `arn:aws:iam::${MEMBER}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_${SUFFIX}`;
    const ours = [samlRecord(), ...consoleRecords(), ...stratusRecords()];
    const records = [...ours, ...ours.map(inOtherMember), samlRecord(other), ...stratusRecords(other)];
    const file = join(dir, 'permission-set.jsonl');
    writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);

    const io = captureIO(dir);
    const code = await runCli(['simulate', '--config', EXAMPLE, '--events', file, '--json'], io);
    expect(code, io.stderr.join('\n')).toBe(0);
    const events = (JSON.parse(io.stdout.join('')) as { events: Json[] }).events;
    expect(events).toHaveLength(records.length);

    const summary = events.map(
      (e) =>
        `${e['account']} ${e['eventName']} ${e['alerted'] ? 'alerted' : '-'} ${e['logged'] ? 'logged' : '-'}`,
    );
    const expected = (account: string) => [
      `${account} AssumeRoleWithSAML alerted -`,
      `${account} ConsoleLogin alerted -`,
      `${account} ConsoleLogin alerted -`,
      `${account} EnableSerialConsoleAccess - logged`,
      `${account} SendSerialConsoleSSHPublicKey - logged`,
      `${account} SendSerialConsoleSSHPublicKey - logged`,
      `${account} SendSerialConsoleSSHPublicKey - logged`,
    ];
    expect(summary).toEqual([
      ...expected(MEMBER),
      ...expected(OTHER_MEMBER),
      `${MEMBER} AssumeRoleWithSAML - -`,
      ...[1, 2, 3, 4].map(() => expect.stringMatching(new RegExp(`^${MEMBER} \\w+ - -$`))),
    ]);
    for (const e of events) expect(e['problems'], String(e['eventID'])).toEqual([]);
    // Every alert reaches the security team's email through the security account's central bus.
    for (const e of events.filter((x) => x['alerted'])) {
      const endpoints = (e['deliveries'] as Json[]).map((d) => String(d['endpoint']));
      expect(endpoints.join(' ')).toMatch(/email security@example\.com/);
    }
    // The alert says what happened in words, not the rule's id.
    const inputs = (e: Json) => (e['deliveries'] as Json[]).map((d) => String(d['input'])).join('\n');
    const saml = events.find((e) => e['eventName'] === 'AssumeRoleWithSAML' && e['alerted']) as Json;
    expect(inputs(saml)).toContain('sign-in with the Identity Center permission set devops-break-glass');
    const consoleIn = events.find((e) => e['eventName'] === 'ConsoleLogin') as Json;
    expect(inputs(consoleIn)).toContain(
      'console sign-in with the Identity Center permission set devops-break-glass',
    );
    expect(inputs(saml)).not.toContain('PermissionSetAssume');
  }, 300_000);
});
