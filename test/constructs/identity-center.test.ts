/**
 * Identity Center people: the trust policy accepts sessions of exactly the named permission set's roles
 * (`AWSReservedSSO_<set>_<16-character suffix>` under `/aws-reserved/sso.amazonaws.com/`, with or
 * without a Region segment), evaluated by an independent IAM engine (@cloud-copilot/iam-simulate).
 * Role name and ARN forms: https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it, vi } from 'vitest';
import { ssoRoleArnPattern } from '../../src/constructs/private/trust-policy.js';
import { instantiatePattern } from '../../src/simulator/persons.js';
import { ACCOUNT, roleStack, trustPolicyOf } from './role-helpers.js';

vi.mock('../../src/constructs/monitoring.js', () => import('./role-monitoring-stub.js'));

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
const SSO = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com`;
const SUFFIX = '0123456789abcdef';
type Policy = { Statement: Record<string, unknown>[] };

/** An AssumeRole by session `carol@example.com` of the role `roleArn`, decided by iam-simulate. */
async function decide(
  trust: Policy,
  roleArn: string,
  session = 'carol@example.com',
): Promise<'Allowed' | 'Denied'> {
  const roleName = roleArn.split('/').pop() as string;
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${session}`,
        action: 'sts:AssumeRole',
        resource: { resource: ROLE_ARN, accountId: ACCOUNT },
        contextVariables: {
          'aws:PrincipalArn': roleArn,
          'aws:PrincipalAccount': ACCOUNT,
          'aws:userid': `AROAEXAMPLEROLEID:${session}`,
          'aws:RequestedRegion': 'eu-west-1',
          'aws:MultiFactorAuthPresent': 'false',
        },
      },
      identityPolicies: [
        {
          name: 'caller',
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] },
        },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: { Version: '2012-10-17', ...trust },
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
}

const trust = trustPolicyOf(
  roleStack({
    federatedUsernames: ['carol@example.com'],
    federatedPermissionSets: ['BreakGlassAccess'],
    regions: ['eu-west-1'],
  }).stack,
);

/** The trust policy as it was with the unanchored `…/sso.amazonaws.com/*AWSReservedSSO_<set>_*` pattern. */
const loose: Policy = JSON.parse(
  JSON.stringify(trust).replace(
    /"arn:aws:iam::\d+:role\/aws-reserved\/sso\.amazonaws\.com[^"]*"/,
    `"${SSO}/*AWSReservedSSO_BreakGlassAccess_*"`,
  ),
) as Policy;

describe('Identity Center role patterns', () => {
  it('anchors both ends of the role name; the Region segment is optional', () => {
    expect(ssoRoleArnPattern('aws', ACCOUNT, 'BreakGlassAccess')).toBe(
      `${SSO}*/AWSReservedSSO_BreakGlassAccess_????????????????`,
    );
    expect(JSON.stringify(trust)).toContain(
      'sso.amazonaws.com*/AWSReservedSSO_BreakGlassAccess_????????????????',
    );
    expect(JSON.stringify(trust)).not.toContain('/*AWSReservedSSO_');
  });

  const allowed: [string, string][] = [
    ['the real role, Region segment', `${SSO}/eu-west-1/AWSReservedSSO_BreakGlassAccess_${SUFFIX}`],
    [
      'the real role, another Identity Center Region',
      `${SSO}/us-east-1/AWSReservedSSO_BreakGlassAccess_${SUFFIX}`,
    ],
    [
      'the real role, no Region segment (older instances)',
      `${SSO}/AWSReservedSSO_BreakGlassAccess_${SUFFIX}`,
    ],
  ];
  it.each(allowed)('allows %s', async (_name, arn) => {
    expect(await decide(trust, arn)).toBe('Allowed');
  });

  const denied: [string, string][] = [
    [
      'a permission set named Ops-AWSReservedSSO_BreakGlassAccess',
      `${SSO}/eu-west-1/AWSReservedSSO_Ops-AWSReservedSSO_BreakGlassAccess_${SUFFIX}`,
    ],
    [
      'a permission set named BreakGlassAccess_Evil',
      `${SSO}/eu-west-1/AWSReservedSSO_BreakGlassAccess_Evil_${SUFFIX}`,
    ],
    [
      'a permission set named BreakGlassAccess_<16 characters>',
      `${SSO}/eu-west-1/AWSReservedSSO_BreakGlassAccess_${SUFFIX}_fedcba9876543210`,
    ],
    ['a suffix one character short', `${SSO}/eu-west-1/AWSReservedSSO_BreakGlassAccess_${SUFFIX.slice(1)}`],
    ['a suffix one character long', `${SSO}/eu-west-1/AWSReservedSSO_BreakGlassAccess_${SUFFIX}0`],
    [
      'a look-alike role outside /aws-reserved/',
      `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_BreakGlassAccess_${SUFFIX}`,
    ],
    [
      'another account’s role',
      `arn:aws:iam::999988887777:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_BreakGlassAccess_${SUFFIX}`,
    ],
  ];
  it.each(denied)('rejects %s', async (_name, arn) => {
    expect(await decide(trust, arn)).toBe('Denied');
  });

  it('rejects another person of the right permission set (session name)', async () => {
    expect(await decide(trust, allowed[0]![1], 'mallory@example.com')).toBe('Denied');
  });

  it('the unanchored pattern it replaces let the look-alike permission sets in (so the cases above can fail)', async () => {
    expect(JSON.stringify(loose)).toContain('/*AWSReservedSSO_BreakGlassAccess_*');
    expect(await decide(loose, denied[0]![1])).toBe('Allowed');
    expect(await decide(loose, denied[1]![1])).toBe('Allowed');
  });

  it('verify’s Identity Center person comes from a role the pattern accepts', async () => {
    const arn = instantiatePattern(ssoRoleArnPattern('aws', ACCOUNT, 'BreakGlassAccess'), 'eu-west-1');
    expect(arn).toBe(`${SSO}/eu-west-1/AWSReservedSSO_BreakGlassAccess_${SUFFIX}`);
    expect(await decide(trust, arn)).toBe('Allowed');
  });
});
