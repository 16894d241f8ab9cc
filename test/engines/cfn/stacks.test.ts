import { describe, expect, it } from 'vitest';
import {
  deterministicPhysicalName,
  isUnresolved,
  resolveStacks,
  type StackContext,
} from '../../../src/engines/cfn/index.js';

const ctx = (stackName: string, region = 'us-east-1', account = '111122223333'): StackContext => ({
  stackName,
  account,
  region,
});

const producer = {
  Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts' } } },
  Outputs: { TopicArn: { Value: { Ref: 'Topic' }, Export: { Name: 'Producer:TopicArn' } } },
};
const consumer = {
  Resources: {
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: { Name: 'r', Targets: [{ Id: 't', Arn: { 'Fn::ImportValue': 'Producer:TopicArn' } }] },
    },
  },
  Outputs: { RuleArn: { Value: { 'Fn::GetAtt': ['Rule', 'Arn'] }, Export: { Name: 'Consumer:RuleArn' } } },
};

describe('resolveStacks', () => {
  it('resolves Fn::ImportValue from another stack whatever the input order', () => {
    const [c, p] = resolveStacks([
      { template: consumer, context: ctx('Consumer') },
      { template: producer, context: ctx('Producer') },
    ]);
    const targets = c?.resources.get('Rule')?.properties['Targets'];
    expect(targets).toEqual([{ Id: 't', Arn: 'arn:aws:sns:us-east-1:111122223333:alerts' }]);
    expect(c?.unresolved).toEqual([]);
    expect(p?.exports.get('Producer:TopicArn')).toBe('arn:aws:sns:us-east-1:111122223333:alerts');
  });

  it('follows a chain of three stacks', () => {
    const third = {
      Resources: {
        P: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Name: '/x', Type: 'String', Value: { 'Fn::ImportValue': 'Consumer:RuleArn' } },
        },
      },
    };
    const [t] = resolveStacks([
      { template: third, context: ctx('Third') },
      { template: consumer, context: ctx('Consumer') },
      { template: producer, context: ctx('Producer') },
    ]);
    expect(t?.resources.get('P')?.properties['Value']).toBe('arn:aws:events:us-east-1:111122223333:rule/r');
  });

  it('does not see exports of another Region or account', () => {
    const [c] = resolveStacks([
      { template: consumer, context: ctx('Consumer', 'eu-west-1') },
      { template: producer, context: ctx('Producer', 'us-east-1') },
    ]);
    const arn = (c?.resources.get('Rule')?.properties['Targets'] as { Arn: unknown }[])[0]?.Arn;
    expect(isUnresolved(arn)).toBe(true);
    const [c2] = resolveStacks([
      { template: consumer, context: ctx('Consumer', 'us-east-1', '444455556666') },
      { template: producer, context: ctx('Producer') },
    ]);
    expect(c2?.unresolved.map((u) => u.reason)).toEqual([
      'Fn::ImportValue "Producer:TopicArn": no stack given exports it',
    ]);
  });

  it('marks imports between stacks that import from each other as circular instead of crashing', () => {
    const a = {
      Resources: {
        T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::ImportValue': 'B:Name' } } },
      },
      Outputs: { N: { Value: { 'Fn::GetAtt': ['T', 'TopicName'] }, Export: { Name: 'A:Name' } } },
    };
    const b = {
      Resources: {
        T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::ImportValue': 'A:Name' } } },
      },
      Outputs: { N: { Value: { 'Fn::GetAtt': ['T', 'TopicName'] }, Export: { Name: 'B:Name' } } },
    };
    const [ra, rb] = resolveStacks([
      { template: a, context: ctx('A') },
      { template: b, context: ctx('B') },
    ]);
    const all = [...(ra?.unresolved ?? []), ...(rb?.unresolved ?? [])].map((u) => u.reason);
    expect(all.some((r) => r.startsWith('circular Fn::ImportValue "B:Name" between stacks A, B'))).toBe(true);
    expect(isUnresolved(ra?.resources.get('T')?.ref)).toBe(true);
    expect(isUnresolved(rb?.resources.get('T')?.ref)).toBe(true);
  });

  it('uses imports given in the context alongside the other stacks', () => {
    const [c] = resolveStacks([
      {
        template: consumer,
        context: {
          ...ctx('Consumer'),
          imports: new Map([['Producer:TopicArn', 'arn:aws:sns:us-east-1:111122223333:x']]),
        },
      },
    ]);
    expect((c?.resources.get('Rule')?.properties['Targets'] as { Arn: unknown }[])[0]?.Arn).toBe(
      'arn:aws:sns:us-east-1:111122223333:x',
    );
  });
});

describe('deterministicPhysicalName', () => {
  it('has the CloudFormation shape <stack>-<logicalId>-<13 upper-case alphanumerics>', () => {
    expect(deterministicPhysicalName('BreakGlass', 'Role')).toMatch(/^BreakGlass-Role-[0-9A-Z]{13}$/);
  });

  it('is stable for the same input and differs for different inputs', () => {
    const a = deterministicPhysicalName('BreakGlass', 'Role');
    expect(deterministicPhysicalName('BreakGlass', 'Role')).toBe(a);
    expect(deterministicPhysicalName('BreakGlass', 'Role2')).not.toBe(a);
    expect(deterministicPhysicalName('BreakGlass2', 'Role').slice(-13)).not.toBe(a.slice(-13));
    const suffixes = new Set(
      Array.from({ length: 500 }, (_, i) => deterministicPhysicalName('S', `Resource${i}`).slice(-13)),
    );
    expect(suffixes.size).toBe(500);
  });

  it('truncates long stack names and logical ids to the limit, keeping the suffix', () => {
    const n = deterministicPhysicalName('A'.repeat(100), `L${'x'.repeat(100)}`, 64);
    expect(n).toHaveLength(64);
    expect(n).toMatch(/^A+-Lx+-[0-9A-Z]{13}$/);
    expect(deterministicPhysicalName('Stack', 'Id', 10)).toHaveLength(10);
  });
});
