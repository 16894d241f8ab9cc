import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import {
  BreakGlassDeployer,
  type BreakGlassDeployerProps,
  MANAGE_ROLE_ACTIONS,
} from '../../src/constructs/deployer.js';
import { ALL_REGIONS } from '../../src/engines/regions.js';
import { ACCOUNT, REGION, flatten } from './role-helpers.js';

function deployerStack(props: Partial<BreakGlassDeployerProps>, context: Record<string, string> = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
  const breakGlassRole = iam.Role.fromRoleName(stack, 'BG', 'BreakGlass');
  const d = new BreakGlassDeployer(stack, 'Deployer', { deployer: 'bg-deployer', breakGlassRole, ...props });
  return { stack, d, template: Template.fromStack(stack) };
}

type PolicyDoc = { Statement: { Sid: string; Action: string[]; Resource: string | string[] }[] };
function policyOf(template: Template): PolicyDoc {
  const [p] = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { PolicyDocument: unknown };
  }[];
  return flatten(p?.Properties.PolicyDocument) as PolicyDoc;
}

describe('BreakGlassDeployer', () => {
  it('creates only a role allowed to assume the CDK bootstrap roles of each region (no leftovers)', () => {
    const { template } = deployerStack({ regions: ['eu-west-1', 'us-east-1'] });
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.resourceCountIs('AWS::IAM::User', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'bg-deployer',
      ManagedPolicyArns: Match.absent(),
    });
    const doc = policyOf(template);
    expect(doc.Statement).toEqual([
      {
        Sid: 'AssumeCdkBootstrapRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: [
          `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-*-role-${ACCOUNT}-eu-west-1`,
          `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-*-role-${ACCOUNT}-us-east-1`,
        ],
      },
    ]);
  });

  it("covers every region with regions ['*'] (default)", () => {
    const doc = policyOf(deployerStack({}).template);
    expect(doc.Statement[0]?.Resource).toHaveLength(ALL_REGIONS.length);
  });

  it('manages the break-glass role only with canManageBreakGlassRole, and only that role', () => {
    const doc = policyOf(deployerStack({ regions: [REGION], canManageBreakGlassRole: true }).template);
    const manage = doc.Statement.find((s) => s.Sid === 'ManageBreakGlassRole');
    expect(manage?.Resource).toBe(`arn:aws:iam::${ACCOUNT}:role/BreakGlass`);
    expect(manage?.Action).toEqual(MANAGE_ROLE_ACTIONS);
    expect(MANAGE_ROLE_ACTIONS.every((a) => !a.includes('*'))).toBe(true);
  });

  it('trusts an existing user by ARN and generates the role name', () => {
    const { template } = deployerStack({ regions: [REGION], deployerExists: 'user' });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.absent(),
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: {
              AWS: {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:user/bg-deployer`]],
              },
            },
          }),
        ],
      },
    });
  });

  it('trusts an existing role by ARN', () => {
    const { template } = deployerStack({ regions: [REGION], deployerExists: 'role' });
    const [role] = Object.values(template.findResources('AWS::IAM::Role')) as { Properties: unknown }[];
    expect(JSON.stringify(flatten(role?.Properties))).toContain(`:iam::${ACCOUNT}:role/bg-deployer`);
  });

  it('reads the bootstrap qualifier from context', () => {
    const doc = policyOf(
      deployerStack({ regions: [REGION] }, { '@aws-cdk/core:bootstrapQualifier': 'custom1' }).template,
    );
    expect(doc.Statement[0]?.Resource).toEqual(
      `arn:aws:iam::${ACCOUNT}:role/cdk-custom1-*-role-${ACCOUNT}-${REGION}`,
    );
  });

  it('rejects a bad qualifier', () => {
    expect(() => deployerStack({ qualifier: 'way-too-long-qualifier' })).toThrow(
      /qualifier: .*\(got "way-too-long-qualifier"\)/,
    );
  });

  it('rejects a bad deployer name', () => {
    expect(() => deployerStack({ deployer: 'my deployer' })).toThrow(
      /deployer: not a valid IAM role name.*\(got "my deployer"\)/,
    );
  });

  it('rejects canManageBreakGlassRole without a role', () => {
    expect(() => deployerStack({ breakGlassRole: undefined, canManageBreakGlassRole: true })).toThrow(
      /breakGlassRole: canManageBreakGlassRole is true/,
    );
  });

  it('rejects an unknown region', () => {
    expect(() => deployerStack({ regions: ['mars-north-1'] })).toThrow(
      /regions\[0\]: unknown Region "mars-north-1"/,
    );
  });
});
