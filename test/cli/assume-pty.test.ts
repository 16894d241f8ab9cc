/**
 * The MFA prompt on a real pseudo-terminal: `breakglass assume` runs inside tmux against a loopback
 * STS (AWS_ENDPOINT_URL_STS, query protocol XML). The code typed is not echoed; Enter sends it to
 * STS; Ctrl-C ends cleanly (exit 130, terminal echo restored, nothing assumed).
 * Skips with a message when tmux is not installed (CI installs it: .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const ROLE = 'arn:aws:iam::111122223333:role/BreakGlass';
const MFA = 'arn:aws:iam::111122223333:mfa/alice';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
function stsReply(body: URLSearchParams): string {
  if (body.get('Action') === 'GetCallerIdentity') {
    return `<GetCallerIdentityResponse xmlns="${XMLNS}"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/alice</Arn><UserId>AIDAEXAMPLEALICE00001</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }
  return `<AssumeRoleResponse xmlns="${XMLNS}"><AssumeRoleResult><Credentials><AccessKeyId>ASIAPTYTEST000000001</AccessKeyId><SecretAccessKey>ptysecret</SecretAccessKey><SessionToken>ptytoken</SessionToken><Expiration>2026-12-01T03:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/BreakGlass/alice</Arn><AssumedRoleId>AROAEXAMPLE:alice</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('breakglass assume: MFA prompt on a pseudo-terminal (tmux)', () => {
  if (!HAS_TMUX) {
    it('skips: tmux is not installed (apt-get install tmux to run this test)', (ctx) => ctx.skip());
    return;
  }

  let server: Server;
  let endpoint: string;
  const calls: URLSearchParams[] = [];
  let dir: string;
  const socket = `breakglass-test-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'breakglass-pty-'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const params = new URLSearchParams(body);
        calls.push(params);
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(stsReply(params));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    tmux('kill-server');
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `breakglass assume` in a new tmux session; returns the files it writes. */
  function start(name: string, redirect = ''): { out: string; rc: string; stty: string } {
    const out = join(dir, `${name}.out`);
    const rc = join(dir, `${name}.rc`);
    const stty = join(dir, `${name}.stty`);
    const script = join(dir, `${name}.sh`);
    writeFileSync(
      script,
      [
        `cd ${JSON.stringify(ROOT)}`,
        // TMPDIR too: tsx keeps its cache there, and the test's temp dir is removed afterwards.
        `export HOME=${JSON.stringify(dir)} TMPDIR=${JSON.stringify(dir)} AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null`,
        'export AWS_ACCESS_KEY_ID=AKIAPTYTESTCALLER001 AWS_SECRET_ACCESS_KEY=callersecret AWS_REGION=eu-west-1',
        `export AWS_ENDPOINT_URL_STS=${endpoint}`,
        `${JSON.stringify(process.execPath)} --import tsx src/cli/bin.ts assume --role ${ROLE} --reason "INC-1 pty" --mfa-serial ${MFA} --output credential-process > ${JSON.stringify(out)} ${redirect}`,
        `echo $? > ${JSON.stringify(rc)}.tmp && mv ${JSON.stringify(rc)}.tmp ${JSON.stringify(rc)}`,
        `stty -a > ${JSON.stringify(stty)}`,
        'sleep 60',
      ].join('\n'),
    );
    const r = tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '40', `sh ${script}`);
    expect(r.status, r.stderr).toBe(0);
    return { out, rc, stty };
  }

  const pane = (name: string) => tmux('capture-pane', '-p', '-t', name).stdout;

  async function waitFor(test: () => boolean, what: string, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!test()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  it('does not echo the code and sends it to STS on Enter', async () => {
    const f = start('typed');
    await waitFor(() => pane('typed').includes('MFA code for'), 'the MFA prompt');
    tmux('send-keys', '-t', 'typed', '-l', '123456');
    await sleep(300);
    const shown = pane('typed');
    expect(shown).toContain(`MFA code for ${MFA}:`);
    expect(shown).not.toContain('123456');
    tmux('send-keys', '-t', 'typed', 'Enter');
    await waitFor(() => existsSync(f.rc), 'the command to end');
    expect(readFileSync(f.rc, 'utf8').trim()).toBe('0');
    const assume = calls.find((c) => c.get('Action') === 'AssumeRole');
    expect(assume?.get('TokenCode')).toBe('123456');
    expect(assume?.get('SerialNumber')).toBe(MFA);
    expect(assume?.get('SourceIdentity')).toBe('alice');
    expect(JSON.parse(readFileSync(f.out, 'utf8'))).toMatchObject({ Version: 1, SessionToken: 'ptytoken' });
    expect(pane('typed')).not.toContain('123456');
    expect(pane('typed')).not.toContain('ptysecret');
  }, 60_000);

  it('asks on the controlling terminal when stderr is captured and stdin is not a terminal (credential_process)', async () => {
    const err = join(dir, 'captured.err');
    const f = start('captured', `2> ${JSON.stringify(err)} < /dev/null`);
    await waitFor(() => pane('captured').includes('MFA code for'), 'the MFA prompt on /dev/tty');
    tmux('send-keys', '-t', 'captured', '-l', '654321');
    await sleep(300);
    expect(pane('captured')).not.toContain('654321');
    tmux('send-keys', '-t', 'captured', 'Enter');
    await waitFor(() => existsSync(f.rc), 'the command to end');
    expect(readFileSync(f.rc, 'utf8').trim()).toBe('0');
    expect(
      calls
        .filter((c) => c.get('Action') === 'AssumeRole')
        .at(-1)
        ?.get('TokenCode'),
    ).toBe('654321');
    expect(readFileSync(err, 'utf8')).not.toContain('MFA code for');
    expect(JSON.parse(readFileSync(f.out, 'utf8'))).toMatchObject({ Version: 1 });
  }, 60_000);

  it('exits cleanly on Ctrl-C: exit 130, one line, echo restored, nothing assumed', async () => {
    const before = calls.filter((c) => c.get('Action') === 'AssumeRole').length;
    const f = start('cancel');
    await waitFor(() => pane('cancel').includes('MFA code for'), 'the MFA prompt');
    tmux('send-keys', '-t', 'cancel', '-l', '12');
    tmux('send-keys', '-t', 'cancel', 'C-c');
    await waitFor(() => existsSync(f.rc), 'the command to end');
    expect(readFileSync(f.rc, 'utf8').trim()).toBe('130');
    await waitFor(() => existsSync(f.stty) && readFileSync(f.stty, 'utf8').length > 0, 'stty');
    // The terminal is back to cooked mode with echo on.
    expect(readFileSync(f.stty, 'utf8')).toMatch(/(^|\s)echo(\s|$)/);
    expect(readFileSync(f.stty, 'utf8')).toMatch(/(^|\s)icanon(\s|$)/);
    const shown = pane('cancel');
    expect(shown).toContain('error: assume: cancelled; nothing was done');
    expect(shown).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(readFileSync(f.out, 'utf8')).toBe('');
    expect(calls.filter((c) => c.get('Action') === 'AssumeRole').length).toBe(before);
  }, 60_000);
});
