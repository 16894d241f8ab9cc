/**
 * Acceptance: each way in, as a real-shaped CloudTrail record (fixtures/ways-in.json, provenance
 * per case), becomes its EventBridge event, matches the forwarding rule of its Region's stack, is
 * forwarded to the central bus, matches an alert rule there and reaches the alert targets; the
 * rendered email and Slack messages carry the record's values. Negative cases are not alerted.
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreakGlassMonitoring } from '../../src/constructs/monitoring.js';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import { AlertingWorld } from './alerting-harness.js';

interface Case {
  name: string;
  provenance: string;
  alerted: boolean;
  expect?: Record<string, string>;
  record: CloudTrailRecord;
}

const cases = JSON.parse(readFileSync(new URL('./fixtures/ways-in.json', import.meta.url), 'utf8')) as Case[];
const ACCOUNT = '111111111111';
/** Email template that prints every placeholder on its own line, to read values back. */
const FIELDS = [
  'username',
  'roleArn',
  'sessionName',
  'sourceIdentity',
  'mfa',
  'result',
  'errorCode',
  'region',
  'ip',
  'account',
  'eventName',
];
const MESSAGE = FIELDS.map((f) => `${f}=<${f}>`).join('\n');

let world: AlertingWorld;
let topicRef: string;

function parseMessage(payload: string): Record<string, string> {
  const text = JSON.parse(payload) as string;
  return Object.fromEntries(
    text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

beforeAll(() => {
  const app = new App();
  const main = new Stack(app, 'Main', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const role = new iam.Role(main, 'BreakGlassRole', {
    roleName: 'alice',
    assumedBy: new iam.AccountRootPrincipal(),
  });
  const user = new iam.User(main, 'BreakGlassUser', { userName: 'bob' });
  const monitoring = new BreakGlassMonitoring(main, 'Monitoring', {
    roles: [role],
    users: [user],
    regions: ['ap-southeast-2'],
    loginAlertEmails: ['oncall@example.com'],
    message: MESSAGE,
    // Every attempt's own message is checked here, so denied attempts page one by one.
    deniedAttempts: 'each',
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
    createLoginLogGroup: true,
  });
  const stacks = [
    main,
    ...['us-east-1', 'ap-southeast-2'].map((r) => app.node.findChild(`Main-${r}`) as Stack),
  ];
  const busName = Stack.of(monitoring).resolve(monitoring.channels.eventBus.eventBusName) as { Ref: string };
  const mainTemplate = new AlertingWorld([main], 'x').raw.get('Main') as {
    Resources: Record<string, { Properties: Record<string, unknown> }>;
  };
  const name = mainTemplate.Resources[busName.Ref]?.Properties['Name'] as string;
  world = new AlertingWorld(stacks, name);
  topicRef = (main.resolve(monitoring.channels.alertTopic.topicArn) as { Ref: string }).Ref;
}, 120_000);

describe('BreakGlassLoginAlert acceptance (every way in, every Region)', () => {
  for (const c of cases.filter((c) => c.alerted)) {
    it(`alerts: ${c.name}`, () => {
      const r = world.replay(c.record);
      expect(r.forwardedBy, 'forwarded from its Region').toHaveLength(1);
      const email = r.delivered.filter(
        (d) => d.targetArn.includes(topicRef) || d.targetArn.endsWith(':AlertTopic'),
      );
      const topicDeliveries = r.delivered.filter((d) => d.payload.startsWith('"username='));
      expect(topicDeliveries, 'exactly one alert email').toHaveLength(1);
      void email;
      const values = parseMessage((topicDeliveries[0] as { payload: string }).payload);
      for (const [k, v] of Object.entries(c.expect ?? {})) expect(values[k], k).toBe(v);
      const slack = r.delivered.filter((d) => d.payload.includes('"blocks"'));
      expect(slack).toHaveLength(1);
      const body = JSON.parse((slack[0] as { payload: string }).payload) as {
        channel: string;
        text: string;
        blocks: unknown[];
      };
      expect(body.channel).toBe('C0123456789');
      expect(body.text).toMatch(/^Break-glass access: /);
      // Slack shows the values every matching event has (here the Region), each as its own element.
      expect(JSON.stringify(body.blocks)).toContain(JSON.stringify(c.record.awsRegion));
      const hook = r.delivered.filter((d) => d.targetArn.includes('WebhookDestination'));
      expect(hook).toHaveLength(1);
      // Webhook: every placeholder as an array of zero or one values.
      const json = JSON.parse((hook[0] as { payload: string }).payload) as Record<string, string[]>;
      for (const [k, v] of Object.entries(c.expect ?? {})) expect(json[k], `webhook ${k}`).toEqual([v]);
      expect(json['wayIn']?.[0]).toMatch(/\w/);
      // createLoginLogGroup: the alert rule also writes the event to the login log group
      const loginLog = r.delivered.filter(
        (d) => d.targetArn.includes(':log-group:') && d.rule.logicalId.includes('LoginAlert'),
      );
      expect(loginLog).toHaveLength(1);
    });
  }
  for (const c of cases.filter((c) => !c.alerted)) {
    it(`does not alert: ${c.name}`, () => {
      const r = world.replay(c.record);
      expect(r.delivered.filter((d) => d.payload.startsWith('"username='))).toEqual([]);
    });
  }

  it('forwards an event once even when several central rules want it (role chaining is also an action)', () => {
    const chain = cases.find((c) => c.name.startsWith('role chaining'));
    const r = world.replay((chain as Case).record);
    expect(r.forwardedBy).toHaveLength(1);
    const rules = new Set(r.delivered.map((d) => d.rule.logicalId));
    expect([...rules].some((id) => id.includes('RoleChainOk'))).toBe(true);
    expect([...rules].some((id) => id.includes('SessionActionsLog'))).toBe(true);
  });
});

describe('BreakGlassLoginAlert patterns', () => {
  it('every prefix/suffix operator is anchored on a full ARN (exact role/user, never a name suffix)', () => {
    const ops: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
          if (['prefix', 'suffix', 'wildcard', 'equals-ignore-case'].includes(k)) {
            // `{"suffix": {"equals-ignore-case": …}}` is one operator: suffix, any letter case
            const nested =
              x && typeof x === 'object' ? Object.entries(x as Record<string, unknown>)[0] : undefined;
            ops.push(nested ? `${k}/${nested[0]}:${String(nested[1])}` : `${k}:${String(x)}`);
          } else walk(x);
        }
      }
    };
    // Ways in and forwarders only: the tamper rules match our own resources by stack-name prefix
    // (their own tests cover them).
    for (const name of world.templates.keys())
      for (const rule of world.rules(name)) if (!rule.logicalId.includes('Tamper')) walk(rule.pattern);
    expect(ops.length).toBeGreaterThan(0);
    for (const op of ops) {
      expect(op).toMatch(
        /^(suffix\/equals-ignore-case: on resource: arn:aws:iam::111111111111:role\/alice|wildcard:\*on resource: arn:aws:iam::111111111111:role\/alice \*|prefix\/equals-ignore-case:arn:aws:sts::111111111111:assumed-role\/alice\/|equals-ignore-case:(arn:aws:iam::111111111111:role\/alice|bob))$/,
      );
    }
  });

  it('forwarding patterns stay under the 2,048-character EventBridge default quota', () => {
    for (const name of world.templates.keys()) {
      for (const rule of world.rules(name).filter((r) => r.busName === 'default')) {
        expect(JSON.stringify(rule.pattern).length, `${name}/${rule.logicalId}`).toBeLessThan(2048);
      }
    }
  });
});
