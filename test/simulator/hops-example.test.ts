/**
 * Mutation tests on the bundled example: each test breaks exactly one hop between an event and the
 * person paged, in the synthesized templates, and checks that verify reports a gap naming that hop.
 * The example is synthesized once for the whole file. A hop problem the unmodified example already has
 * (while a construct fix is pending) does not make a mutation test pass: each test looks for the
 * problem its own mutation causes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, stacksFromConfig } from '../../src/cli/system.js';
import {
  buildMatrix,
  buildModel,
  verifyModel,
  type StackInput,
  type VerifyResult,
} from '../../src/simulator/index.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const REGIONS = ['eu-west-1', 'ap-south-1'];
const REGIONAL = 'ap-south-1';

let stacks: StackInput[];
let baseline: VerifyResult;
let baselineProblems: string[];

const clone = (): StackInput[] => stacks.map((s) => ({ ...s, template: structuredClone(s.template) }));
const resources = (s: StackInput): Json => (s.template as { Resources: Json }).Resources;
const ofType = (s: StackInput, type: string): [string, Json][] =>
  Object.entries(resources(s)).filter((e): e is [string, Json] => isObject(e[1]) && e[1]['Type'] === type);
const props = (r: Json): Json => r['Properties'] as Json;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const statementsOf = (doc: unknown): Json[] => asList((doc as Json)['Statement']).filter(isObject);
const names = (principal: unknown, kind: string): boolean =>
  isObject(principal) && asList(principal['Service']).includes(kind);

function verify(input: StackInput[]): VerifyResult {
  return verifyModel(buildModel(input), { regions: REGIONS });
}
const problemsOf = (r: VerifyResult): string[] => [...new Set(r.scenarios.flatMap((s) => s.problems))];

/** The main stack (central bus, topic, Slack and webhook) and the regional stack of REGIONAL of its account. */
function mainOf(input: StackInput[]): StackInput {
  const s = input.find((x) => ofType(x, 'AWS::Events::ApiDestination').length > 0);
  if (!s) throw new Error('no main stack with an API destination');
  return s;
}
function regionalOf(input: StackInput[]): StackInput {
  const main = mainOf(input);
  const s = input.find((x) => x.region === REGIONAL && x.account === main.account);
  if (!s) throw new Error(`no ${REGIONAL} stack for account ${main.account}`);
  return s;
}

/** Breaks one hop with `mutate`, then expects a gap whose problem matches `hop` (and that the baseline lacks it when `fresh`). */
function expectGap(mutate: (input: StackInput[]) => void, hop: RegExp, fresh = true): VerifyResult {
  const input = clone();
  mutate(input);
  const result = verify(input);
  const found = problemsOf(result).filter((p) => hop.test(p));
  expect(
    found,
    `no problem matches ${String(hop)}; got:\n${problemsOf(result).slice(0, 8).join('\n')}`,
  ).not.toEqual([]);
  if (fresh) expect(baselineProblems.filter((p) => hop.test(p))).toEqual([]);
  expect(result.summary.gaps).toBeGreaterThan(0);
  return result;
}

beforeAll(() => {
  stacks = stacksFromConfig(DEFAULT_CONFIG);
  baseline = verify(stacks);
  baselineProblems = problemsOf(baseline);
}, 300_000);

