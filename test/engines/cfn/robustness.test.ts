// "Never a crash": whatever a template contains, resolveTemplate returns (with Unresolved placeholders)
// or throws TemplateError — never a TypeError or a stack overflow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateError, resolveStacks, resolveTemplate } from '../../../src/engines/cfn/index.js';

const ids = ['A', 'B', 'C', 'P', 'AWS::Region', 'AWS::NoValue', 'AWS::AccountId'];
const types = [
  'AWS::IAM::Role',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::Events::Rule',
  'Custom::X',
  'AWS::Foo::Bar',
];

const leaf = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('x', '', 'a,b', '${A}', '${B.Arn}', '${!Lit}', '{{resolve:ssm:/p}}', 1, true),
  },
  { weight: 2, arbitrary: fc.constantFrom(...ids).map((id) => ({ Ref: id })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('A', 'B', 'C'), fc.constantFrom('Arn', 'Name', 'TopicName', 'Nope'))
      .map(([i, a]) => ({ 'Fn::GetAtt': [i, a] })),
  },
  // Rare malformed leaves: a Ref to nothing, a null.
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ Ref: 'Missing' }, null) },
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc
      .tuple(fc.constantFrom(',', ''), fc.array(tie('value'), { maxLength: 3 }))
      .map((a) => ({ 'Fn::Join': a })),
    tie('value').map((v) => ({ 'Fn::Sub': v })),
    fc.tuple(tie('value'), tie('value')).map((a) => ({ 'Fn::Select': a })),
    fc.tuple(fc.constant(','), tie('value')).map((a) => ({ 'Fn::Split': a })),
    fc.tuple(fc.constantFrom('C1', 'C2'), tie('value'), tie('value')).map((a) => ({ 'Fn::If': a })),
    tie('value').map((v) => ({ 'Fn::ImportValue': v })),
    tie('value').map((v) => ({ 'Fn::Base64': v })),
    tie('value').map((v) => ({ 'Fn::Length': v })),
    tie('value').map((v) => ({ 'Fn::ToJsonString': v })),
    fc.tuple(tie('value'), tie('value')).map((a) => ({ 'Fn::Equals': a })),
    fc.dictionary(
      fc.constantFrom('Name', 'TopicName', 'QueueName', 'RoleName', 'Targets', 'K'),
      tie('value'),
      {
        maxKeys: 3,
      },
    ),
  ),
}));

const resource = fc.record({
  Type: fc.constantFrom(...types),
  Properties: fc.dictionary(
    fc.constantFrom('Name', 'TopicName', 'QueueName', 'RoleName', 'EventBusName', 'Targets'),
    value,
    { maxKeys: 2 },
  ),
});
const simple = fc.constantFrom<unknown>(
  'p',
  'x',
  { Ref: 'P' },
  { Ref: 'AWS::Region' },
  { 'Fn::Sub': '${P}' },
);
const c2 = fc.tuple(simple, simple).map((a) => ({ 'Fn::Equals': a }));
const c1 = fc.oneof(c2, fc.constant({ 'Fn::Not': [{ Condition: 'C2' }] }));

const template = fc
  .record({
    resources: fc.tuple(resource, resource, resource),
    conditions: fc.tuple(c1, c2),
    output: value,
  })
  .map(({ resources, conditions, output }) => ({
    Parameters: { P: { Type: 'String', Default: 'p' } },
    Conditions: { C1: conditions[0], C2: conditions[1] },
    Resources: { A: resources[0], B: resources[1], C: resources[2] },
    Outputs: { O: { Value: output, Export: { Name: 'E' } } },
  }));

describe('resolveTemplate robustness', () => {
  it('returns or throws TemplateError for 1500 random templates, never anything else', () => {
    let resolved = 0;
    let rejected = 0;
    fc.assert(
      fc.property(template, (t) => {
        try {
          resolveTemplate(t, { stackName: 'S', account: '111122223333', region: 'us-east-1' });
          resolved++;
        } catch (e) {
          if (!(e instanceof TemplateError)) throw e;
          expect(e.message).toMatch(/^[^\n]+$/);
          rejected++;
        }
      }),
      { seed: 5, numRuns: 1500 },
    );
    // Both paths must be exercised for the property to mean anything.
    expect(resolved).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('resolves stacks that import their own export without looping', () => {
    const t = {
      Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::ImportValue': 'Self' } } } },
      Outputs: { O: { Value: { 'Fn::GetAtt': ['T', 'TopicName'] }, Export: { Name: 'Self' } } },
    };
    const [r] = resolveStacks([
      { template: t, context: { stackName: 'S', account: '111122223333', region: 'us-east-1' } },
    ]);
    expect(r?.unresolved.map((u) => u.reason)).toEqual(['Fn::ImportValue "Self": no stack given exports it']);
  });
});
