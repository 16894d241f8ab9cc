import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { alertingSchema, toAlertingOptions } from '../../src/config/alerting-schema.js';
import { BreakGlassMonitoring } from '../../src/constructs/monitoring.js';
import * as iam from 'aws-cdk-lib/aws-iam';

const issues = (input: unknown) => {
  const r = alertingSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('alertingSchema (config-file form of the alerting props)', () => {
  it('accepts a full config and converts it to construct props', () => {
    const cfg = alertingSchema.parse({
      loginAlertEmails: ['oncall@example.com'],
      message: 'break-glass <eventName> by <username> in <region>',
      createLoginLogGroup: true,
      logActions: 'write',
      logServices: ['iam'],
      retention: 30,
      regions: ['*'],
      eventBus: 'arn:aws:events:eu-west-1:111111111111:event-bus/central',
      slack: { channel: '#incidents', tokenSecret: 'slack-bot' },
      webhooks: [
        {
          url: 'https://hooks.example.com/x',
          secret: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:hook-AbCdEf',
        },
      ],
      alertTopics: ['arn:aws:sns:eu-west-1:111111111111:soc'],
      alertQueues: ['arn:aws:sqs:eu-west-1:111111111111:soc'],
      alertFunctions: ['arn:aws:lambda:eu-west-1:111111111111:function:soc'],
      createTrail: true,
    });
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    const opts = toAlertingOptions(stack, cfg);
    expect(opts.retention).toBe(30);
    expect(opts.eventBus?.eventBusName).toBe('central');
    expect(opts.slack?.channel).toBe('#incidents');
    expect(opts.alertTopics).toHaveLength(1);
    expect(opts.webhooks?.[0]?.secret.secretArn).toContain(':secret:hook-AbCdEf');
    // the converted props are accepted by the construct (at most 5 channels: EventBridge's 5 targets
    // per rule; this config lists 7, so two are left out here)
    const role = iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111111111111:role/alice');
    const { alertQueues: _q, alertFunctions: _f, ...five } = opts;
    expect(
      () => new BreakGlassMonitoring(stack, 'M', { roles: [role], ...five, regions: ['eu-west-1'] }),
    ).not.toThrow();
    expect(
      () => new BreakGlassMonitoring(stack, 'M7', { roles: [role], ...opts, regions: ['eu-west-1'] }),
    ).toThrow(/7 alert channels .* EventBridge allows 5 targets per rule/);
  });

  it('rejects an unknown placeholder in message, listing the valid ones', () => {
    expect(issues({ message: 'hi <user>' })).toEqual([
      expect.stringMatching(
        /^message: unknown placeholder <user>; valid placeholders are <username>, .*<eventName>/,
      ),
    ]);
  });

  it('rejects a Region that is not a Region code', () => {
    expect(issues({ regions: ['eu-west-1', 'europe'] })).toEqual([
      expect.stringMatching(/^regions\.1: unknown Region 'europe'/),
    ]);
  });

  it('rejects an empty regions list', () => {
    expect(issues({ regions: [] })).toHaveLength(1);
  });

  it('rejects a retention that CloudWatch Logs does not offer', () => {
    expect(issues({ retention: 31 })).toEqual([
      expect.stringMatching(/^retention: must be one of 1, 3, 5, 7/),
    ]);
  });

  it('rejects a Slack channel that is neither an id nor a #name', () => {
    expect(issues({ slack: { channel: 'incidents', tokenSecret: 'x' } })).toEqual([
      expect.stringMatching(/^slack\.channel: must be a channel id/),
    ]);
  });

  it('rejects an http webhook and an ARN of the wrong service', () => {
    expect(
      issues({ webhooks: [{ url: 'http://x', secret: 's' }], alertQueues: ['arn:aws:sns:eu-west-1:1:x'] }),
    ).toEqual([
      expect.stringMatching(/^webhooks\.0\.url: must start with https:\/\//),
      expect.stringMatching(/^alertQueues\.0: must be an ARN of service 'sqs'/),
    ]);
  });

  it("rejects logActions values other than true, false, 'read', 'write'", () => {
    expect(issues({ logActions: 'all' })).toHaveLength(1);
  });
});
