/**
 * Slack and webhook bodies stay valid JSON whatever a caller puts in the fields they control (user
 * agent, error message, request parameters): every way-in record of fixtures/ways-in.json, with those
 * fields replaced by adversarial values or removed, is replayed through the synthesized stacks and each
 * API-destination payload is rendered by the input-transformer engine (src/engines/input-transformer),
 * which follows EventBridge's rule: values inside quotes are inserted raw, values outside quotes are
 * rendered as JSON values.
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreakGlassMonitoring, type BreakGlassMonitoringProps } from '../../src/constructs/monitoring.js';
import { SLACK_OMITTED } from '../../src/constructs/private/alert-bodies.js';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import { AlertingWorld, type Delivery } from './alerting-harness.js';

interface Case {
  name: string;
  alerted: boolean;
  record: CloudTrailRecord;
}

const cases = (
  JSON.parse(readFileSync(new URL('./fixtures/ways-in.json', import.meta.url), 'utf8')) as Case[]
).filter((c) => c.alerted);
const ACCOUNT = '111111111111';

const ADVERSARIAL: [string, string][] = [
  ['a double quote', 'aws-cli/2.0 "quoted" "},"blocks":[],"x":"'],
  ['backslashes', 'C:\\temp\\ \\" \\\\" \\u0022'],
  ['newlines and tabs', 'line1\nline2\r\n\tindented'],
  ['control characters', Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')],
  ['a closing script tag', '</script><script>alert(1)</script>'],
  ['a 10 KB string', 'x"\\'.repeat(3414)],
  ['unicode', 'émoji 🧨 RTL \u202e \u2028 \u2029 日本語 \ud83d'],
  ['placeholder-looking text', '<wayIn> <aws.events.rule-arn> ${aws:username}'],
  ['JSON-looking text', '{"a": [1, 2], "b": null}'],
];

type Mutable = Record<string, unknown>;

/** The record with every caller-controlled field set to `value` (patterns still match). */
function poisoned(record: CloudTrailRecord, value: string): CloudTrailRecord {
  const r = structuredClone(record) as unknown as Mutable;
  r['userAgent'] = value;
  if (typeof r['errorMessage'] === 'string') r['errorMessage'] = `${value} ${r['errorMessage'] as string}`;
  const params = r['requestParameters'] as Mutable | null | undefined;
  if (params && typeof params === 'object') {
    if ('roleSessionName' in params) params['roleSessionName'] = value;
    params['sourceIdentity'] = value;
  }
  const ctx = (r['userIdentity'] as Mutable | undefined)?.['sessionContext'] as Mutable | undefined;
  if (ctx) ctx['sourceIdentity'] = value;
  return r as unknown as CloudTrailRecord;
}

/** The record without the optional fields a body may use. */
function stripped(record: CloudTrailRecord): CloudTrailRecord {
  const r = structuredClone(record) as unknown as Mutable;
  for (const k of ['userAgent', 'sourceIPAddress', 'requestID']) delete r[k];
  const params = r['requestParameters'] as Mutable | null | undefined;
  if (params && typeof params === 'object') delete params['sourceIdentity'];
  const ctx = (r['userIdentity'] as Mutable | undefined)?.['sessionContext'] as Mutable | undefined;
  if (ctx) {
    delete ctx['sourceIdentity'];
    delete ctx['attributes'];
  }
  return r as unknown as CloudTrailRecord;
}

