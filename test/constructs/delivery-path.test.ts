/**
 * The hops after "a rule matched": the alert topic's KMS key lets EventBridge and CloudWatch publish,
 * and every "failed to deliver" alarm watches a metric EventBridge / SQS actually publishes (namespace,
 * name and exactly the published dimensions), on the bundled example's synthesized templates.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, synthesizeConfig } from '../../src/config/index.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/breakglass.config.yaml');

interface Res {
  Type: string;
  Properties: Record<string, unknown>;
}
type Template = { Resources: Record<string, Res> };

/**
 * Physical values CloudFormation gives at deploy time, for the intrinsics the alarms use:
 * `Ref` of a bus is its name; `Ref` of a rule is its name, or `<bus name>|<rule name>` on a custom bus
 * (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1131); a queue's
 * `QueueName` attribute is its name.
 */
function resolver(t: Template) {
  const ruleName = (id: string) => `rule-${id}`;
  const busName = (id: string) => String(t.Resources[id]?.Properties['Name']);
  const value = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    if (typeof o['Ref'] === 'string') {
      const r = t.Resources[o['Ref']];
      if (r?.Type === 'AWS::Events::EventBus') return busName(o['Ref']);
      if (r?.Type === 'AWS::Events::Rule') {
        const bus = value(r.Properties['EventBusName']);
        return bus === undefined || bus === 'default'
          ? ruleName(o['Ref'])
          : `${String(bus)}|${ruleName(o['Ref'])}`;
      }
      throw new Error(`unexpected Ref ${o['Ref']}`);
    }
    const getAtt = o['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt?.[1] === 'QueueName') return `queue-${getAtt[0]}`;
    const split = o['Fn::Split'] as [string, unknown] | undefined;
    if (split) return String(value(split[1])).split(split[0]);
    const select = o['Fn::Select'] as [number, unknown] | undefined;
    if (select) return (value(select[1]) as unknown[])[select[0]];
    throw new Error(`unexpected intrinsic ${JSON.stringify(o)}`);
  };
  return { value, ruleName, busName };
}

/** Dimensions of `FailedInvocations` as EventBridge publishes them for a rule. */
function publishedRuleDimensions(t: Template, ruleId: string): Record<string, string> {
  const { value, ruleName } = resolver(t);
  const bus = value(t.Resources[ruleId]?.Properties['EventBusName']);
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html#eb-metrics-dimensions
  return bus === undefined || bus === 'default'
    ? { RuleName: ruleName(ruleId) }
    : { EventBusName: String(bus), RuleName: ruleName(ruleId) };
}

function alarmDimensions(t: Template, alarm: Res): Record<string, string> {
  const { value } = resolver(t);
  const dims = (alarm.Properties['Dimensions'] ?? []) as { Name: string; Value: unknown }[];
  return Object.fromEntries(dims.map((d) => [d.Name, String(value(d.Value))]));
}

