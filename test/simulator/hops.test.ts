/**
 * One fixture per rule of AWS behaviour the verifier follows between "a rule matched" and "a person was
 * told". Each fixture is a small template; the harness replays one event and reports which hop broke.
 */
import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '../../src/engines/cloudtrail/index.js';
import { alarmProblems, hopProblems } from '../../src/simulator/delivery/index.js';
import {
  buildModel,
  replayEvent,
  simulateEvents,
  type StackInput,
  type SystemModel,
} from '../../src/simulator/index.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
type Json = Record<string, unknown>;

const EVENT: EventBridgeEvent = {
  version: '0',
  id: 'e-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'test.source',
  account: ACCOUNT,
  time: '2024-05-01T10:00:00Z',
  region: REGION,
  resources: [],
  detail: {
    eventName: 'AssumeRole',
    userAgent: 'aws-cli/2.15',
    requestParameters: { roleSessionName: 'alice' },
  },
};

const ruleArn = { 'Fn::GetAtt': ['Rule', 'Arn'] };
const allow = (
  service: string | string[],
  action: string | string[],
  resource: unknown,
  condition?: Json,
) => ({
  Effect: 'Allow',
  Principal: { Service: service },
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});
const doc = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
const rootStatement = {
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};

/** A topic encrypted with a customer managed key, a topic policy for this rule, an email subscription. */
function topicResources(
  over: { keyStatement?: unknown; kmsKeyId?: unknown; topicPolicy?: unknown; subs?: Json[] } = {},
): Json {
  return {
    Key: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: doc(
          rootStatement,
          over.keyStatement ??
            allow(
              ['events.amazonaws.com', 'cloudwatch.amazonaws.com'],
              ['kms:Decrypt', 'kms:GenerateDataKey*'],
              '*',
            ),
        ),
      },
    },
    Topic: {
      Type: 'AWS::SNS::Topic',
      Properties: { KmsMasterKeyId: over.kmsKeyId ?? { 'Fn::GetAtt': ['Key', 'Arn'] } },
    },
    ...(over.topicPolicy === null
      ? {}
      : {
          TopicPolicy: {
            Type: 'AWS::SNS::TopicPolicy',
            Properties: {
              Topics: [{ Ref: 'Topic' }],
              PolicyDocument:
                over.topicPolicy ??
                doc(
                  allow(
                    'events.amazonaws.com',
                    'sns:Publish',
                    { Ref: 'Topic' },
                    { ArnEquals: { 'aws:SourceArn': ruleArn } },
                  ),
                  allow(
                    'cloudwatch.amazonaws.com',
                    'sns:Publish',
                    { Ref: 'Topic' },
                    { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
                  ),
                ),
            },
          },
        }),
    ...Object.fromEntries(
      (over.subs ?? [{ Protocol: 'email', Endpoint: 'oncall@example.com' }]).map((s, i) => [
        `Sub${i}`,
        { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'Topic' }, ...s } },
      ]),
    ),
  };
}

function ruleWith(target: Json, extra: Json = {}): Json {
  return {
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: { EventPattern: { source: ['test.source'] }, Targets: [{ Id: 'T0', ...target }], ...extra },
    },
  };
}

const queue = (name: string, props: Json = {}) => ({
  [name]: { Type: 'AWS::SQS::Queue', Properties: props },
});
const queuePolicy = (name: string, sourceArn: unknown = ruleArn) => ({
  [`${name}Policy`]: {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: name }],
      PolicyDocument: doc(
        allow(
          'events.amazonaws.com',
          'sqs:SendMessage',
          { 'Fn::GetAtt': [name, 'Arn'] },
          { ArnEquals: { 'aws:SourceArn': sourceArn } },
        ),
      ),
    },
  },
});

function stack(resources: Json, region = REGION): StackInput {
  return {
    stackName: `Hops-${region}`,
    account: ACCOUNT,
    region,
    template: { Resources: resources },
    dependencies: [],
    source: 'hops.test',
  };
}

function replay(resources: Json, event: EventBridgeEvent = EVENT) {
  const model = buildModel([stack(resources)]);
  const result = replayEvent(model, event);
  return { model, result, problems: hopProblems(model, result) };
}

const SNS = { Arn: { Ref: 'Topic' } };

