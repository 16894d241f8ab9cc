/**
 * Differential test: the deployer's synthesized trust policy evaluated by an independent IAM engine
 * (@cloud-copilot/iam-simulate, dev dependency only). The caller's own identity policy allows
 * `sts:*`, so the trust policy alone decides.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreakGlassDeployer } from '../../src/constructs/deployer.js';
import { ACCOUNT, REGION, flatten } from './role-helpers.js';

const DEPLOYER_ARN = `arn:aws:iam::${ACCOUNT}:role/bg-deployer`;
const PERSON = `arn:aws:iam::${ACCOUNT}:user/alice`;
const CI_ROLE = `arn:aws:iam::${ACCOUNT}:role/ci/github-deploy`;

type Policy = { Statement: Record<string, unknown>[] };
let trust: Policy;

beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
  new BreakGlassDeployer(stack, 'Deployer', {
    deployer: 'bg-deployer',
    deployerPrincipals: [PERSON, CI_ROLE],
    regions: [REGION],
  });
  const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as {
    Properties: { AssumeRolePolicyDocument: unknown };
  }[];
  trust = flatten(role?.Properties.AssumeRolePolicyDocument) as Policy;
});

interface Caller {
  principal: string;
  principalArn: string;
  userid: string;
  username?: string;
}
const user = (name: string): Caller => ({
  principal: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  principalArn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  userid: `AIDAEXAMPLE${name.toUpperCase()}`,
  username: name,
});
const session = (roleArn: string, name: string): Caller => ({
  principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleArn.split('/').pop()}/${name}`,
  principalArn: roleArn,
  userid: `AROAEXAMPLE:${name}`,
});

async function decide(
  caller: Caller,
  opts: { mfa?: 'true' | 'false'; region?: string } = {},
): Promise<'Allowed' | 'Denied'> {
  const ctx: Record<string, string> = {
    'aws:PrincipalArn': caller.principalArn,
    'aws:PrincipalAccount': ACCOUNT,
    'aws:userid': caller.userid,
    'aws:RequestedRegion': opts.region ?? REGION,
  };
  if (caller.username) ctx['aws:username'] = caller.username;
  if (opts.mfa !== undefined) ctx['aws:MultiFactorAuthPresent'] = opts.mfa;
  const result = await runSimulation(
    {
      request: {
        principal: caller.principal,
        action: 'sts:AssumeRole',
        resource: { resource: DEPLOYER_ARN, accountId: ACCOUNT },
        contextVariables: ctx,
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

describe('deployer trust policy (iam-simulate)', () => {
  it('denies an unlisted principal, with or without MFA', async () => {
    expect(await decide(user('mallory'), { mfa: 'true' })).toBe('Denied');
    expect(await decide(session(`arn:aws:iam::${ACCOUNT}:role/PowerUser`, 'x'), { mfa: 'true' })).toBe(
      'Denied',
    );
    // same name without the path, and a longer name
    expect(await decide(session(`arn:aws:iam::${ACCOUNT}:role/github-deploy`, 'x'))).toBe('Denied');
    expect(await decide(session(`arn:aws:iam::${ACCOUNT}:role/ci/github-deploy2`, 'x'))).toBe('Denied');
  });

  it('denies a listed person without MFA (MFA false, or long-term keys without the key)', async () => {
    expect(await decide(user('alice'), { mfa: 'false' })).toBe('Denied');
    expect(await decide(user('alice'))).toBe('Denied');
  });

  it('allows a listed person with MFA', async () => {
    expect(await decide(user('alice'), { mfa: 'true' })).toBe('Allowed');
  });

  it('allows a listed CI role session (no MFA possible)', async () => {
    expect(await decide(session(CI_ROLE, 'run-42'), { mfa: 'false' })).toBe('Allowed');
    expect(await decide(session(CI_ROLE, 'run-42'))).toBe('Allowed');
  });

  it('denies listed principals outside the watched Regions (main Region and us-east-1 here)', async () => {
    expect(await decide(session(CI_ROLE, 'run-42'), { region: 'us-east-1' })).toBe('Allowed');
    expect(await decide(session(CI_ROLE, 'run-42'), { region: 'ap-south-1' })).toBe('Denied');
    expect(await decide(user('alice'), { mfa: 'true', region: 'sa-east-1' })).toBe('Denied');
  });
});
