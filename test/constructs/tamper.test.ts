import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertingSchema } from '../../src/config/alerting-schema.js';
import { BreakGlassValidationError } from '../../src/constructs/errors.js';
import { BreakGlassMonitoring } from '../../src/constructs/monitoring.js';
import { EVENT_PATTERN_CHARS, estimate } from '../../src/constructs/private/quotas.js';
import { tamperPrefix } from '../../src/constructs/tamper.js';

type Res = { Type: string; Properties: Record<string, unknown> };
const ENV = { account: '111122223333', region: 'eu-west-1' };
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1'];

function build(props: Record<string, unknown> = {}) {
  const app = new App();
  const main = new Stack(app, 'Main', { env: ENV });
  const role = iam.Role.fromRoleName(main, 'Glass', 'break-glass');
  const user = iam.User.fromUserName(main, 'Person', 'breakglass-1');
  const monitoring = new BreakGlassMonitoring(main, 'Monitoring', {
    roles: [role],
    users: [user],
    regions: REGIONS,
    loginAlertEmails: ['oncall@example.com'],
    ...props,
  });
  app.synth();
  const stack = (region: string) =>
    region === ENV.region ? main : (app.node.findChild(`Main-${region}`) as Stack);
  return { app, main, monitoring, stack };
}
const resources = (s: Stack): [string, Res][] =>
  Object.entries((Template.fromStack(s).toJSON() as { Resources: Record<string, Res> }).Resources);
const rulesOf = (s: Stack) => resources(s).filter(([, r]) => r.Type === 'AWS::Events::Rule');

describe('BreakGlassTamperAlerts (through BreakGlassMonitoring)', () => {
  let a: ReturnType<typeof build>;
  beforeAll(() => {
    a = build({ tamperAlertEmails: ['security@example.com'] });
  }, 120_000);

  it('tamper topic and tamper bus: own key, tagged for doctor, TLS only; emails from tamperAlertEmails', () => {
    const t = Template.fromStack(a.main);
    t.hasResourceProperties('AWS::SNS::Topic', {
      Tags: Match.arrayWith([{ Key: 'breakglass:purpose', Value: 'tamper-topic' }]),
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('TamperKey'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::SNS::Topic', {
      Tags: Match.arrayWith([{ Key: 'breakglass:purpose', Value: 'alert-topic' }]),
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.not(Match.stringLikeRegexp('TamperKey')), 'Arn'] },
    });
    t.hasResourceProperties('AWS::Events::EventBus', {
      Tags: Match.arrayWith([{ Key: 'breakglass:purpose', Value: 'tamper-bus' }]),
    });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'security@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('TamperTopic') },
    });
    expect(a.monitoring.channels.tamperKey).not.toBe(a.monitoring.channels.key);
  });

  it('every Region has rules feeding the tamper bus and rules feeding the alert bus; IAM only in us-east-1', () => {
    for (const region of REGIONS) {
      const rules = rulesOf(a.stack(region)).map(([, r]) => JSON.stringify(r.Properties));
      const tamper = rules.filter(
        (r) => r.includes('AWS API Call via CloudTrail') && r.includes('StopLogging'),
      );
      expect(tamper.length, region).toBeGreaterThanOrEqual(2);
      const iamRules = rules.filter((r) => r.includes('UpdateAssumeRolePolicy'));
      if (region === 'us-east-1') expect(iamRules.length).toBe(2);
      else if (region !== ENV.region) expect(iamRules).toEqual([]);
    }
  });

  it('every tamper pattern stays within the default 2,048-character quota, targets ≤ 5', () => {
    let n = 0;
    for (const region of REGIONS) {
      for (const [, r] of rulesOf(a.stack(region))) {
        const size = JSON.stringify(estimate(r.Properties['EventPattern'])).length;
        expect(size).toBeLessThanOrEqual(EVENT_PATTERN_CHARS);
        expect((r.Properties['Targets'] as unknown[]).length).toBeLessThanOrEqual(5);
        if (JSON.stringify(r.Properties).includes('StopLogging')) n++;
      }
      expect(Annotations.fromStack(a.stack(region)).findError('*', Match.anyValue())).toEqual([]);
    }
    expect(n).toBeGreaterThan(4);
  });

  it('patterns name our resources: the stack-name prefix, the break-glass role and user, the keys', () => {
    const text = rulesOf(a.stack('us-east-1'))
      .map(([, r]) => JSON.stringify(r.Properties['EventPattern']))
      .join('\n');
    expect(text).toContain('{"prefix":"Main"}');
    expect(text).toContain('"break-glass"');
    expect(text).toContain('"breakglass-1"');
    expect(text).toContain('{"omitted":[true]}');
    const main = rulesOf(a.main)
      .map(([, r]) => JSON.stringify(r.Properties['EventPattern']))
      .join('\n');
    expect(main).toMatch(/"resources":\{"ARN":\[\{"Fn::GetAtt":\["[^"]*ChannelsKey/);
    expect(main).toMatch(/TamperKey/);
  });

  it('with tamperAlerts: false there are no tamper rules, the tamper topic stays (drill alarms use it)', () => {
    const off = build({ tamperAlerts: false });
    expect(off.monitoring.tamperAlerts).toBeUndefined();
    for (const region of REGIONS)
      expect(rulesOf(off.stack(region)).filter(([, r]) => JSON.stringify(r).includes('StopLogging'))).toEqual(
        [],
      );
    Template.fromStack(off.main).hasResourceProperties('AWS::SNS::Topic', {
      Tags: Match.arrayWith([{ Key: 'breakglass:purpose', Value: 'tamper-topic' }]),
    });
  }, 120_000);

  it('rejects an invalid tamperAlertEmails entry, naming the field', () => {
    expect(() => build({ tamperAlertEmails: ['not-an-email'] })).toThrow(BreakGlassValidationError);
    expect(() => build({ tamperAlertEmails: ['not-an-email'] })).toThrow(
      /tamperAlertEmails: 'not-an-email' is not an email address; expected name@example.com/,
    );
  });

  it('rejects invalid config values with a one-line message naming the field', () => {
    const r = alertingSchema.safeParse({ tamperAlerts: 'yes', tamperAlertEmails: ['x'] });
    expect(r.success).toBe(false);
    const paths = r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['tamperAlerts', 'tamperAlertEmails.0']));
  });

  it('the prefix is the stack name, cut to what CloudFormation keeps inside generated names', () => {
    expect(tamperPrefix('BreakGlass')).toBe('BreakGlass');
    expect(tamperPrefix('A'.repeat(40))).toBe('A'.repeat(23));
  });
});
