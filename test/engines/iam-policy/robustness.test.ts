// Whatever a policy document contains, the evaluator returns a decision or throws PolicyError —
// never a TypeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PolicyError,
  evaluatePolicyStatements,
  evaluateTrustPolicy,
} from '../../../src/engines/iam-policy/index.js';

const scalar = fc.oneof(
  fc.constantFrom<unknown>(
    '*',
    'sts:AssumeRole',
    'Allow',
    'Deny',
    '111122223333',
    '${aws:username}',
    '',
    'a*b?',
    1,
    true,
    null,
  ),
  fc.string({ maxLength: 6 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom('AWS', 'Service', 'Federated', 'aws:username', 'aws:TagKeys', 'x'),
      tie('v'),
      { maxKeys: 2 },
    ),
  ),
})).v;
const condition = fc.dictionary(
  fc.constantFrom(
    'StringEquals',
    'ForAllValues:StringLike',
    'Null',
    'IpAddress',
    'DateLessThan',
    'ArnLike',
    'BoolIfExists',
    'Bogus',
  ),
  fc.dictionary(
    fc.constantFrom('aws:username', 'aws:TagKeys', 'aws:SourceIp', 'aws:CurrentTime', 'aws:PrincipalArn'),
    value,
    { maxKeys: 2 },
  ),
  { maxKeys: 2 },
);
const statement = fc.record(
  {
    Effect: fc.constantFrom<unknown>('Allow', 'Deny', 'allow'),
    Principal: fc.oneof(fc.constant<unknown>('*'), value),
    Action: fc.oneof(fc.constantFrom<unknown>('sts:*', ['sts:AssumeRole', 'sts:TagSession']), value),
    Condition: fc.oneof(condition, value),
  },
  { requiredKeys: [] },
);
const policy = fc.oneof(
  fc.record(
    {
      Version: fc.constantFrom<unknown>('2012-10-17', '2008-10-17', 3),
      Statement: fc.oneof(statement, fc.array(statement, { maxLength: 3 })),
    },
    { requiredKeys: ['Statement'] },
  ),
  value,
);
const context = fc.dictionary(
  fc.constantFrom('aws:username', 'aws:TagKeys', 'aws:SourceIp', 'aws:CurrentTime', 'aws:PrincipalArn'),
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
    fc.boolean(),
    fc.integer(),
  ),
);

describe('policy evaluation robustness', () => {
  it('returns a decision or throws PolicyError for 1500 random documents', () => {
    let decided = 0;
    let rejected = 0;
    fc.assert(
      fc.property(policy, context, (p, ctx) => {
        for (const run of [
          () => evaluatePolicyStatements(p, { action: 'sts:AssumeRole', resource: '*', context: ctx }),
          () =>
            evaluateTrustPolicy(p, {
              action: 'sts:AssumeRole',
              principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/a' },
              roleArn: 'arn:aws:iam::111122223333:role/R',
              context: ctx,
              sessionTags: { Reason: 'r' },
            }).decision,
        ]) {
          try {
            expect(['Allow', 'ExplicitDeny', 'ImplicitDeny']).toContain(run());
            decided++;
          } catch (e) {
            if (!(e instanceof PolicyError)) throw e;
            rejected++;
          }
        }
      }),
      { seed: 11, numRuns: 1500 },
    );
    expect(decided).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});
