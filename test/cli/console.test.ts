import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, CAROL, ROLE_ARN, SECRET, expectNoSecrets, harness, type Harness } from './access-helpers.js';

/** A loopback stand-in for https://signin.aws.amazon.com/federation. */
let server: Server;
let base: string;
let requests: URL[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{"SigninToken":"TOKEN-abc"}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('breakglass console', () => {
  let h: Harness;
  beforeEach(async () => {
    requests = [];
    reply = { status: 200, body: '{"SigninToken":"TOKEN-abc"}' };
    h = await harness({ federationUrl: base });
    h.sts.on(GetCallerIdentityCommand).resolves(ALICE);
    h.sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: SECRET, AssumedRoleUser: { Arn: 'a', AssumedRoleId: 'b' } });
  });
  afterEach(() => h.done());

  const argv = [
    'console',
    '--role',
    ROLE_ARN,
    '--reason',
    'INC-7',
    '--mfa-serial',
    'arn:aws:iam::111122223333:mfa/a',
    '--mfa-code',
    '123456',
  ];

  it('gets a sign-in token with the session and prints the login URL (IAM user: with SessionDuration)', async () => {
    const r = await h.run([...argv, '--duration', '2h', '--region', 'eu-west-1']);
    expect(r.code).toBe(0);
    expect(requests).toHaveLength(1);
    const q = requests[0]!.searchParams;
    expect(q.get('Action')).toBe('getSigninToken');
    expect(q.get('SessionDuration')).toBe('7200');
    expect(JSON.parse(q.get('Session')!)).toEqual({
      sessionId: SECRET.AccessKeyId,
      sessionKey: SECRET.SecretAccessKey,
      sessionToken: SECRET.SessionToken,
    });
    const url = new URL(r.stdout);
    expect(`${url.origin}${url.pathname}`).toBe(base);
    expect(url.searchParams.get('Action')).toBe('login');
    expect(url.searchParams.get('SigninToken')).toBe('TOKEN-abc');
    expect(url.searchParams.get('Destination')).toBe(
      'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
    );
    expect(r.stderr).toContain('the console session lasts 2h');
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('leaves SessionDuration out for a session chained from Identity Center (the endpoint rejects it)', async () => {
    h.sts.on(GetCallerIdentityCommand).resolves(CAROL);
    const r = await h.run(['console', '--role', ROLE_ARN, '--reason', 'INC-7']);
    expect(r.code).toBe(0);
    expect(requests[0]!.searchParams.has('SessionDuration')).toBe(false);
    expect(r.stderr).toContain('lasts 1h');
  });

  it('opens the URL instead of printing it with --open', async () => {
    const r = await h.run([...argv, '--open']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(h.execs).toHaveLength(1);
    expect(h.execs[0]!.args[0]).toContain('SigninToken=TOKEN-abc');
  });

  it('fails with one line and exit 2 when the federation endpoint refuses the session', async () => {
    reply = { status: 400, body: 'Bad Request' };
    const r = await h.run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/federation endpoint refused the session \(HTTP 400\)/);
    expect(r.stdout).toBe('');
    expectNoSecrets(r.stderr);
  });

  it('fails with exit 2 when the endpoint cannot be reached', async () => {
    h.done();
    h = await harness({ federationUrl: 'http://127.0.0.1:9/federation' });
    h.sts.on(GetCallerIdentityCommand).resolves(ALICE);
    h.sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: SECRET, AssumedRoleUser: { Arn: 'a', AssumedRoleId: 'b' } });
    const r = await h.run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not be reached/);
    expectNoSecrets(r.stderr);
  });

  it('rejects a destination that is not https (exit 2)', async () => {
    const r = await h.run([...argv, '--destination', 'http://evil.example']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--destination: .* must be an https:\/\//);
  });
});
