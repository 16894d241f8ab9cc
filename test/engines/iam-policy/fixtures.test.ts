import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PolicyError,
  evaluatePolicyStatements,
  evaluateTrustPolicy,
  type AssumeRoleRequest,
  type ContextValue,
  type Decision,
  type PolicyRequest,
} from '../../../src/engines/iam-policy/index.js';

const load = <T>(name: string): T[] =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as T[];

interface ConditionFixture {
  name: string;
  condition: Record<string, unknown>;
  context: Record<string, ContextValue>;
  /** Version of the wrapping policy; null = no Version element. Default 2012-10-17. */
  version?: string | null;
  expected: Decision;
}
interface TrustFixture {
  name: string;
  policy: unknown;
  request: AssumeRoleRequest;
  expected: { decision: Decision; perAction?: Record<string, Decision>; requiresIdentityPolicy?: boolean };
}
interface PolicyFixture {
  name: string;
  policy: unknown;
  request: PolicyRequest;
  expected: Decision;
}
interface ErrorFixture {
  name: string;
  policy: unknown;
  expected: string;
}

describe('condition operators (fixtures/conditions.json)', () => {
  it.each(load<ConditionFixture>('conditions.json').map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const statement = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Condition: f.condition };
    const policy =
      f.version === null
        ? { Statement: [statement] }
        : { Version: f.version ?? '2012-10-17', Statement: [statement] };
    expect(
      evaluatePolicyStatements(policy, { action: 'sts:AssumeRole', resource: '*', context: f.context }),
    ).toBe(f.expected);
  });
});

describe('trust policies (fixtures/trust.json)', () => {
  it.each(load<TrustFixture>('trust.json').map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const r = evaluateTrustPolicy(f.policy, f.request);
    expect(r.decision).toBe(f.expected.decision);
    if (f.expected.perAction) expect(r.perAction).toEqual(f.expected.perAction);
    if (f.expected.requiresIdentityPolicy !== undefined)
      expect(r.requiresIdentityPolicy).toBe(f.expected.requiresIdentityPolicy);
    expect(r.reasons.length).toBe(Object.keys(r.perAction).length);
  });
});

describe('generic policies (fixtures/policies.json)', () => {
  it.each(load<PolicyFixture>('policies.json').map((f) => [f.name, f] as const))('%s', (_name, f) => {
    expect(evaluatePolicyStatements(f.policy, f.request)).toBe(f.expected);
  });
});

describe('malformed policies (fixtures/errors.json)', () => {
  it.each(load<ErrorFixture>('errors.json').map((f) => [f.name, f] as const))('%s', (_name, f) => {
    let caught: unknown;
    try {
      evaluatePolicyStatements(f.policy, { action: 'sts:AssumeRole', resource: '*', context: {} });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    expect((caught as PolicyError).message).toContain(f.expected);
    expect((caught as PolicyError).exitCode).toBe(2);
  });

  it('rejects a trust policy statement without a Principal', () => {
    expect(() =>
      evaluateTrustPolicy(
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] },
        {
          action: 'sts:AssumeRole',
          principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/a' },
          roleArn: 'arn:aws:iam::111122223333:role/R',
          context: {},
        },
      ),
    ).toThrow(/Statement\[0\]: a trust policy statement needs a Principal/);
  });
});

describe('trust-policy-only validation', () => {
  const request: AssumeRoleRequest = {
    action: 'sts:AssumeRole',
    principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/a' },
    roleArn: 'arn:aws:iam::111122223333:role/R',
    context: {},
  };

  it('rejects a trust policy statement with a Resource', () => {
    expect(() =>
      evaluateTrustPolicy(
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }],
        },
        request,
      ),
    ).toThrow('Statement[0]: a trust policy statement cannot have Resource');
  });

  it('rejects a principal the template resolver could not resolve, naming why', () => {
    const unresolved = {
      reason: 'custom resource X returns its physical id at deploy time',
      path: 'Resources.X.Ref',
    };
    expect(() =>
      evaluateTrustPolicy(
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: unresolved }, Action: 'sts:AssumeRole' }],
        },
        request,
      ),
    ).toThrow(
      'Statement[0].Principal.AWS: is a template value unknown offline (custom resource X returns its physical id at deploy time at Resources.X.Ref); the policy cannot be evaluated',
    );
  });
});

describe('evaluateTrustPolicy explanations', () => {
  it('names the failing condition and the request value in the reason', () => {
    const r = evaluateTrustPolicy(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Region',
            Effect: 'Allow',
            Principal: { AWS: '111122223333' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
          },
        ],
      },
      {
        action: 'sts:AssumeRole',
        principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/a' },
        roleArn: 'arn:aws:iam::111122223333:role/R',
        context: { 'aws:RequestedRegion': 'eu-west-1' },
      },
    );
    expect(r.reasons).toEqual([
      'sts:AssumeRole: ImplicitDeny: Statement[0] (Sid "Region"): condition not met: StringEquals aws:RequestedRegion: request value "eu-west-1" does not match "us-east-1"',
    ]);
  });

  it('lists context keys an action does not support', () => {
    const r = evaluateTrustPolicy(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:*' }] },
      {
        action: 'sts:AssumeRole',
        principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/a' },
        roleArn: 'arn:aws:iam::111122223333:role/R',
        context: { 'sts:ExternalId': 'x' },
        sourceIdentity: 'a',
      },
    );
    expect(r.ignoredContextKeys['sts:SetSourceIdentity']).toEqual(['sts:ExternalId']);
    expect(r.ignoredContextKeys['sts:AssumeRole']).toBeUndefined();
  });
});