function world(message?: string): AlertingWorld {
  const app = new App();
  const main = new Stack(app, 'Main', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const props: BreakGlassMonitoringProps = {
    roles: [new iam.Role(main, 'R', { roleName: 'alice', assumedBy: new iam.AccountRootPrincipal() })],
    users: [new iam.User(main, 'U', { userName: 'bob' })],
    regions: ['ap-southeast-2'],
    loginAlertEmails: ['oncall@example.com'],
    // Every denied attempt pages here (with the default 'summary' they reach only the summary log
    // group), so the Slack and webhook bodies of the denied ways in are rendered and checked too.
    deniedAttempts: 'each',
    ...(message === undefined ? {} : { message }),
    slack: {
      channel: 'C0123456789',
      tokenSecret: secretsmanager.Secret.fromSecretNameV2(main, 'SlackToken', 'slack-bot-token'),
    },
    webhooks: [
      {
        url: 'https://hooks.example.com/breakglass',
        secret: secretsmanager.Secret.fromSecretNameV2(main, 'Hook', 'hook'),
      },
    ],
  };
  const monitoring = new BreakGlassMonitoring(main, 'Monitoring', props);
  const stacks = [
    main,
    ...['us-east-1', 'ap-southeast-2'].map((r) => app.node.findChild(`Main-${r}`) as Stack),
  ];
  const bus = main.resolve(monitoring.channels.eventBus.eventBusName) as { Ref: string };
  const raw = new AlertingWorld([main], 'x').raw.get('Main') as {
    Resources: Record<string, { Properties: Record<string, unknown> }>;
  };
  return new AlertingWorld(stacks, raw.Resources[bus.Ref]?.Properties['Name'] as string);
}

const isSlack = (d: Delivery) => d.targetArn.includes('SlackDestination');
const isWebhook = (d: Delivery) => d.targetArn.includes('WebhookDestination');

interface SlackBody {
  channel: string;
  text: string;
  blocks: { type: string; elements?: { elements: { type: string; text: unknown }[] }[] }[];
}

function slackElements(body: SlackBody): { type: string; text: unknown }[] {
  return body.blocks.flatMap((b) => (b.elements ?? []).flatMap((e) => e.elements));
}

/** A Block Kit body Slack accepts: strings where Slack wants strings. */
function expectValidSlack(payload: string): SlackBody {
  const body = JSON.parse(payload) as SlackBody;
  expect(body.channel).toBe('C0123456789');
  expect(typeof body.text).toBe('string');
  expect(body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
  const elements = slackElements(body);
  expect(elements.length).toBeGreaterThan(0);
  for (const e of elements) {
    expect(e.type).toBe('text');
    expect(typeof e.text).toBe('string');
  }
  return body;
}

for (const [label, message] of [
  ['the default message', undefined],
  [
    'a custom message using every placeholder',
    'who=<username> ua=<userAgent> err=<errorCode> si=<sourceIdentity> s=<sessionName> r=<region> at <eventTime>',
  ],
] as const) {
  describe(`alert bodies with ${label}`, () => {
    let w: AlertingWorld;
    beforeAll(() => {
      w = world(message);
    }, 120_000);

    describe.each(ADVERSARIAL)('every field a caller controls set to %s', (_name, value) => {
      it.each(cases.map((c) => [c.name, c]))('%s: Slack and webhook bodies parse', (_n, c) => {
        const delivered = w.replay(poisoned(c.record, value)).delivered;
        const slack = delivered.filter(isSlack);
        const hooks = delivered.filter(isWebhook);
        expect(slack).toHaveLength(1);
        expect(hooks).toHaveLength(1);
        const body = expectValidSlack((slack[0] as Delivery).payload);
        // Slack only shows values every matching event has; caller-controlled ones are left out.
        expect(JSON.stringify(body)).not.toContain(JSON.stringify(value).slice(1, -1));
        const hook = JSON.parse((hooks[0] as Delivery).payload) as Record<string, unknown[]>;
        // The webhook carries the value exactly, as a one-element array.
        expect(hook['userAgent']).toEqual([value]);
      });
    });

    it.each(cases.map((c) => [c.name, c]))('%s without the optional fields: bodies still parse', (_n, c) => {
      const delivered = w.replay(stripped(c.record)).delivered;
      const slack = delivered.filter(isSlack);
      expect(slack).toHaveLength(1);
      const body = expectValidSlack((slack[0] as Delivery).payload);
      expect(slackElements(body).map((e) => e.text)).toContain(c.record.awsRegion);
      const hooks = delivered.filter(isWebhook);
      const hook = JSON.parse((hooks[0] as Delivery).payload) as Record<string, unknown[]>;
      expect(hook['userAgent']).toEqual([]);
      expect(hook['region']).toEqual([c.record.awsRegion]);
    });

    it('Slack marks values it leaves out', () => {
      const [c] = cases;
      const body = expectValidSlack(
        (w.replay((c as Case).record).delivered.find(isSlack) as Delivery).payload,
      );
      expect(slackElements(body).some((e) => e.text === SLACK_OMITTED)).toBe(true);
    });
  });
}