describe('hops: SNS topic targets', () => {
  it('reaches a person through an encrypted topic whose key and topic policy allow EventBridge and that has an email subscription', () => {
    const { result, problems } = replay({ ...topicResources(), ...ruleWith(SNS) });
    expect(problems).toEqual([]);
    expect(result.deliveries.map((d) => [d.targetKind, d.humanFacing])).toEqual([['sns', true]]);
    expect(result.deliveries[0]?.endpoint).toBe('email oncall@example.com');
  });

  const cases: { name: string; resources: Json; hop: string; message: RegExp }[] = [
    {
      name: 'fails when the key allows EventBridge only under aws:SourceAccount (not supported for EventBridge to an encrypted topic)',
      resources: topicResources({
        keyStatement: allow('events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'], '*', {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
        }),
      }),
      hop: 'key policy',
      message: /only under an aws:SourceAccount .* not supported for EventBridge to an encrypted topic/,
    },
    {
      name: 'fails when the key allows EventBridge only under aws:SourceArn',
      resources: topicResources({
        keyStatement: allow('events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'], '*', {
          ArnLike: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/*` },
        }),
      }),
      hop: 'key policy',
      message: /not supported for EventBridge/,
    },
    {
      name: 'fails when the key policy does not name EventBridge at all',
      resources: topicResources({ keyStatement: allow('cloudwatch.amazonaws.com', 'kms:*', '*') }),
      hop: 'key policy',
      message: /does not let events\.amazonaws\.com kms:GenerateDataKey \(ImplicitDeny\)/,
    },
    {
      name: 'fails when the topic uses the AWS managed key alias/aws/sns',
      resources: topicResources({ kmsKeyId: 'alias/aws/sns' }),
      hop: 'key policy',
      message: /alias\/aws\/sns is an AWS managed key/,
    },
    {
      name: 'fails when the topic policy lets only another rule publish',
      resources: topicResources({
        topicPolicy: doc(
          allow(
            'events.amazonaws.com',
            'sns:Publish',
            { Ref: 'Topic' },
            {
              ArnEquals: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/other` },
            },
          ),
        ),
      }),
      hop: 'topic policy',
      message:
        /does not let events\.amazonaws\.com sns:Publish for arn:aws:events:eu-west-1:111122223333:rule\//,
    },
    {
      name: 'fails when the topic has no topic policy (the default policy does not name EventBridge)',
      resources: topicResources({ topicPolicy: null }),
      hop: 'topic policy',
      message: /has no topic policy in the templates/,
    },
    {
      name: 'fails when nobody subscribes to the topic',
      resources: topicResources({ subs: [] }),
      hop: 'subscriptions',
      message: /has no subscription in the templates: an alert published there reaches nobody/,
    },
    {
      name: 'fails when the only email subscription filters on message attributes (EventBridge publishes none)',
      resources: topicResources({
        subs: [{ Protocol: 'email', Endpoint: 'oncall@example.com', FilterPolicy: { severity: ['high'] } }],
      }),
      hop: 'subscriptions',
      message: /has a filter policy on message attributes, and the alert carries none/,
    },
    {
      name: 'fails when only a queue subscribes to the topic',
      resources: topicResources({
        subs: [{ Protocol: 'sqs', Endpoint: 'arn:aws:sqs:eu-west-1:111122223333:q' }],
      }),
      hop: 'subscriptions',
      message: /has only sqs subscriptions, which a program reads, not a person/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { result, problems } = replay({ ...c.resources, ...ruleWith(SNS) });
      expect(result.deliveries).toEqual([]);
      expect(result.misses.map((m) => m.hop)).toEqual([c.hop]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${c.hop}: `));
      expect(problems[0]).toMatch(c.message);
    });
  }

  it('fails a topic that is not in the templates (nothing about it can be checked offline)', () => {
    const { problems } = replay(ruleWith({ Arn: `arn:aws:sns:${REGION}:${ACCOUNT}:elsewhere` }));
    expect(problems).toEqual([
      expect.stringMatching(/^topic policy: topic \S+elsewhere is not in the templates/),
    ]);
  });

  it('fails a non-bus target in another Region', () => {
    const { problems } = replay(ruleWith({ Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:elsewhere` }));
    expect(problems).toEqual([
      expect.stringMatching(/^target Region: .*only event buses can be targets in another Region/),
    ]);
  });
});

describe('hops: rule state', () => {
  const read: EventBridgeEvent = {
    ...EVENT,
    detail: {
      eventVersion: '1.08',
      eventTime: '2024-05-01T10:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      awsRegion: REGION,
      sourceIPAddress: '198.51.100.7',
      userAgent: 'aws-cli/2.15',
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT },
    },
  };
  it('fails a rule whose pattern matches a read-only call but whose state (ENABLED) drops it', () => {
    const { problems } = replay({ ...topicResources(), ...ruleWith(SNS) }, read);
    expect(problems).toEqual([
      expect.stringMatching(
        /^rule state: rule \S+ matches read-only DescribeInstances, but read-only management events reach only rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS/,
      ),
    ]);
  });

  it('accepts a rule that leaves reads out in its pattern, and one in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', () => {
    const writesOnly = { EventPattern: { source: ['test.source'], detail: { readOnly: [false] } } };
    expect(replay({ ...topicResources(), ...ruleWith(SNS, writesOnly) }, read).problems).toEqual([]);
    const all = replay(
      { ...topicResources(), ...ruleWith(SNS, { State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' }) },
      read,
    );
    expect([all.problems, all.result.deliveries.length]).toEqual([[], 1]);
  });
});

describe('hops: queue, Lambda and log group targets', () => {
  it('delivers to a queue whose policy lets this rule send, but a queue is not a person', () => {
    const { result, problems } = replay({
      ...queue('Q'),
      ...queuePolicy('Q'),
      ...ruleWith({ Arn: { 'Fn::GetAtt': ['Q', 'Arn'] } }),
    });
    expect(problems).toEqual([]);
    expect(result.deliveries.map((d) => [d.targetKind, d.humanFacing])).toEqual([['sqs', false]]);
  });

  it('fails a queue target without a queue policy', () => {
    const { problems } = replay({ ...queue('Q'), ...ruleWith({ Arn: { 'Fn::GetAtt': ['Q', 'Arn'] } }) });
    expect(problems).toEqual([expect.stringMatching(/^queue policy: queue \S+ has no queue policy/)]);
  });

  it('fails a queue encrypted with alias/aws/sqs', () => {
    const { problems } = replay({
      ...queue('Q', { KmsMasterKeyId: 'alias/aws/sqs' }),
      ...queuePolicy('Q'),
      ...ruleWith({ Arn: { 'Fn::GetAtt': ['Q', 'Arn'] } }),
    });
    expect(problems).toEqual([expect.stringMatching(/^key policy: alias\/aws\/sqs is an AWS managed key/)]);
  });

  const fn = {
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs20.x',
        Handler: 'i.h',
        Code: { ZipFile: 'x' },
        Role: 'arn:aws:iam::111122223333:role/r',
      },
    },
  };
  const lambdaTarget = { Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } };
  it('fails a Lambda target without an AWS::Lambda::Permission for EventBridge', () => {
    const { problems } = replay({ ...fn, ...ruleWith(lambdaTarget) });
    expect(problems).toEqual([
      expect.stringMatching(/^lambda permission: no AWS::Lambda::Permission lets events\.amazonaws\.com/),
    ]);
  });

  it('reaches a Lambda function whose permission names this rule, and fails one that names another rule', () => {
    const perm = (sourceArn: unknown) => ({
      Perm: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
          SourceArn: sourceArn,
        },
      },
    });
    const ok = replay({ ...fn, ...perm(ruleArn), ...ruleWith(lambdaTarget) });
    expect(ok.problems).toEqual([]);
    expect(ok.result.deliveries.map((d) => d.humanFacing)).toEqual([true]);
    const other = replay({
      ...fn,
      ...perm(`arn:aws:events:${REGION}:${ACCOUNT}:rule/other`),
      ...ruleWith(lambdaTarget),
    });
    expect(other.problems).toEqual([expect.stringMatching(/^lambda permission: /)]);
  });

  const group = {
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/events/breakglass' } },
  };
  const logTarget = {
    Arn: { 'Fn::Join': ['', [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:`, { Ref: 'Logs' }]] },
  };
  const logPolicy = (service: string) => ({
    LogPolicy: {
      Type: 'AWS::Logs::ResourcePolicy',
      Properties: {
        PolicyName: 'eb',
        PolicyDocument: JSON.stringify(
          doc(
            allow(
              service,
              ['logs:CreateLogStream', 'logs:PutLogEvents'],
              `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/events/breakglass:*`,
              {
                StringEquals: { 'aws:SourceAccount': ACCOUNT },
              },
            ),
          ),
        ),
      },
    },
  });
  it('fails a log group target without a CloudWatch Logs resource policy for EventBridge', () => {
    const { result, problems } = replay({ ...group, ...ruleWith(logTarget) });
    expect(result.deliveries).toEqual([]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^log group policy: no CloudWatch Logs resource policy in 111122223333\/eu-west-1/,
      ),
    ]);
  });

  it('logs to a log group whose resource policy lets events.amazonaws.com or delivery.logs.amazonaws.com write', () => {
    for (const service of ['events.amazonaws.com', 'delivery.logs.amazonaws.com']) {
      const { result, problems } = replay({ ...group, ...logPolicy(service), ...ruleWith(logTarget) });
      expect(problems, service).toEqual([]);
      expect(result.deliveries.map((d) => d.targetKind)).toEqual(['logs']);
    }
    expect(replay({ ...group, ...logPolicy('s3.amazonaws.com'), ...ruleWith(logTarget) }).problems).toEqual([
      expect.stringMatching(/^log group policy: .*do not let EventBridge logs:CreateLogStream/),
    ]);
  });
});

describe('hops: API destinations (Slack, webhooks)', () => {
  const role = (actions: string, trust = 'events.amazonaws.com') => ({
    DestRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: doc({
          Effect: 'Allow',
          Principal: { Service: trust },
          Action: 'sts:AssumeRole',
        }),
      },
    },
    DestRolePolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'p',
        Roles: [{ Ref: 'DestRole' }],
        PolicyDocument: doc({
          Effect: 'Allow',
          Action: actions,
          Resource: { 'Fn::GetAtt': ['Dest', 'Arn'] },
        }),
      },
    },
  });
  const dest = (withConnection = true) => ({
    ...(withConnection
      ? { Conn: { Type: 'AWS::Events::Connection', Properties: { AuthorizationType: 'API_KEY' } } }
      : {}),
    Dest: {
      Type: 'AWS::Events::ApiDestination',
      Properties: {
        ConnectionArn: withConnection
          ? { 'Fn::GetAtt': ['Conn', 'Arn'] }
          : `arn:aws:events:${REGION}:${ACCOUNT}:connection/gone/x`,
        HttpMethod: 'POST',
        InvocationEndpoint: 'https://hooks.example.com/x',
      },
    },
  });
  const target = (template: string, extra: Json = {}) => ({
    Arn: { 'Fn::GetAtt': ['Dest', 'Arn'] },
    RoleArn: { 'Fn::GetAtt': ['DestRole', 'Arn'] },
    HttpParameters: { HeaderParameters: { 'Content-Type': 'application/json; charset=utf-8' } },
    InputTransformer: {
      InputPathsMap: { ua: '$.detail.userAgent', s: '$.detail.requestParameters.roleSessionName' },
      InputTemplate: template,
    },
    ...extra,
  });
  const SAFE = '{"userAgent": <ua>, "session": <s>}';
  /** The rule needs a session name, so a caller cannot leave it out and still be alerted. */
  const needsSession = {
    EventPattern: {
      source: ['test.source'],
      detail: { requestParameters: { roleSessionName: [{ exists: true }] } },
    },
  };

  it('reaches the HTTPS endpoint when the role may invoke it and the body stays JSON for any caller value', () => {
    const { result, problems } = replay({
      ...dest(),
      ...role('events:InvokeApiDestination'),
      ...ruleWith(target(SAFE), needsSession),
    });
    expect(problems).toEqual([]);
    expect(result.deliveries[0]?.endpoint).toBe('HTTPS https://hooks.example.com/x');
    const hostile = { ...EVENT, detail: { ...EVENT.detail, userAgent: 'x"}\\\n' } };
    const body = replay(
      { ...dest(), ...role('events:InvokeApiDestination'), ...ruleWith(target(SAFE), needsSession) },
      hostile,
    ).result.deliveries[0]?.input;
    expect(JSON.parse(body ?? '')).toEqual({ userAgent: 'x"}\\\n', session: 'alice' });
  });

  const cases: { name: string; resources: Json; hop: string; message: RegExp }[] = [
    {
      name: 'fails when the role is not allowed events:InvokeApiDestination',
      resources: { ...dest(), ...role('events:PutEvents'), ...ruleWith(target(SAFE), needsSession) },
      hop: 'target role',
      message:
        /is not allowed events:InvokeApiDestination on arn:aws:events:eu-west-1:111122223333:api-destination\//,
    },
    {
      name: 'fails when the role does not trust EventBridge',
      resources: {
        ...dest(),
        ...role('events:InvokeApiDestination', 'lambda.amazonaws.com'),
        ...ruleWith(target(SAFE), needsSession),
      },
      hop: 'target role',
      message: /does not trust events\.amazonaws\.com/,
    },
    {
      name: 'fails when the target has no RoleArn',
      resources: { ...dest(), ...ruleWith({ ...target(SAFE), RoleArn: undefined }) },
      hop: 'target role',
      message: /has no RoleArn/,
    },
    {
      name: 'fails when the connection is not in the templates',
      resources: {
        ...dest(false),
        ...role('events:InvokeApiDestination'),
        ...ruleWith(target(SAFE), needsSession),
      },
      hop: 'api destination',
      message: /its connection \S+ is not in the templates/,
    },
    {
      name: 'fails a body that quotes the user agent: a " from the caller breaks the JSON',
      resources: {
        ...dest(),
        ...role('events:InvokeApiDestination'),
        ...ruleWith(target('{"userAgent": "<ua>", "session": <s>}'), needsSession),
      },
      hop: 'body',
      message:
        /is not valid JSON when a caller puts a double quote in \$\.detail\.userAgent .*place <ua> outside quotes/,
    },
    {
      name: 'fails a body that quotes a request parameter: a backslash from the caller breaks the JSON',
      resources: {
        ...dest(),
        ...role('events:InvokeApiDestination'),
        ...ruleWith(target('{"userAgent": <ua>, "session": "<s>"}'), needsSession),
      },
      hop: 'body',
      message: /caller puts a double quote in \$\.detail\.requestParameters\.roleSessionName/,
    },
  ];
  cases.push({
    name: 'fails a body whose value-position placeholder reads a request parameter the caller can leave out',
    resources: {
      ...dest(),
      ...role('events:InvokeApiDestination'),
      ...ruleWith(
        target('{"userAgent": <ua>, "who": <si>}', {
          InputTransformer: {
            InputPathsMap: { ua: '$.detail.userAgent', si: '$.detail.requestParameters.sourceIdentity' },
            InputTemplate: '{"userAgent": <ua>, "who": <si>}',
          },
        }),
      ),
    },
    hop: 'body',
    message: /is not valid JSON/,
  });
  for (const c of cases) {
    it(c.name, () => {
      const { result, problems } = replay(c.resources);
      expect(result.deliveries).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${c.hop}: `));
      expect(problems[0]).toMatch(c.message);
    });
  }

  it('names the omission: a caller who leaves out sourceIdentity breaks "who": <si>', () => {
    const t = target('{"who": <si>}', {
      InputTransformer: {
        InputPathsMap: { si: '$.detail.requestParameters.sourceIdentity' },
        InputTemplate: '{"who": <si>}',
      },
    });
    const withSi = {
      ...EVENT,
      detail: { ...EVENT.detail, requestParameters: { roleSessionName: 'alice', sourceIdentity: 'alice' } },
    };
    const { problems } = replay(
      { ...dest(), ...role('events:InvokeApiDestination'), ...ruleWith(t) },
      withSi,
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^body: .*when a caller puts nothing \(leaves the field out\) in \$\.detail\.requestParameters\.sourceIdentity/,
      ),
    ]);
  });

  it('checks the body of every event, not only the first: a field missing from a later event breaks a value position', () => {
    const t = target('{"mfa": <mfa>}', {
      InputTransformer: {
        InputPathsMap: { mfa: '$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated' },
        InputTemplate: '{"mfa": <mfa>}',
      },
    });
    const model = buildModel([stack({ ...dest(), ...role('events:InvokeApiDestination'), ...ruleWith(t) })]);
    const withMfa = {
      ...EVENT,
      detail: {
        ...EVENT.detail,
        userIdentity: { sessionContext: { attributes: { mfaAuthenticated: 'true' } } },
      },
    };
    const first = replayEvent(model, withMfa);
    expect(hopProblems(model, first)).toEqual([]);
    expect(JSON.parse(first.deliveries[0]?.input ?? '')).toEqual({ mfa: 'true' });
    const later = replayEvent(model, EVENT);
    expect(later.deliveries).toEqual([]);
    expect(hopProblems(model, later)).toEqual([
      expect.stringMatching(/^body: the body of target T0 of rule \S+ is not valid JSON for this event/),
    ]);
  });

  it('does not judge the body of an API destination that declares a non-JSON content type', () => {
    const plain = target('"<ua>"', {
      HttpParameters: { HeaderParameters: { 'Content-Type': 'text/plain' } },
    });
    expect(
      replay({ ...dest(), ...role('events:InvokeApiDestination'), ...ruleWith(plain) }).problems,
    ).toEqual([]);
  });
});

describe('hops: SNS, SQS and Lambda targets with a RoleArn (EventBridge calls them as the role)', () => {
  const deliveryRole = (actions: string[], resource: unknown = { Ref: 'Topic' }) => ({
    DeliveryRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: doc({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
        }),
      },
    },
    DeliveryRolePolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'p',
        Roles: [{ Ref: 'DeliveryRole' }],
        PolicyDocument: doc(
          { Effect: 'Allow', Action: actions.filter((a) => !a.startsWith('kms:')), Resource: resource },
          ...(actions.some((a) => a.startsWith('kms:'))
            ? [
                {
                  Effect: 'Allow',
                  Action: actions.filter((a) => a.startsWith('kms:')),
                  Resource: { 'Fn::GetAtt': ['Key', 'Arn'] },
                },
              ]
            : []),
        ),
      },
    },
  });
  const asRole = { ...SNS, RoleArn: { 'Fn::GetAtt': ['DeliveryRole', 'Arn'] } };
  // The key names the account (delegating to IAM) and nothing for EventBridge; no topic policy at all.
  const keyForAccount = topicResources({ keyStatement: rootStatement, topicPolicy: null });

  it('reaches a person when the role may publish and use the key the account delegates to IAM', () => {
    const { result, problems } = replay({
      ...keyForAccount,
      ...deliveryRole(['sns:Publish', 'kms:GenerateDataKey*', 'kms:Decrypt']),
      ...ruleWith(asRole),
    });
    expect(problems).toEqual([]);
    expect(result.deliveries.map((d) => d.humanFacing)).toEqual([true]);
  });

  it('fails when the role may not publish, or may not use the key', () => {
    expect(
      replay({
        ...keyForAccount,
        ...deliveryRole(['sns:Subscribe', 'kms:Decrypt', 'kms:GenerateDataKey*']),
        ...ruleWith(asRole),
      }).problems,
    ).toEqual([expect.stringMatching(/^target role: target role \S+ is not allowed sns:Publish/)]);
    expect(
      replay({ ...keyForAccount, ...deliveryRole(['sns:Publish']), ...ruleWith(asRole) }).problems,
    ).toEqual([
      expect.stringMatching(
        /^key policy: key \S+ leaves kms:GenerateDataKey to IAM, and the policies of role \S+ do not allow it/,
      ),
    ]);
  });

  it('fails when the topic policy denies the role', () => {
    const deny = doc({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sns:Publish',
      Resource: { Ref: 'Topic' },
    });
    expect(
      replay({
        ...topicResources({ keyStatement: rootStatement, topicPolicy: deny }),
        ...deliveryRole(['sns:Publish', 'kms:GenerateDataKey*', 'kms:Decrypt']),
        ...ruleWith(asRole),
      }).problems,
    ).toEqual([
      expect.stringMatching(
        /^topic policy: the resource policy of \S+ does not let role \S+ sns:Publish \(ExplicitDeny\)/,
      ),
    ]);
  });
});

describe('hops: dead-letter queues', () => {
  const withDlq = (dlqArn: unknown, resources: Json) => ({
    ...topicResources(),
    ...resources,
    ...ruleWith({ ...SNS, DeadLetterConfig: { Arn: dlqArn } }),
  });
  const dlq = { 'Fn::GetAtt': ['Dlq', 'Arn'] };

  it('accepts a standard queue in the rule Region whose policy lets this rule send', () => {
    expect(replay(withDlq(dlq, { ...queue('Dlq'), ...queuePolicy('Dlq') })).problems).toEqual([]);
  });

  const cases: { name: string; resources: Json; arn?: string; message: RegExp }[] = [
    {
      name: 'fails a dead-letter queue without a queue policy (the alert still goes out)',
      resources: queue('Dlq'),
      message: /has no queue policy/,
    },
    {
      name: 'fails a dead-letter queue whose policy names another rule',
      resources: { ...queue('Dlq'), ...queuePolicy('Dlq', `arn:aws:events:${REGION}:${ACCOUNT}:rule/other`) },
      message: /does not let events\.amazonaws\.com sqs:SendMessage for rule/,
    },
    {
      name: 'fails a FIFO dead-letter queue',
      resources: { ...queue('Dlq', { FifoQueue: true }), ...queuePolicy('Dlq') },
      message: /is a FIFO queue/,
    },
    {
      name: 'fails a dead-letter queue in another Region',
      resources: {},
      arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`,
      message: /is in us-east-1, the rule in eu-west-1/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { result, problems } = replay(withDlq(c.arn ?? dlq, c.resources));
      expect(result.deliveries.map((d) => d.humanFacing)).toEqual([true]);
      expect(problems).toEqual([expect.stringMatching(/^dead-letter queue: target T0 of rule /)]);
      expect(problems[0]).toMatch(c.message);
    });
  }
});

describe('hops: CloudWatch alarms on the alert path', () => {
  const bus = { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'central' } } };
  const alarm = (dims: { Name: string; Value: unknown }[], extra: Json = {}) => ({
    Alarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/Events',
        MetricName: 'FailedInvocations',
        Dimensions: dims,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'Topic' }],
        ...extra,
      },
    },
  });
  /** Problems of the alarms watching the template's only rule. */
  function alarmsOf(resources: Json): string[] {
    const model: SystemModel = buildModel([stack(resources)]);
    const rule = [...model.buses.values()].flatMap((b) => b.rules)[0];
    return alarmProblems(model, [rule?.arn ?? ''], replayEvent).map((p) => `${p.hop}: ${p.message}`);
  }
  const customBusRule = ruleWith(SNS, { EventBusName: { Ref: 'Bus' } });

  it('fails an alarm on a custom-bus rule keyed by RuleName = Ref of the rule (bus|rule): that metric is never published', () => {
    const problems = alarmsOf({
      ...topicResources(),
      ...bus,
      ...customBusRule,
      ...alarm([{ Name: 'RuleName', Value: { Ref: 'Rule' } }]),
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^alarm: alarm \S+ watches AWS\/Events FailedInvocations with RuleName=central\|\S+, which is never published: .* carry EventBusName=central, RuleName=/,
      ),
    ]);
  });

  it('accepts an alarm on a custom-bus rule with EventBusName and RuleName (the rule name)', () => {
    const name = { 'Fn::Select': [1, { 'Fn::Split': ['|', { Ref: 'Rule' }] }] };
    const dims = [
      { Name: 'EventBusName', Value: { Ref: 'Bus' } },
      { Name: 'RuleName', Value: name },
    ];
    expect(alarmsOf({ ...topicResources(), ...bus, ...customBusRule, ...alarm(dims) })).toEqual([]);
  });

  it('accepts an alarm on a default-bus rule with RuleName only, and fails one with an extra EventBusName', () => {
    const base = { ...topicResources(), ...ruleWith(SNS) };
    expect(alarmsOf({ ...base, ...alarm([{ Name: 'RuleName', Value: { Ref: 'Rule' } }]) })).toEqual([]);
    expect(
      alarmsOf({
        ...base,
        ...alarm([
          { Name: 'RuleName', Value: { Ref: 'Rule' } },
          { Name: 'EventBusName', Value: 'default' },
        ]),
      }),
    ).toEqual([
      expect.stringMatching(
        /^alarm: .*never published: the metrics of rule \S+ on the default bus carry RuleName=/,
      ),
    ]);
  });

  it('checks a dead-letter queue alarm: QueueName is the queue name, not its URL', () => {
    const base = {
      ...topicResources(),
      ...queue('Dlq'),
      ...queuePolicy('Dlq'),
      ...ruleWith({ ...SNS, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } }),
    };
    const sqsAlarm = (value: unknown) =>
      alarm([{ Name: 'QueueName', Value: value }], {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
      });
    expect(alarmsOf({ ...base, ...sqsAlarm({ 'Fn::GetAtt': ['Dlq', 'QueueName'] }) })).toEqual([]);
    expect(alarmsOf({ ...base, ...sqsAlarm({ Ref: 'Dlq' }) })).toEqual([
      expect.stringMatching(
        /^alarm: alarm \S+ watches AWS\/SQS ApproximateNumberOfMessagesVisible with QueueName=https:\/\/sqs\.\S+, which is never published/,
      ),
    ]);
  });

  it('accepts an alarm action to an encrypted topic whose key lets CloudWatch under aws:SourceAccount (supported for CloudWatch)', () => {
    const key = allow('cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'], '*', {
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
    });
    expect(
      alarmsOf({
        ...topicResources({ keyStatement: key }),
        ...ruleWith(SNS),
        ...alarm([{ Name: 'RuleName', Value: { Ref: 'Rule' } }]),
      }),
    ).toEqual([]);
  });

  it('fails an alarm whose topic key does not let CloudWatch use it, or whose topic policy leaves CloudWatch out', () => {
    const eventsOnly = allow('events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'], '*');
    const dims = [{ Name: 'RuleName', Value: { Ref: 'Rule' } }];
    expect(
      alarmsOf({ ...topicResources({ keyStatement: eventsOnly }), ...ruleWith(SNS), ...alarm(dims) }),
    ).toEqual([
      expect.stringMatching(
        /^alarm: alarm \S+ tells nobody: key policy: key \S+ does not let cloudwatch\.amazonaws\.com kms:GenerateDataKey/,
      ),
    ]);
    const noCloudWatch = doc(allow('events.amazonaws.com', 'sns:Publish', { Ref: 'Topic' }));
    expect(
      alarmsOf({ ...topicResources({ topicPolicy: noCloudWatch }), ...ruleWith(SNS), ...alarm(dims) }),
    ).toEqual([
      expect.stringMatching(
        /^alarm: alarm \S+ tells nobody: topic policy: .*does not let cloudwatch\.amazonaws\.com sns:Publish/,
      ),
    ]);
  });

  it('fails an alarm with no action whose state change no rule delivers, and accepts one a rule forwards to a person', () => {
    const dims = [{ Name: 'RuleName', Value: { Ref: 'Rule' } }];
    const silent = alarm(dims, { AlarmActions: [] });
    expect(alarmsOf({ ...topicResources(), ...ruleWith(SNS), ...silent })).toEqual([
      expect.stringMatching(
        /^alarm: alarm \S+ tells nobody: it has no alarm action, and no rule delivers its state change to a person/,
      ),
    ]);
    const alarmRule = {
      AlarmRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: {
            source: ['aws.cloudwatch'],
            'detail-type': ['CloudWatch Alarm State Change'],
            resources: [{ 'Fn::GetAtt': ['Alarm', 'Arn'] }],
          },
          Targets: [{ Id: 'A', Arn: { Ref: 'Topic' } }],
        },
      },
    };
    const policy = doc(
      allow(
        'events.amazonaws.com',
        'sns:Publish',
        { Ref: 'Topic' },
        { ArnEquals: { 'aws:SourceArn': [ruleArn, { 'Fn::GetAtt': ['AlarmRule', 'Arn'] }] } },
      ),
    );
    expect(
      alarmsOf({ ...topicResources({ topicPolicy: policy }), ...ruleWith(SNS), ...silent, ...alarmRule }),
    ).toEqual([]);
  });
});

describe('simulate names the broken hop of each replayed event', () => {
  it('reports the hop for an event whose alert reaches nobody, and none for one that reaches a person', () => {
    const broken = buildModel([stack({ ...topicResources({ subs: [] }), ...ruleWith(SNS) })]);
    const working = buildModel([stack({ ...topicResources(), ...ruleWith(SNS) })]);
    const input = [{ file: 'test', position: 1, event: EVENT }];
    const [b] = simulateEvents(broken, input);
    expect(b?.alerted).toBe(false);
    expect(b?.problems).toEqual([expect.stringMatching(/^subscriptions: topic \S+ has no subscription/)]);
    const [w] = simulateEvents(working, input);
    expect([w?.alerted, w?.problems]).toEqual([true, []]);
  });
});
