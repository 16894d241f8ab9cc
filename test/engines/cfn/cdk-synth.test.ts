// Resolves real CDK-synthesized templates: every ARN/Ref a rule target points at must come out as a
// concrete string, and the resolved role trust policy must evaluate like the deployed one would.
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isUnresolved,
  resolveStacks,
  unresolvedIn,
  type ResolvedTemplate,
  type StackContext,
} from '../../../src/engines/cfn/index.js';
import { evaluateTrustPolicy } from '../../../src/engines/iam-policy/index.js';

const ACCOUNT = '111122223333';
interface Synthesized {
  readonly template: unknown;
  readonly context: StackContext;
}
let stacks: Synthesized[];
let central: ResolvedTemplate;
let edge: ResolvedTemplate;

function synth(): Synthesized[] {
  const app = new App();
  const c = new Stack(app, 'Central', {
    env: { account: ACCOUNT, region: 'us-east-1' },
    crossRegionReferences: true,
  });
  const bus = new events.EventBus(c, 'Bus', { eventBusName: 'breakglass-central' });
  const e = new Stack(app, 'Edge', {
    env: { account: ACCOUNT, region: 'eu-west-1' },
    crossRegionReferences: true,
  });
  const role = new iam.Role(e, 'BreakGlassRole', {
    assumedBy: new iam.AccountRootPrincipal().withConditions({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    }),
    path: '/breakglass/',
  });
  const localBus = new events.EventBus(e, 'LocalBus');
  const rule = new events.Rule(e, 'AssumeRule', {
    eventBus: localBus,
    eventPattern: { source: ['aws.sts'], detail: { requestParameters: { roleArn: [role.roleArn] } } },
  });
  rule.addTarget(new targets.EventBus(bus));
  rule.addTarget(new targets.SnsTopic(new sns.Topic(e, 'Topic')));
  rule.addTarget(new targets.SqsQueue(new sqs.Queue(e, 'Queue')));
  rule.addTarget(new targets.CloudWatchLogGroup(new logs.LogGroup(e, 'Logs')));
  const assembly = app.synth();
  return [c, e].map((s) => ({
    template: assembly.getStackByName(s.stackName).template as unknown,
    context: { stackName: s.stackName, account: ACCOUNT, region: s.region },
  }));
}

beforeAll(() => {
  stacks = synth();
  [central, edge] = resolveStacks(stacks) as [ResolvedTemplate, ResolvedTemplate];
}, 180_000);

function only(r: ResolvedTemplate, type: string) {
  const list = [...r.resources.values()].filter((x) => x.type === type);
  expect(list).toHaveLength(1);
  return list[0] as NonNullable<(typeof list)[0]>;
}

describe('resolving CDK-synthesized stacks', () => {
  it('resolves every rule target Arn and RoleArn to a concrete ARN string', () => {
    const rule = only(edge, 'AWS::Events::Rule');
    const ruleTargets = rule.properties['Targets'] as Record<string, unknown>[];
    expect(ruleTargets).toHaveLength(4);
    for (const t of ruleTargets) {
      expect(unresolvedIn(t)).toEqual([]);
      expect(t['Arn']).toMatch(/^arn:aws:[a-z]+:[a-z0-9-]*:\d{12}:/);
      if (t['RoleArn'] !== undefined) expect(t['RoleArn']).toMatch(/^arn:aws:iam::111122223333:role\//);
    }
    const arns = ruleTargets.map((t) => t['Arn']);
    expect(arns).toContain('arn:aws:events:us-east-1:111122223333:event-bus/breakglass-central');
    expect(arns).toContain(only(edge, 'AWS::SNS::Topic').ref);
    expect(arns).toContain(only(edge, 'AWS::SQS::Queue').attributes['Arn']);
    expect(arns).toContain(only(edge, 'AWS::Logs::LogGroup').arn);
  });

  it('gives the rule the ARN of a rule on its custom bus, and Ref bus|name', () => {
    const rule = only(edge, 'AWS::Events::Rule');
    const bus = only(edge, 'AWS::Events::EventBus');
    // EventBus Name is required in CloudFormation, so CDK generates one.
    expect(bus.physicalName).toBe(bus.properties['Name']);
    expect(rule.physicalName).toMatch(/^Edge-AssumeRule[A-Z0-9]+-[A-Z0-9]{13}$/);
    expect(rule.arn).toBe(
      `arn:aws:events:eu-west-1:111122223333:rule/${bus.physicalName}/${rule.physicalName}`,
    );
    expect(rule.ref).toBe(`${bus.physicalName}|${rule.physicalName}`);
  });

  it('resolves the event pattern that embeds the role ARN', () => {
    const rule = only(edge, 'AWS::Events::Rule');
    const role = [...edge.resources.values()].find((r) => r.logicalId.startsWith('BreakGlassRole'));
    expect(role?.arn).toMatch(/^arn:aws:iam::111122223333:role\/breakglass\/Edge-BreakGlassRole/);
    expect(rule.properties['EventPattern']).toEqual({
      source: ['aws.sts'],
      detail: { requestParameters: { roleArn: [role?.arn] } },
    });
  });

  it('follows the cross-Region reference through the writer and reader custom resources', () => {
    const writer = only(central, 'Custom::CrossRegionExportWriter');
    const exportsWritten = (writer.properties['WriterProps'] as { exports: Record<string, unknown> }).exports;
    expect(Object.values(exportsWritten)).toEqual([
      'arn:aws:events:us-east-1:111122223333:event-bus/breakglass-central',
    ]);
    expect(edge.importsUsed).toEqual(Object.keys(exportsWritten));
  });

  it('resolves the trust policy, which then evaluates with the IAM engine', () => {
    const role = [...edge.resources.values()].find((r) => r.logicalId.startsWith('BreakGlassRole'));
    const policy = role?.properties['AssumeRolePolicyDocument'];
    expect(unresolvedIn(policy)).toEqual([]);
    const ask = (mfa: boolean) =>
      evaluateTrustPolicy(policy, {
        action: 'sts:AssumeRole',
        principal: { type: 'AWS', id: `arn:aws:iam::${ACCOUNT}:user/alice` },
        roleArn: role?.arn as string,
        context: { 'aws:MultiFactorAuthPresent': mfa },
      }).decision;
    expect(ask(true)).toBe('Allow');
    expect(ask(false)).toBe('ImplicitDeny');
  });

  it('only leaves deploy-time values unresolved (custom resources, SSM bootstrap version)', () => {
    for (const r of [central, edge]) {
      for (const u of r.unresolved) expect(u.reason).toMatch(/custom resource|deploy time|SSM/);
      expect(isUnresolved(r.parameters['BootstrapVersion'])).toBe(true);
    }
  });

  it('is deterministic: resolving again yields the same ARNs', () => {
    const again = resolveStacks(stacks);
    const arnsOf = (r: ResolvedTemplate) => [...r.resources.values()].map((x) => [x.logicalId, x.arn, x.ref]);
    expect(arnsOf(again[1] as ResolvedTemplate)).toEqual(arnsOf(edge));
    expect(arnsOf(again[0] as ResolvedTemplate)).toEqual(arnsOf(central));
  });
});
