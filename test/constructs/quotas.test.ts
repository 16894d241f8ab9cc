/**
 * Quotas that make a deployment fail are reported at synth, as error annotations on the construct
 * (`cdk deploy` refuses an assembly with errors), each with its documented number.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { BreakGlassMonitoring, type BreakGlassMonitoringProps } from '../../src/constructs/monitoring.js';
import {
  checkQuotasAtSynth,
  findQuotaProblems,
  iamPolicyLength,
} from '../../src/constructs/private/quotas.js';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function monitored(
  props: Partial<BreakGlassMonitoringProps> | ((s: Stack) => Partial<BreakGlassMonitoringProps>),
): Stack {
  const app = new App();
  const stack = new Stack(app, 'Main', { env: ENV });
  new BreakGlassMonitoring(stack, 'M', {
    roles: [iam.Role.fromRoleName(stack, 'R', 'BreakGlass')],
    regions: ['eu-west-1'],
    ...(typeof props === 'function' ? props(stack) : props),
  });
  app.synth();
  return stack;
}

function problems(build: (s: Stack) => void): string[] {
  const stack = new Stack(new App(), 'S', { env: ENV });
  build(stack);
  return findQuotaProblems(stack).map((p) => p.message);
}

describe('deploy-time quotas checked at synth', () => {
  it('rejects more alert channels than the 5 targets EventBridge allows per rule', () => {
    expect(() =>
      monitored((stack) => ({
        loginAlertEmails: ['a@example.com'],
        alertTopics: [1, 2, 3, 4, 5].map((i) =>
          sns.Topic.fromTopicArn(stack, `T${i}`, `arn:aws:sns:eu-west-1:111122223333:t${i}`),
        ),
      })),
    ).toThrow(/alertTopics: 6 alert channels .* but EventBridge allows 5 targets per rule/);
  });

  it('stays quiet at 5 targets', () => {
    const stack = monitored((s) => ({
      alertTopics: [1, 2, 3, 4].map((i) =>
        sns.Topic.fromTopicArn(s, `T${i}`, `arn:aws:sns:eu-west-1:111122223333:t${i}`),
      ),
    }));
    Annotations.fromStack(stack).hasNoError('*', Match.stringLikeRegexp('targets'));
  }, 180_000);

  it('reports an alert message whose input template exceeds 8,192 characters', () => {
    const stack = monitored({ message: `<username> ${'x'.repeat(8200)}` });
    Annotations.fromStack(stack).hasError(
      '*',
      Match.stringLikeRegexp('input template is \\d+ characters; EventBridge allows 8192'),
    );
  });

  it('reports an SQS queue policy over 20 statements', () => {
    const found = problems((s) => {
      const q = new sqs.Queue(s, 'Q');
      for (let i = 0; i < 21; i++) {
        q.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: `S${i}`,
            actions: ['sqs:SendMessage'],
            principals: [new iam.ServicePrincipal('events.amazonaws.com')],
            resources: [q.queueArn],
          }),
        );
      }
    });
    expect(found.join('\n')).toMatch(
      /queue policy has 21 statements .*SQS allows 20 statements and 8192 bytes/,
    );
  });

  it('reports an SNS topic policy over 100 statements', () => {
    const found = problems((s) => {
      const t = new sns.Topic(s, 'T');
      for (let i = 0; i < 101; i++) {
        t.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: `S${i}`,
            actions: ['sns:Publish'],
            principals: [new iam.AccountPrincipal(String(100000000000 + i))],
            resources: [t.topicArn],
          }),
        );
      }
    });
    expect(found.join('\n')).toMatch(/topic policy has 101 statements .*SNS allows 100 statements/);
  });

  it('reports a KMS key policy over 32 KB', () => {
    const found = problems((s) => {
      const k = new kms.Key(s, 'K');
      for (let i = 0; i < 400; i++) {
        k.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: `Statement${i}`,
            actions: ['kms:Decrypt'],
            principals: [new iam.AccountPrincipal(String(100000000000 + i))],
            resources: ['*'],
          }),
        );
      }
    });
    expect(found.join('\n')).toMatch(/key policy is about \d+ bytes; KMS allows 32768/);
  });

  it('reports more than 500 resources in a stack', () => {
    const found = problems((s) => {
      for (let i = 0; i < 501; i++) new sqs.Queue(s, `Q${i}`);
    });
    expect(found.join('\n')).toMatch(/has 501 resources; CloudFormation allows 500 per stack/);
  });

  it('turns findings into error annotations once per stack', () => {
    const app = new App();
    const s = new Stack(app, 'S', { env: ENV });
    const q = new sqs.Queue(s, 'Q');
    for (let i = 0; i < 21; i++) {
      q.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `S${i}`,
          actions: ['sqs:SendMessage'],
          principals: [new iam.AnyPrincipal()],
          resources: [q.queueArn],
        }),
      );
    }
    checkQuotasAtSynth(s);
    checkQuotasAtSynth(s);
    app.synth();
    const errors = Annotations.fromStack(s).findError(
      '*',
      Match.stringLikeRegexp('SQS allows 20 statements'),
    );
    expect(errors).toHaveLength(1);
  });

  it('counts a policy as IAM does: whitespace excluded', () => {
    expect(iamPolicyLength({ a: 'x y', b: [1, 2] })).toBe('{"a":"xy","b":[1,2]}'.length);
  });
});
