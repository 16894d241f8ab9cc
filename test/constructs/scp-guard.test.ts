/**
 * BreakGlassScpGuard: the synthesized AWS::Organizations::Policy, and its document evaluated AS A
 * SERVICE CONTROL POLICY by an independent engine (@cloud-copilot/iam-simulate, dev dependency only):
 * the caller's identity policy allows everything, FullAWSAccess is attached next to the guard, so the
 * guard alone decides.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { validateTemplates } from '../../src/simulator/cfn-validate.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  BreakGlassScpGuard,
  SCP_GUARD_TAG,
  SCP_SIZE_QUOTA,
  type BreakGlassScpGuardProps,
} from '../../src/constructs/scp-guard.js';

const MGMT = '999999999999';
const MEMBER = '111122223333';
const OU = 'ou-ab12-cdef3456';

function guard(props: Partial<BreakGlassScpGuardProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Guard', { env: { account: MGMT, region: 'us-east-1' } });
  const g = new BreakGlassScpGuard(stack, 'ScpGuard', {
    targetIds: [OU],
    deployerRoleName: 'breakglass-deployer',
    roleNames: ['BreakGlass'],
    ...props,
  });
  return { stack, g };
}

const role = (name: string) => `arn:aws:iam::${MEMBER}:role/${name}`;

async function decide(
  doc: unknown,
  callerRole: string,
  action: string,
  resource: string,
  tags: Record<string, string> = {},
): Promise<'Allowed' | 'Denied'> {
  const ctx: Record<string, string> = {
    'aws:PrincipalArn': callerRole,
    'aws:PrincipalAccount': MEMBER,
  };
  for (const [k, v] of Object.entries(tags)) ctx[`aws:ResourceTag/${k}`] = v;
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${MEMBER}:assumed-role/${callerRole.split('/').pop()}/s`,
        action,
        resource: { resource, accountId: MEMBER },
        contextVariables: ctx,
      },
      identityPolicies: [
        {
          name: 'admin',
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      ],
      serviceControlPolicies: [
        {
          orgIdentifier: OU,
          policies: [
            {
              name: 'FullAWSAccess',
              policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
            },
            { name: 'guard', policy: doc },
          ],
        },
      ],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
}

const RULE = `arn:aws:events:eu-west-1:${MEMBER}:rule/BreakGlass-Forward`;
const STACK = `arn:aws:cloudformation:eu-west-1:${MEMBER}:stack/BreakGlass-eu-central-1/0a1b2c3d`;
const TAGGED = { [SCP_GUARD_TAG]: 'true' };

describe('BreakGlassScpGuard', () => {
  it('creates one SERVICE_CONTROL_POLICY attached to the targets, with the document as a JSON object', () => {
    const { stack, g } = guard();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Organizations::Policy', 1);
    t.hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: [OU],
      Content: Match.objectLike({ Version: '2012-10-17' }),
      Name: Match.stringLikeRegexp('.+'),
    });
    expect(g.document.Statement.map((s) => s['Sid'])).toEqual([
      'BreakGlassStacks',
      'BreakGlassResources',
      'BreakGlassRoles',
    ]);
    expect(g.document.Statement.every((s) => s['Effect'] === 'Deny')).toBe(true);
  });

  it('stays inside the 5,120-character SCP quota with the bootstrap lock on', () => {
    const { g } = guard({ qualifier: 'bglass', exemptRoleArns: ['arn:aws:iam::*:role/SecurityAdmin'] });
    const size = JSON.stringify(g.document).length;
    expect(size).toBeLessThanOrEqual(SCP_SIZE_QUOTA);
    expect(g.document.Statement.map((s) => s['Sid'])).toContain('BreakGlassBootstrapRoles');
  });

  it('rejects a policy over the quota at synth, naming the field', () => {
    const roleNames = Array.from({ length: 80 }, (_, i) => `BreakGlassRoleNumber${i}`);
    expect(() => guard({ roleNames })).toThrow(
      /roleNames: the service control policy is \d+ characters, over the Organizations quota of 5120/,
    );
  });

  it('rejects bad input with the field and the fix', () => {
    expect(() => guard({ targetIds: [] })).toThrow(/targetIds: empty; list the OUs or accounts/);
    expect(() => guard({ targetIds: ['prod-ou'] })).toThrow(
      /targetIds\[0\]: not a root, OU or account id.*\(got "prod-ou"\)/,
    );
    expect(() => guard({ exemptRoleArns: ['arn:aws:iam::*:role/BreakGlass'] })).toThrow(
      /exemptRoleArns\[0\]: is a break-glass role; the break-glass role must never be exempt/,
    );
    expect(() => guard({ lockBootstrapRoles: true })).toThrow(
      /lockBootstrapRoles: would stop every CDK deployment/,
    );
  });

  it('passes the CloudFormation validator with 0 errors and 0 warnings (with the bootstrap lock too)', () => {
    for (const props of [
      {},
      { qualifier: 'bglass', exemptRoleArns: ['arn:aws:iam::*:role/SecurityAdmin'] },
    ]) {
      const { stack } = guard(props);
      const findings = validateTemplates([
        { name: 'Guard', body: Template.fromStack(stack).toJSON(), account: MGMT, region: 'us-east-1' },
      ]);
      expect(findings.map((f) => `${f.severity} ${f.ruleId} ${f.resource ?? ''}: ${f.message}`)).toEqual([]);
    }
  }, 120_000);

  it('is cdk-nag clean (AwsSolutions: synth does not fail)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'bg-scp-nag-'));
    try {
      const app = new App({ outdir });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      const stack = new Stack(app, 'Guard', { env: { account: MGMT, region: 'us-east-1' } });
      new BreakGlassScpGuard(stack, 'ScpGuard', { targetIds: [OU], deployerRoleName: 'breakglass-deployer' });
      expect(() => app.synth()).not.toThrow();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('BreakGlassScpGuard evaluated as an SCP (iam-simulate)', () => {
  const { g } = guard();
  const doc = g.document;
  const locked = guard({ qualifier: 'bglass' }).g.document;

  it('denies an administrator changing a tagged alert rule; allows it on an untagged one', async () => {
    expect(await decide(doc, role('Admin'), 'events:DisableRule', RULE, TAGGED)).toBe('Denied');
    expect(await decide(doc, role('Admin'), 'events:DisableRule', RULE)).toBe('Allowed');
  });

  it('denies the break-glass role itself touching its alarm, trust policy or stacks', async () => {
    const bg = role('BreakGlass');
    expect(await decide(doc, bg, 'events:DeleteRule', RULE, TAGGED)).toBe('Denied');
    expect(
      await decide(doc, bg, 'sns:SetTopicAttributes', `arn:aws:sns:eu-west-1:${MEMBER}:alerts`, TAGGED),
    ).toBe('Denied');
    expect(
      await decide(
        doc,
        bg,
        'cloudtrail:StopLogging',
        `arn:aws:cloudtrail:eu-west-1:${MEMBER}:trail/t`,
        TAGGED,
      ),
    ).toBe('Denied');
    // by name, even without the tag
    expect(await decide(doc, bg, 'iam:UpdateAssumeRolePolicy', role('BreakGlass'))).toBe('Denied');
    expect(await decide(doc, bg, 'cloudformation:DeleteStack', STACK)).toBe('Denied');
    // reads stay allowed
    expect(await decide(doc, bg, 'events:DescribeRule', RULE, TAGGED)).toBe('Allowed');
  });

  it('lets the deployment chain through: deploy role → CloudFormation, execution role → resources, deployer → its role', async () => {
    const deployRole = role(`cdk-hnb659fds-deploy-role-${MEMBER}-eu-west-1`);
    const execRole = role(`cdk-hnb659fds-cfn-exec-role-${MEMBER}-eu-west-1`);
    expect(await decide(doc, deployRole, 'cloudformation:ExecuteChangeSet', STACK)).toBe('Allowed');
    expect(await decide(doc, execRole, 'events:PutRule', RULE, TAGGED)).toBe('Allowed');
    expect(
      await decide(doc, role('breakglass-deployer'), 'iam:UpdateAssumeRolePolicy', role('BreakGlass')),
    ).toBe('Allowed');
    // but the deploy role may not change the resources directly, nor the execution role the stacks
    expect(await decide(doc, deployRole, 'events:PutRule', RULE, TAGGED)).toBe('Denied');
    expect(await decide(doc, execRole, 'cloudformation:UpdateStack', STACK)).toBe('Denied');
  });

  it('protects the deployer role too (its trust policy decides who deploys)', async () => {
    expect(await decide(doc, role('Admin'), 'iam:UpdateAssumeRolePolicy', role('breakglass-deployer'))).toBe(
      'Denied',
    );
  });

  it('other stacks and roles are not affected', async () => {
    const other = `arn:aws:cloudformation:eu-west-1:${MEMBER}:stack/Payments/0a1b`;
    expect(await decide(doc, role('Admin'), 'cloudformation:DeleteStack', other)).toBe('Allowed');
    expect(await decide(doc, role('Admin'), 'iam:UpdateAssumeRolePolicy', role('Payments'))).toBe('Allowed');
  });

  it('with a dedicated qualifier, only the deployer may assume its bootstrap roles or pass its execution role', async () => {
    const deployRole = role(`cdk-bglass-deploy-role-${MEMBER}-eu-west-1`);
    const execRole = role(`cdk-bglass-cfn-exec-role-${MEMBER}-eu-west-1`);
    expect(await decide(locked, role('Admin'), 'sts:AssumeRole', deployRole)).toBe('Denied');
    expect(await decide(locked, role('breakglass-deployer'), 'sts:AssumeRole', deployRole)).toBe('Allowed');
    expect(await decide(locked, role('Admin'), 'iam:PassRole', execRole)).toBe('Denied');
    expect(await decide(locked, deployRole, 'iam:PassRole', execRole)).toBe('Allowed');
    // the default bootstrap roles of other apps are untouched
    expect(
      await decide(
        locked,
        role('Admin'),
        'sts:AssumeRole',
        role(`cdk-hnb659fds-deploy-role-${MEMBER}-eu-west-1`),
      ),
    ).toBe('Allowed');
  });
});
