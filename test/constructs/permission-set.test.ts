/**
 * BreakGlassPermissionSet: the AWS::SSO::PermissionSet and one AWS::SSO::Assignment per account,
 * validated eagerly, cdk-nag clean, and accepted by CloudFormation's own validator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  BreakGlassPermissionSet,
  type BreakGlassPermissionSetProps,
} from '../../src/constructs/permission-set.js';
import { permissionSetWatch } from '../../src/constructs/private/permission-set-watch.js';
import { validateTemplates } from '../../src/simulator/cfn-validate.js';
import { tempDir } from '../temp.js';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const GROUP = '90670a4c1d-1234abcd-5678-90ef-1234-567890abcdef';
const BASE: BreakGlassPermissionSetProps = {
  permissionSetName: 'devops-break-glass',
  instanceArn: INSTANCE,
  groupId: GROUP,
  accounts: ['333333333333', '444444444444'],
};

function stackWith(props: Partial<BreakGlassPermissionSetProps> = {}): {
  stack: Stack;
  ps: BreakGlassPermissionSet;
} {
  const app = new App();
  const stack = new Stack(app, 'Org', { env: { account: '111111111111', region: 'eu-west-1' } });
  const ps = new BreakGlassPermissionSet(stack, 'PermissionSet', { ...BASE, ...props });
  return { stack, ps };
}

describe('BreakGlassPermissionSet', () => {
  it('creates the permission set with a one-hour session and AdministratorAccess by default', () => {
    const t = Template.fromStack(stackWith().stack);
    t.resourceCountIs('AWS::SSO::PermissionSet', 1);
    t.hasResourceProperties('AWS::SSO::PermissionSet', {
      Name: 'devops-break-glass',
      InstanceArn: INSTANCE,
      SessionDuration: 'PT1H',
      Description: Match.stringLikeRegexp('^Break-glass'),
      ManagedPolicies: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] },
      ],
      InlinePolicy: Match.absent(),
      RelayStateType: Match.absent(),
    });
  });

  it('assigns the group in every account, one assignment each, to the permission set', () => {
    const { stack, ps } = stackWith();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SSO::Assignment', 2);
    for (const account of BASE.accounts) {
      t.hasResourceProperties('AWS::SSO::Assignment', {
        InstanceArn: INSTANCE,
        PermissionSetArn: { 'Fn::GetAtt': [stack.getLogicalId(ps.resource), 'PermissionSetArn'] },
        PrincipalType: 'GROUP',
        PrincipalId: GROUP,
        TargetType: 'AWS_ACCOUNT',
        TargetId: account,
      });
    }
    // Logical ids by account: removing one account leaves the other assignment untouched.
    expect(Object.keys(t.findResources('AWS::SSO::Assignment')).join(' ')).toMatch(
      /Assignment333333333333.*Assignment444444444444/,
    );
  });

  it('passes the session length, policies, inline policy and relay state through', () => {
    const inline = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
    });
    const t = Template.fromStack(
      stackWith({
        sessionDuration: Duration.minutes(90),
        managedPolicies: ['job-function/ViewOnlyAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
        inlinePolicy: inline,
        relayState: 'https://console.aws.amazon.com/cloudtrail/home',
        description: 'Emergency access',
      }).stack,
    );
    t.hasResourceProperties('AWS::SSO::PermissionSet', {
      SessionDuration: 'PT1H30M',
      Description: 'Emergency access',
      RelayStateType: 'https://console.aws.amazon.com/cloudtrail/home',
      ManagedPolicies: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/job-function/ViewOnlyAccess'],
          ],
        },
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ],
      InlinePolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      },
    });
  });

  it('gives the watch rules of its roles', () => {
    const { ps } = stackWith();
    expect(ps.roleNamePrefix).toBe('AWSReservedSSO_devops-break-glass_');
    expect(ps.watches()).toEqual(permissionSetWatch('devops-break-glass'));
  });

  it.each<[string, Partial<BreakGlassPermissionSetProps>, RegExp]>([
    ['a name with a slash', { permissionSetName: 'ops/glass' }, /permissionSetName: 'ops\/glass' is not/],
    ['a 33-character name', { permissionSetName: 'a'.repeat(33) }, /permissionSetName: .*1-32/],
    [
      'an instance id instead of its ARN',
      { instanceArn: 'ssoins-1234567890abcdef' },
      /instanceArn: 'ssoins-/,
    ],
    ['a group name instead of its id', { groupId: 'BreakGlassPeople' }, /groupId: 'BreakGlassPeople'/],
    ['no accounts', { accounts: [] }, /accounts: empty/],
    ['a short account id', { accounts: ['33333333333'] }, /accounts: '33333333333' is not a 12-digit/],
    ['an account listed twice', { accounts: ['333333333333', '333333333333'] }, /listed twice/],
    [
      'a 13-hour session',
      { sessionDuration: Duration.hours(13) },
      /sessionDuration: 13 hours .*1 to 12 hours/,
    ],
    ['a 30-minute session', { sessionDuration: Duration.minutes(30) }, /sessionDuration: 30 minutes/],
    [
      'a customer managed policy ARN',
      { managedPolicies: ['arn:aws:iam::333333333333:policy/Mine'] },
      /managedPolicies: 'arn:aws:iam::333333333333:policy\/Mine' is not an AWS managed policy/,
    ],
    [
      'a description Identity Center refuses',
      { description: 'Notfall → Zugang' },
      /description: must be 1-700/,
    ],
    ['a relay state with a space in a URL', { relayState: 'x'.repeat(241) }, /relayState: /],
  ])('rejects %s, naming the prop and the construct', (_what, props, message) => {
    expect(() => stackWith(props)).toThrow(message);
    expect(() => stackWith(props)).toThrow(/^Org\/PermissionSet: /);
  });

  it('is cdk-nag clean (AwsSolutions): no finding, nothing acknowledged', () => {
    const synth = (extra?: (stack: Stack) => void) => {
      const outdir = tempDir('bgps-nag-');
      const app = new App({ outdir });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      const stack = new Stack(app, 'Org', { env: { account: '111111111111', region: 'eu-west-1' } });
      new BreakGlassPermissionSet(stack, 'PermissionSet', BASE);
      extra?.(stack);
      app.synth();
      return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { violations: unknown[] }[];
      };
    };
    expect(synth().pluginReports.flatMap((p) => p.violations)).toEqual([]);
    // Control: the same harness reports a finding next to the permission set.
    expect(() =>
      synth((stack) => {
        new iam.Role(stack, 'Admin', {
          assumedBy: new iam.AccountRootPrincipal(),
          managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
        });
      }),
    ).toThrow(/AwsSolutions-IAM4/);
  });

  it("passes CloudFormation's own validator with no error and no warning", () => {
    const { stack } = stackWith({
      sessionDuration: Duration.hours(12),
      relayState: 'https://console.aws.amazon.com/',
    });
    const findings = validateTemplates([
      { name: 'Org', body: Template.fromStack(stack).toJSON(), account: '111111111111', region: 'eu-west-1' },
    ]);
    expect(findings).toEqual([]);
  });

  it('fails the validator control: an assignment without its account is reported', () => {
    const { stack } = stackWith();
    const body = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    for (const r of Object.values(body.Resources))
      if (r.Type === 'AWS::SSO::Assignment') delete r.Properties['TargetId'];
    const findings = validateTemplates([{ name: 'Org', body, account: '111111111111', region: 'eu-west-1' }]);
    expect(findings.some((f) => f.severity === 'error')).toBe(true);
  });
});
