import { describe, expect, it } from 'vitest';
import { Unresolved } from '../../src/engines/cfn/index.js';
import {
  differences,
  expectedValue,
  normalise,
  physicalSubstitutions,
} from '../../src/cli/doctor/compare.js';
import { bootstrapRequirement, policyLength, secretTarget } from '../../src/cli/doctor/inventory.js';
import { ruleAddress } from '../../src/cli/doctor/drift.js';

describe('doctor compare', () => {
  it('equates a policy with its JSON text, statement order, single values and account-id principals', () => {
    const template = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sns:Publish', Resource: 'arn:t' },
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['sns:Publish'],
          Resource: ['arn:t'],
          Condition: { ArnEquals: { 'aws:SourceArn': 'arn:r' } },
        },
      ],
    };
    const deployed = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Condition: { ArnEquals: { 'aws:SourceArn': ['arn:r'] } },
          Resource: 'arn:t',
          Action: 'sns:Publish',
          Principal: { Service: ['events.amazonaws.com'] },
          Effect: 'Allow',
        },
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: ['sns:Publish'],
          Resource: ['arn:t'],
        },
      ],
    });
    expect(differences(template, deployed)).toEqual([]);
  });

  it('reports an added statement, a changed action and a missing key with their paths', () => {
    const template = { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] };
    expect(
      differences(template, {
        Statement: [
          { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
          { Effect: 'Allow', Action: 'sns:Unsubscribe', Resource: '*' },
        ],
      }),
    ).toEqual([expect.stringMatching(/^Statement: unexpected .*sns:Unsubscribe/)]);
    expect(
      differences({ State: 'ENABLED', EventPattern: { source: ['aws.sts'] } }, { State: 'ENABLED' }),
    ).toEqual(['EventPattern: expected an object, found nothing']);
    expect(differences({ a: 1 }, { a: '1' })).toEqual([]);
    expect(differences({ a: 1 }, { a: 2 })).toEqual(['a: expected 1, found 2']);
  });

  it('lets a value only known after deployment match anything', () => {
    const u = new Unresolved('custom resource attribute', 'Resources.X');
    expect(differences({ Arn: u, Id: 'T0' }, { Arn: 'arn:aws:sns:eu-west-1:1:real', Id: 'T0' })).toEqual([]);
    expect(differences({ Targets: [u] }, { Targets: [{ Id: 'x' }] })).toEqual([]);
    expect(differences({ Targets: [u] }, { Targets: [] })).toEqual(['Targets: expected 1 entries, found 0']);
  });

  it('event pattern values compare as sets', () => {
    expect(
      differences(
        { source: ['aws.sts', 'aws.signin'] },
        JSON.stringify({ source: ['aws.signin', 'aws.sts'] }),
      ),
    ).toEqual([]);
    expect(normalise('{"b":1,"a":[2,1]}')).toEqual({ a: [1, 2], b: 1 });
  });

  it('maps stand-in names to the deployed ids, longest first, the name inside ARNs and URLs too', () => {
    const subs = physicalSubstitutions(
      [
        {
          logicalId: 'Topic',
          type: 'AWS::SNS::Topic',
          properties: {},
          ref: 'arn:aws:sns:eu-west-1:1:S-Topic-ABCDEFGH',
          attributes: {},
          physicalName: 'S-Topic-ABCDEFGH',
        },
        {
          logicalId: 'Queue',
          type: 'AWS::SQS::Queue',
          properties: {},
          ref: 'https://sqs.eu-west-1.amazonaws.com/1/S-Queue-12345678',
          attributes: {},
          physicalName: 'S-Queue-12345678',
        },
      ],
      [
        {
          logicalId: 'Topic',
          physicalId: 'arn:aws:sns:eu-west-1:1:S-Topic-REAL',
          type: 'AWS::SNS::Topic',
          status: 'CREATE_COMPLETE',
        },
        {
          logicalId: 'Queue',
          physicalId: 'https://sqs.eu-west-1.amazonaws.com/1/S-Queue-REAL',
          type: 'AWS::SQS::Queue',
          status: 'CREATE_COMPLETE',
        },
      ],
    );
    expect(
      expectedValue(
        { Arn: 'arn:aws:sns:eu-west-1:1:S-Topic-ABCDEFGH', Dlq: 'arn:aws:sqs:eu-west-1:1:S-Queue-12345678' },
        subs,
      ),
    ).toEqual({
      Arn: 'arn:aws:sns:eu-west-1:1:S-Topic-REAL',
      Dlq: 'arn:aws:sqs:eu-west-1:1:S-Queue-REAL',
    });
  });
});

describe('doctor inventory helpers', () => {
  it("reads the bootstrap parameter and the lowest accepted version from CDK's rule", () => {
    const template = {
      Parameters: {
        BootstrapVersion: {
          Type: 'AWS::SSM::Parameter::Value<String>',
          Default: '/cdk-bootstrap/custom1/version',
        },
      },
      Rules: {
        CheckBootstrapVersion: {
          Assertions: [
            {
              Assert: {
                'Fn::Not': [{ 'Fn::Contains': [['1', '2', '3', '4', '5'], { Ref: 'BootstrapVersion' }] }],
              },
            },
          ],
        },
      },
    };
    expect(bootstrapRequirement(template)).toEqual({
      parameter: '/cdk-bootstrap/custom1/version',
      minVersion: 6,
    });
    expect(bootstrapRequirement({ Resources: {} })).toBeUndefined();
  });

  it('looks a partial secret ARN up by name in its Region, a complete one as is', () => {
    expect(
      secretTarget(
        'arn:aws:secretsmanager:us-east-1:111122223333:secret:team/token',
        '111122223333',
        'eu-west-1',
      ),
    ).toEqual({ account: '111122223333', region: 'us-east-1', id: 'team/token' });
    const full = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:team/token-AbC123';
    expect(secretTarget(full, '111122223333', 'eu-west-1').id).toBe(full);
    expect(secretTarget('team/token', '111122223333', 'eu-west-1')).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
      id: 'team/token',
    });
  });

  it('counts a trust policy without whitespace', () => {
    expect(policyLength('{ "Version" : "2012-10-17" }')).toBe('{"Version":"2012-10-17"}'.length);
  });

  it('splits a custom-bus rule id into bus and name', () => {
    expect(ruleAddress('central|Rule-1')).toEqual({ bus: 'central', name: 'Rule-1' });
    expect(ruleAddress('Rule-1')).toEqual({ name: 'Rule-1' });
  });
});

describe('doctor read-only guard', () => {
  it('refuses to send a command that is not one of the read calls', async () => {
    const { assertReadCall, readCall } = await import('../../src/cli/aws/read-only.js');
    const { PublishCommand, GetTopicAttributesCommand } = await import('@aws-sdk/client-sns');
    expect(() =>
      assertReadCall(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:111122223333:t', Message: 'x' })),
    ).toThrow('doctor may only read; refused to send PublishCommand');
    expect(() =>
      assertReadCall(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:eu-west-1:111122223333:t' })),
    ).not.toThrow();
    let sent = 0;
    const client = { send: () => Promise.resolve((sent++, {})) };
    await expect(
      readCall(
        client,
        new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:111122223333:t', Message: 'x' }),
      ),
    ).rejects.toThrow(/refused/);
    expect(sent).toBe(0);
  });
});
