import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import {
  BreakGlassDeployer,
  type BreakGlassDeployerProps,
  MANAGE_ROLE_ACTIONS,
} from '../../src/constructs/deployer.js';
import { BreakGlassAlertChannels } from '../../src/constructs/channels.js';
import { ALL_REGIONS } from '../../src/engines/regions.js';
import { ACCOUNT, REGION, flatten } from './role-helpers.js';

function deployerStack(props: Partial<BreakGlassDeployerProps>, context: Record<string, string> = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
  const breakGlassRole = iam.Role.fromRoleName(stack, 'BG', 'BreakGlass');
  const d = new BreakGlassDeployer(stack, 'Deployer', {
    deployer: 'bg-deployer',
    deployerPrincipals: [PERSON, CI],
    breakGlassRole,
    ...props,
  });
  return { stack, d, template: Template.fromStack(stack) };
}

const PERSON = `arn:aws:iam::${ACCOUNT}:user/alice`;
const CI = `arn:aws:iam::${ACCOUNT}:role/ci/github-deploy`;

type TrustDoc = {
  Statement: {
    Sid: string;
    Effect: string;
    Action: string[];
    Principal: unknown;
    Condition: Record<string, Record<string, unknown>>;
  }[];
};
function trustOf(template: Template): TrustDoc {
  const [r] = Object.values(template.findResources('AWS::IAM::Role')) as {
    Properties: { AssumeRolePolicyDocument: unknown };
  }[];
  return flatten(r?.Properties.AssumeRolePolicyDocument) as TrustDoc;
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

  it('trusts only the listed principals: people with MFA, CI roles exactly, in the watched Regions only', () => {
    const trust = trustOf(deployerStack({ regions: [REGION] }).template);
    expect(trust.Statement).toEqual([
      {
        Sid: 'PeopleWithMfa',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': [PERSON] },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        },
      },
      {
        Sid: 'AutomationRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Condition: { ArnEquals: { 'aws:PrincipalArn': [CI] } },
      },
      {
        Sid: 'OnlyWatchedRegions',
        Effect: 'Deny',
        Action: 'sts:AssumeRole',
        Principal: { AWS: '*' },
        Condition: { StringNotEquals: { 'aws:RequestedRegion': [REGION, 'us-east-1'] } },
      },
    ]);
  });

  it('trusts principals of other accounts through their own account root', () => {
    const other = 'arn:aws:iam::444455556666:role/ci';
    const trust = trustOf(deployerStack({ regions: [REGION], deployerPrincipals: [other] }).template);
    expect(trust.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::444455556666:root' });
  });

  it('drops the Region lock with lockRegions: false', () => {
    const trust = trustOf(deployerStack({ regions: [REGION], lockRegions: false }).template);
    expect(trust.Statement.map((s) => s.Sid)).toEqual(['PeopleWithMfa', 'AutomationRoles']);
  });

  it('never trusts the account root without a principal condition', () => {
    const trust = trustOf(deployerStack({ regions: [REGION] }).template);
    for (const st of trust.Statement.filter((x) => x.Effect === 'Allow'))
      expect(st.Condition['ArnEquals']?.['aws:PrincipalArn']).toBeDefined();
  });

  it('trusts an existing user like a listed person (MFA) and generates the role name', () => {
    const { template } = deployerStack({ regions: [REGION], deployerExists: 'user', deployerPrincipals: [] });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: Match.absent() });
    const trust = trustOf(template);
    expect(trust.Statement[0]).toMatchObject({
      Sid: 'PeopleWithMfa',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:user/bg-deployer`] },
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      },
    });
  });

  it('trusts an existing role as automation', () => {
    const trust = trustOf(
      deployerStack({ regions: [REGION], deployerExists: 'role', deployerPrincipals: [] }).template,
    );
    expect(trust.Statement[0]).toMatchObject({
      Sid: 'AutomationRoles',
      Condition: { ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/bg-deployer`] } },
    });
  });

  it('tags the role as the deployer', () => {
    deployerStack({ regions: [REGION] }).template.hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([{ Key: 'breakglass:deployer', Value: 'true' }]),
    });
  });

  it('rejects an empty principal list, naming the field and the fix', () => {
    expect(() => deployerStack({ deployerPrincipals: [] })).toThrow(
      /deployerPrincipals: empty: nobody could assume the deployer; list the IAM users \(people, MFA required\) and CI roles/,
    );
    expect(() => deployerStack({ deployerPrincipals: undefined })).toThrow(/deployerPrincipals: empty/);
  });

  it('rejects a wildcard, a non-IAM ARN and a duplicate principal', () => {
    expect(() => deployerStack({ deployerPrincipals: [`arn:aws:iam::${ACCOUNT}:role/*`] })).toThrow(
      /deployerPrincipals\[0\]: not an IAM user or role ARN.*no wildcards \(got "arn:aws:iam::111122223333:role\/\*"\)/,
    );
    expect(() => deployerStack({ deployerPrincipals: [`arn:aws:iam::${ACCOUNT}:root`] })).toThrow(
      /deployerPrincipals\[0\]: not an IAM user or role ARN/,
    );
    expect(() =>
      deployerStack({
        deployerPrincipals: [
          PERSON,
          PERSON.toUpperCase().replace('ARN:AWS:IAM', 'arn:aws:iam').replace(':USER/', ':user/'),
        ],
      }),
    ).toThrow(/deployerPrincipals\[1\]: duplicate/);
  });

  it('rejects an unknown deploymentAccessAlerts mode', () => {
    expect(() => deployerStack({ deploymentAccessAlerts: 'sms' as never })).toThrow(
      /deploymentAccessAlerts: must be one of 'log', 'notify', 'page' \(got "sms"\)/,
    );
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

describe('BreakGlassDeployer deployment-access rules', () => {
  function withChannels(mode?: 'log' | 'notify' | 'page') {
    const app = new App();
    const stack = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
    const channels = new BreakGlassAlertChannels(stack, 'Channels', {
      loginAlertEmails: ['sec@example.com'],
      regions: [REGION],
    });
    const d = new BreakGlassDeployer(stack, 'Deployer', {
      deployer: 'bg-deployer',
      deployerPrincipals: [PERSON],
      regions: [REGION],
      channels,
      ...(mode ? { deploymentAccessAlerts: mode } : {}),
    });
    return { d, template: Template.fromStack(stack) };
  }
  const targetsOf = (template: Template, logicalIdPart: string) =>
    Object.entries(template.findResources('AWS::Events::Rule'))
      .filter(([id]) => id.includes(logicalIdPart))
      .map(
        ([, r]) =>
          (r as { Properties: { Targets: { Arn: unknown; InputTransformer?: { InputTemplate: string } }[] } })
            .Properties.Targets,
      );

  it("notify (default): successes to the log group and the alert topic headed 'Deployment access'; failures logged and summarised", () => {
    const { d, template } = withChannels();
    expect(d.deploymentAccessRules).toHaveLength(2);
    expect(d.deploymentAccessLogGroup).toBeDefined();
    const [ok] = targetsOf(template, 'DeploymentAccessOk');
    expect(ok).toHaveLength(2);
    expect(ok?.find((t) => t.InputTransformer)?.InputTransformer?.InputTemplate).toMatch(
      /^"Deployment access \(not the break-glass role\)/,
    );
    const [failed] = targetsOf(template, 'DeploymentAccessFailed');
    expect(failed).toHaveLength(1);
    expect(failed?.[0]?.InputTransformer).toBeUndefined();
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [Match.objectLike({ MetricName: 'DeploymentAccessFailed' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeploymentAccessFailed',
      Namespace: 'BreakGlass',
      Statistic: 'Sum',
      Period: 300,
      AlarmActions: [Match.anyValue()],
    });
  });

  it('log: only the log group, no person, no summary alarm', () => {
    const { template } = withChannels('log');
    for (const targets of targetsOf(template, 'DeploymentAccess')) {
      expect(targets).toHaveLength(1);
      expect(targets[0]?.InputTransformer).toBeUndefined();
    }
    expect(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: 'DeploymentAccessFailed' },
      }),
    ).toEqual({});
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  it('page: successes to every alert channel, like the glass; failures summarised', () => {
    const { template } = withChannels('page');
    const [ok] = targetsOf(template, 'DeploymentAccessOk');
    expect(ok?.some((t) => t.InputTransformer?.InputTemplate.includes('AssumeRole into the deployer'))).toBe(
      true,
    );
    expect(targetsOf(template, 'DeploymentAccessFailed')[0]).toHaveLength(1);
  });

  it('matches the deployer in any letter case and every Region’s CDK deploy role by prefix', () => {
    const { template } = withChannels();
    const [ok] = Object.entries(template.findResources('AWS::Events::Rule')).filter(([id]) =>
      id.includes('DeploymentAccessOk'),
    );
    const pattern = flatten(
      (ok?.[1] as { Properties: { EventPattern: unknown } }).Properties.EventPattern,
    ) as {
      detail: { requestParameters: { roleArn: unknown[] } };
    };
    expect(pattern.detail.requestParameters.roleArn).toEqual([
      // the deployer role's own ARN (a literal in the other Regions' stacks: it has a physical name)
      { 'equals-ignore-case': { 'Fn::GetAtt': [expect.stringMatching(/^Deployer/), 'Arn'] } },
      {
        prefix: {
          'equals-ignore-case': `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-`,
        },
      },
    ]);
  });
});

describe('BreakGlassDeployer from the config file', () => {
  it('rejects a deployer without deployerPrincipals as a one-line error at the config field', async () => {
    const { buildApp, parseConfig } = await import('../../src/config/index.js');
    const config = parseConfig(
      {
        account: ACCOUNT,
        region: REGION,
        role: { usernames: ['alice'], regions: [REGION], deployer: 'bg-deployer' },
      },
      'bg.yaml',
    );
    expect(() => buildApp(config, { source: 'bg.yaml' })).toThrow(
      /^bg\.yaml: role\.deployerPrincipals: empty: nobody could assume the deployer; list the IAM users \(people, MFA required\) and CI roles that deploy, e\.g\. \[/,
    );
  });
});