describe('verify follows every hop of the bundled example to a person', () => {
  it('unmodified: no gap, and every way in reaches a person', () => {
    expect(baselineProblems.slice(0, 6)).toEqual([]);
    expect(baseline.summary.gaps).toBe(0);
    const m = buildMatrix(baseline);
    // Alerted; the stranger's denied attempt through the summary alarm (deniedAttempts: summary).
    expect(m.cells['AssumeRole']?.[REGIONAL]).toBe('summarised');
  });

  it('key policy: an aws:SourceAccount condition on the EventBridge statement of the topic key is a gap', () => {
    expectGap(
      (input) => {
        for (const [, key] of ofType(mainOf(input), 'AWS::KMS::Key'))
          for (const st of statementsOf(props(key)['KeyPolicy']))
            if (names(st['Principal'], 'events.amazonaws.com'))
              st['Condition'] = { StringEquals: { 'aws:SourceAccount': mainOf(input).account } };
      },
      /^key policy: key \S+ lets events\.amazonaws\.com kms:\S+ only under an aws:SourceAccount .* not supported for EventBridge/,
      false,
    );
  });

  it('topic policy: removing the statements for EventBridge is a gap', () => {
    expectGap((input) => {
      for (const [, policy] of ofType(mainOf(input), 'AWS::SNS::TopicPolicy')) {
        const d = props(policy)['PolicyDocument'] as Json;
        d['Statement'] = statementsOf(d).filter((st) => !names(st['Principal'], 'events.amazonaws.com'));
      }
    }, /^topic policy: the policy of topic \S+ does not let events\.amazonaws\.com sns:Publish/);
  });

  it('subscriptions: a topic nobody subscribes to is a gap', () => {
    expectGap((input) => {
      const main = mainOf(input);
      for (const [id] of ofType(main, 'AWS::SNS::Subscription')) delete resources(main)[id];
      for (const [, topic] of ofType(main, 'AWS::SNS::Topic')) delete props(topic)['Subscription'];
    }, /subscriptions: topic \S+ has no subscription in the templates/);
  });

  it('alarm: a dead-letter-queue alarm keyed by the queue URL instead of its name is a gap', () => {
    expectGap((input) => {
      const regional = regionalOf(input);
      const [queueId] = ofType(regional, 'AWS::SQS::Queue')[0] ?? [];
      for (const [, alarm] of ofType(regional, 'AWS::CloudWatch::Alarm')) {
        const p = props(alarm);
        if (p['Namespace'] === 'AWS/SQS') p['Dimensions'] = [{ Name: 'QueueName', Value: { Ref: queueId } }];
      }
    }, /^alarm: alarm \S+ watches AWS\/SQS ApproximateNumberOfMessagesVisible with QueueName=https:\/\/\S+, which is never published/);
  });

  it('alarm: a forwarding-rule alarm with an extra EventBusName dimension (default-bus rules have RuleName only) is a gap', () => {
    expectGap((input) => {
      for (const [, alarm] of ofType(regionalOf(input), 'AWS::CloudWatch::Alarm')) {
        const p = props(alarm);
        if (p['Namespace'] === 'AWS/Events')
          p['Dimensions'] = [...asList(p['Dimensions']), { Name: 'EventBusName', Value: 'default' }];
      }
    }, /^alarm: alarm \S+ watches AWS\/Events FailedInvocations with .*EventBusName=default.*never published: the metrics of rule \S+ on the default bus carry RuleName=/);
  });

  it('dead-letter queue: removing the regional queue policy is a gap', () => {
    const result = expectGap(
      (input) => {
        const regional = regionalOf(input);
        for (const [id] of ofType(regional, 'AWS::SQS::QueuePolicy')) delete resources(regional)[id];
      },
      new RegExp(
        `^dead-letter queue: target \\S+ of rule \\S+: queue arn:aws:sqs:${REGIONAL}:\\S+ has no queue policy`,
      ),
    );
    expect(buildMatrix(result).cells['AssumeRole']?.[REGIONAL]).toBe('missed');
  });

  it('event bus: a forwarder role without events:PutEvents is a gap', () => {
    const result = expectGap((input) => {
      for (const [, policy] of ofType(regionalOf(input), 'AWS::IAM::Policy'))
        for (const st of statementsOf(props(policy)['PolicyDocument']))
          if (asList(st['Action']).includes('events:PutEvents')) st['Action'] = 'events:DescribeEventBus';
    }, /^event bus: rule \S+ cannot forward to \S+: target role \S+ is not allowed events:PutEvents/);
    const m = buildMatrix(result);
    expect(m.cells['AssumeRole']?.[REGIONAL]).toBe('missed');
  });

  it('target role: an API destination role without events:InvokeApiDestination is a gap', () => {
    expectGap((input) => {
      const [, policy] =
        ofType(mainOf(input), 'AWS::IAM::Policy').find(([, p]) =>
          statementsOf(props(p)['PolicyDocument']).some((st) =>
            asList(st['Action']).includes('events:InvokeApiDestination'),
          ),
        ) ?? [];
      expect(policy).toBeDefined();
      for (const st of statementsOf(props(policy as Json)['PolicyDocument']))
        st['Action'] = 'events:DescribeApiDestination';
    }, /^target role: target role \S+ is not allowed events:InvokeApiDestination on arn:aws:events:eu-west-1:\S+:api-destination\//);
  });

  it('body: an API destination body that quotes the user agent (a " from the caller breaks it) is a gap', () => {
    expectGap((input) => {
      let changed = 0;
      for (const [, rule] of ofType(mainOf(input), 'AWS::Events::Rule'))
        for (const t of asList(props(rule)['Targets']).filter(isObject))
          if (JSON.stringify(t['Arn']).includes('ApiDestination') && changed === 0) {
            t['InputTransformer'] = {
              InputPathsMap: { ua: '$.detail.userAgent' },
              InputTemplate: '{"text":"by <ua>"}',
            };
            changed++;
          }
      expect(changed).toBe(1);
    }, /^body: the body of target \S+ of rule \S+ is not valid JSON when a caller puts a double quote in \$\.detail\.userAgent .*place <ua> outside quotes/);
  });
});
