import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfirmation } from '../../src/cli/commands/confirm-subscription.js';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:BreakGlass-AlertTopic-1A2B3C';
const TOKEN = '2336412f37fb687f5d51e6e2425dacbba9d4e1e5bd22a5c8b0c3d5bb1d2a7e4f0d7f3b9c1a2e5d6f';
const SUB = `${TOPIC}:0c1f3f7a-6c2e-4c39-9d6b-1b2f3e4d5c6b`;
const link = (host = 'sns.eu-west-1.amazonaws.com', path = '/') =>
  `https://${host}${path}?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=${TOKEN}`;

interface Seen {
  body: URLSearchParams;
  authorization: string;
}

/** A loopback SNS that speaks the Query API for ConfirmSubscription (XML answers as SNS sends them). */
let server: Server;
let endpoint: string;
let seen: Seen[];
let answer: 'ok' | 'expired' | 'denied';
const envKeys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
const savedEnv: Partial<Record<(typeof envKeys)[number], string>> = {};

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  for (const k of envKeys) savedEnv[k] = process.env[k];
  process.env['AWS_ACCESS_KEY_ID'] = 'AKIAIOSFODNN7EXAMPLE';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
  server = createServer((req, res) => {
    void bodyOf(req).then((text) => {
      seen.push({
        body: new URLSearchParams(text),
        authorization: String(req.headers['authorization'] ?? ''),
      });
      res.setHeader('content-type', 'text/xml');
      if (answer !== 'ok') {
        res.statusCode = answer === 'expired' ? 400 : 403;
        const [code, msg] =
          answer === 'expired'
            ? ['InvalidParameter', 'Invalid token']
            : ['AuthorizationError', 'User is not authorized to perform: SNS:ConfirmSubscription'];
        res.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${msg}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
        );
        return;
      }
      res.end(
        `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>${SUB}</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const k of envKeys) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  seen = [];
  answer = 'ok';
});

async function confirm(...args: string[]) {
  const io = captureIO();
  const code = await runCli(['confirm-subscription', ...args, '--endpoint-url', endpoint], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('breakglass confirm-subscription', () => {
  it('confirms the full link with a signed request and AuthenticateOnUnsubscribe=true', async () => {
    const r = await confirm(link());
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      `confirmed ${SUB}: only the topic owner and the subscription owner can unsubscribe it, with signed requests`,
    ]);
    expect(seen).toHaveLength(1);
    const s = seen[0] as Seen;
    expect(s.body.get('Action')).toBe('ConfirmSubscription');
    expect(s.body.get('TopicArn')).toBe(TOPIC);
    expect(s.body.get('Token')).toBe(TOKEN);
    expect(s.body.get('AuthenticateOnUnsubscribe')).toBe('true');
    // Signed with SigV4 for SNS in the topic's Region (the link's host).
    expect(s.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/sns\/aws4_request/,
    );
  });

  it("accepts the email's confirmation.html link", async () => {
    const r = await confirm(
      `${link('sns.eu-west-1.amazonaws.com', '/confirmation.html').replace('Action=ConfirmSubscription&', '')}&Endpoint=security%40example.com`,
    );
    expect(r.code).toBe(0);
    expect(seen[0]?.body.get('Token')).toBe(TOKEN);
  });

  it('confirms a bare token with --topic-arn, and prints JSON', async () => {
    const r = await confirm(TOKEN, '--topic-arn', TOPIC, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.join('\n'))).toEqual({
      subscriptionArn: SUB,
      topicArn: TOPIC,
      authenticateOnUnsubscribe: true,
    });
    expect(seen[0]?.body.get('TopicArn')).toBe(TOPIC);
  });

  it('rejects a link whose host is not an SNS endpoint, with one line and no request', async () => {
    for (const bad of [
      link('sns.eu-west-1.amazonaws.com.evil.example'),
      link('evil.example'),
      link('sns.us-east-1.amazonaws.com'),
      link().replace('https:', 'http:'),
    ]) {
      const r = await confirm(bad);
      expect(r.code, bad).toBe(2);
      expect(r.err, bad).toHaveLength(1);
      expect(r.err[0], bad).toMatch(
        /^error: <link-or-token>: .*(not an Amazon SNS endpoint|its topic is in eu-west-1).*; do not confirm it$/,
      );
    }
    expect(seen).toEqual([]);
  });

  it('rejects a bare token without --topic-arn, and a bad topic ARN', async () => {
    let r = await confirm(TOKEN);
    expect(r.err).toEqual([
      'error: --topic-arn: required with a bare token (or paste the whole confirmation link instead)',
    ]);
    r = await confirm(TOKEN, '--topic-arn', 'arn:aws:sqs:eu-west-1:111122223333:q');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^error: --topic-arn: "arn:aws:sqs:.*" is not an SNS topic ARN/);
    expect(seen).toEqual([]);
  });

  it('turns an expired token and a refusal into one line each (exit 2)', async () => {
    answer = 'expired';
    let r = await confirm(link());
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      expect.stringMatching(
        /^error: confirm-subscription: SNS refused the token \(Invalid token\); tokens expire after 3 days/,
      ),
    ]);
    answer = 'denied';
    r = await confirm(link());
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      expect.stringMatching(/^error: confirm-subscription: not authorized .*sns:ConfirmSubscription/),
    ]);
  });
});

describe('parseConfirmation', () => {
  it('reads topic, token and Region from the link', () => {
    expect(parseConfirmation(link())).toEqual({ topicArn: TOPIC, token: TOKEN, region: 'eu-west-1' });
  });
  it('rejects a link with another Action', () => {
    expect(() =>
      parseConfirmation(link().replace('Action=ConfirmSubscription', 'Action=Unsubscribe')),
    ).toThrow(/not ConfirmSubscription/);
  });
  it('rejects a --topic-arn that differs from the link', () => {
    expect(() => parseConfirmation(link(), TOPIC.replace('1A2B3C', 'OTHER'))).toThrow(
      /^--topic-arn: .* differs from the link's topic/,
    );
  });
});
