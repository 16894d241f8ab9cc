import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { BreakGlassDoctorPolicy } from '../../src/constructs/doctor-policy.js';
import { DOCTOR_DRILL_CALLS, DOCTOR_READ_CALLS, isReadCommand } from '../../src/engines/doctor-calls.js';

function synth(props = {}) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
  const policy = new BreakGlassDoctorPolicy(stack, 'Doctor', { roles: [role], ...props });
  return { stack, policy, template: Template.fromStack(stack) };
}

/** The IAM action of an SDK command, from the service's IAM prefix and the command name. */
const PREFIX: Record<string, string> = {
  'client-sts': 'sts',
  'client-account': 'account',
  'client-ssm': 'ssm',
  'client-secrets-manager': 'secretsmanager',
  'client-iam': 'iam',
  'client-cloudtrail': 'cloudtrail',
  'client-cloudformation': 'cloudformation',
  'client-eventbridge': 'events',
  'client-sns': 'sns',
  'client-kms': 'kms',
  'client-cloudwatch': 'cloudwatch',
  'client-sqs': 'sqs',
  'client-cloudwatch-logs': 'logs',
  'client-organizations': 'organizations',
};

describe('BreakGlassDoctorPolicy', () => {
  it('grants exactly the IAM actions of the commands doctor can send, on a managed policy attached to the roles given', () => {
    const { template } = synth();
    const actions = DOCTOR_READ_CALLS.map((c) => `${PREFIX[c.client]}:${c.command.replace(/Command$/, '')}`);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'BreakGlassDoctorReadOnly',
            Effect: 'Allow',
            Action: [...new Set(actions)].sort(),
            Resource: '*',
          },
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^Ops') }],
    });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });

  it('the action table matches the commands the doctor adapter sends, and they all only read', () => {
    const text = readFileSync(join(import.meta.dirname, '../../src/cli/aws/doctor-sdk.ts'), 'utf8');
    const sent = new Set([...text.matchAll(/new (\w+Command)\(/g)].map((m) => m[1]));
    expect([...sent].sort()).toEqual(DOCTOR_READ_CALLS.map((c) => c.command).sort());
    for (const c of DOCTOR_READ_CALLS) {
      expect(isReadCommand(c.command), c.command).toBe(true);
      expect(c.iamAction, c.command).toBe(`${PREFIX[c.client]}:${c.command.replace(/Command$/, '')}`);
    }
    // The drill's AssumeRole is not a read and stays out of the policy.
    for (const c of DOCTOR_DRILL_CALLS) expect(BreakGlassDoctorPolicy.ACTIONS).not.toContain(c.iamAction);
    expect(BreakGlassDoctorPolicy.ACTIONS).not.toContain('secretsmanager:GetSecretValue');
  });

  it('takes a policy name', () => {
    synth({ managedPolicyName: 'BreakGlassDoctor' }).template.hasResourceProperties(
      'AWS::IAM::ManagedPolicy',
      {
        ManagedPolicyName: 'BreakGlassDoctor',
      },
    );
  });

  it('is cdk-nag AwsSolutions clean', () => {
    const { stack } = synth();
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('config doctorPolicy', () => {
  it('creates the policy once per account (role stack, users stack of another account)', async () => {
    const { buildApp, configSchema } = await import('../../src/config/index.js');
    const config = configSchema.parse({
      account: '111122223333',
      region: 'eu-west-1',
      doctorPolicy: true,
      role: { usernames: ['alice'], managedPolicies: ['ReadOnlyAccess'], regions: ['eu-west-1'] },
      users: {
        account: '444455556666',
        region: 'eu-west-1',
        usernames: ['breakglass-1'],
        regions: ['eu-west-1'],
      },
    });
    const assembly = buildApp(config).synth();
    const counts = assembly.stacks
      .filter((s) => s.environment.account !== 'unknown-account')
      .map(
        (s) =>
          [
            s.stackName,
            Object.values(s.template.Resources as Record<string, { Type: string }>).filter(
              (r) => r.Type === 'AWS::IAM::ManagedPolicy',
            ).length,
          ] as const,
      )
      .filter(([, n]) => n > 0);
    expect(counts).toEqual([
      ['BreakGlass', 1],
      ['BreakGlass-Users', 1],
    ]);
  });
});

describe('README', () => {
  it('lists every action of the doctor policy', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**Permissions.** `BreakGlassDoctorPolicy`'));
    const listed = section.slice(0, section.indexOf('`--drill` also needs'));
    const actions = [...listed.matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map((m) => m[1]);
    expect(actions).toEqual([...BreakGlassDoctorPolicy.ACTIONS]);
  });
});