function ofType(t: Template, type: string): [string, Res][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

describe('the bundled example: alert delivery hops', () => {
  let dir: string;
  const templates = new Map<string, Template>();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bg-delivery-'));
    synthesizeConfig(loadConfigFile(EXAMPLE), dir);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.template.json'))) {
      templates.set(
        f.replace('.template.json', ''),
        JSON.parse(readFileSync(join(dir, f), 'utf8')) as Template,
      );
    }
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const main = () => templates.get('BreakGlass') as Template;

  describe('alert topic key policy', () => {
    const statements = () => {
      const [[, key] = ['', undefined]] = ofType(main(), 'AWS::KMS::Key');
      return (key?.Properties['KeyPolicy'] as { Statement: Record<string, unknown>[] }).Statement;
    };
    const forService = (service: string) =>
      statements().filter((s) => JSON.stringify(s['Principal']) === JSON.stringify({ Service: service }));

    it('lets EventBridge encrypt for the topic with no aws:Source* condition (not supported for EventBridge → encrypted topic)', () => {
      const events = forService('events.amazonaws.com');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] });
      expect(JSON.stringify(events[0]?.['Condition'] ?? {})).not.toMatch(/aws:Source/i);
    });

    it('lets CloudWatch alarms in, only for alarms of this account', () => {
      const cw = forService('cloudwatch.amazonaws.com');
      expect(cw).toHaveLength(1);
      expect(cw[0]).toMatchObject({
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      });
    });

    it('grants services nothing else', () => {
      const services = statements().filter((s) => JSON.stringify(s['Principal']).includes('Service'));
      expect(services).toHaveLength(2);
    });
  });

  it('every rule of every stack has a FailedInvocations alarm on exactly the dimensions EventBridge publishes', () => {
    let rules = 0;
    for (const [name, t] of templates) {
      const alarms = ofType(t, 'AWS::CloudWatch::Alarm')
        .map(([, a]) => a)
        .filter((a) => a.Properties['MetricName'] === 'FailedInvocations');
      const watched = alarms.map((a) => JSON.stringify(alarmDimensions(t, a)));
      for (const a of alarms) {
        expect(a.Properties, name).toMatchObject({ Namespace: 'AWS/Events', Statistic: 'Sum' });
      }
      for (const [id] of ofType(t, 'AWS::Events::Rule')) {
        // The regional alarm-forwarding rules only forward alarm state changes; they are not alarmed on.
        if (id.startsWith('AlarmForward')) continue;
        rules += 1;
        expect(watched, `${name}/${id}`).toContain(JSON.stringify(publishedRuleDimensions(t, id)));
      }
    }
    expect(rules).toBeGreaterThan(60);
  });

  it('the central-bus rules are alarmed with EventBusName + RuleName (the name, not <bus>|<rule>)', () => {
    const t = main();
    const custom = ofType(t, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties['EventBusName'] !== undefined,
    );
    expect(custom.length).toBeGreaterThan(5);
    const alarms = ofType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => alarmDimensions(t, a));
    for (const [id] of custom) {
      const dims = alarms.find((d) => d['RuleName'] === `rule-${id}`);
      expect(dims, id).toEqual(publishedRuleDimensions(t, id));
      expect(Object.keys(dims ?? {}).sort()).toEqual(['EventBusName', 'RuleName']);
    }
  });

  it('dead-letter queue alarms watch AWS/SQS ApproximateNumberOfMessagesVisible by QueueName', () => {
    for (const [name, t] of templates) {
      const queues = ofType(t, 'AWS::SQS::Queue').map(([id]) => `queue-${id}`);
      const depth = ofType(t, 'AWS::CloudWatch::Alarm')
        .map(([, a]) => a)
        .filter((a) => a.Properties['MetricName'] === 'ApproximateNumberOfMessagesVisible');
      expect(depth.length, name).toBe(queues.length);
      for (const a of depth) {
        expect(a.Properties['Namespace'], name).toBe('AWS/SQS');
        const dims = alarmDimensions(t, a);
        expect(Object.keys(dims), name).toEqual(['QueueName']);
        expect(queues, name).toContain(dims['QueueName']);
      }
    }
  });

  it('every dead-letter queue lets EventBridge send for every rule using it, in one statement (SQS: 20 statements per policy)', () => {
    let checked = 0;
    for (const [name, t] of templates) {
      const policies = ofType(t, 'AWS::SQS::QueuePolicy').map(([, p]) => p);
      for (const [ruleId, rule] of ofType(t, 'AWS::Events::Rule')) {
        for (const target of rule.Properties['Targets'] as Record<string, unknown>[]) {
          const dlq = (target['DeadLetterConfig'] as { Arn?: { 'Fn::GetAtt': [string, string] } } | undefined)
            ?.Arn;
          if (!dlq) continue;
          const queueId = dlq['Fn::GetAtt'][0];
          const policy = policies.find((p) =>
            JSON.stringify(p.Properties['Queues']).includes(`"${queueId}"`),
          );
          const statements = (
            policy?.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }
          ).Statement;
          const allow = statements.filter(
            (st) =>
              st['Effect'] === 'Allow' &&
              st['Action'] === 'sqs:SendMessage' &&
              JSON.stringify(st['Principal']) === '{"Service":"events.amazonaws.com"}',
          );
          expect(allow, `${name}/${ruleId}`).toHaveLength(1);
          const sources = (allow[0]?.['Condition'] as { ArnEquals: { 'aws:SourceArn': unknown[] } })
            .ArnEquals['aws:SourceArn'];
          expect(sources, `${name}/${ruleId}`).toContainEqual({ 'Fn::GetAtt': [ruleId, 'Arn'] });
          expect(statements.length, `${name}/${ruleId}`).toBeLessThanOrEqual(2);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
