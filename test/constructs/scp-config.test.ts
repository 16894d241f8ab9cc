/**
 * `scpGuard` in the config file: its own stack in the management account (us-east-1), the guard's
 * tag on the resources of the break-glass stacks, the deployer exempt by name, and the bootstrap
 * qualifier of the break-glass environments used by the stacks and the deployer.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp, parseConfig } from '../../src/config/index.js';
import { SCP_GUARD_TAG } from '../../src/constructs/scp-guard.js';

const base = {
  account: '111122223333',
  region: 'eu-west-1',
  role: {
    usernames: ['alice'],
    roleName: 'BreakGlass',
    regions: ['eu-west-1'],
    loginAlertEmails: ['sec@example.com'],
    deployer: 'breakglass-deployer',
    deployerPrincipals: ['arn:aws:iam::111122223333:role/ci-deploy'],
  },
  scpGuard: { account: '999999999999', targetIds: ['ou-ab12-cdef3456'], qualifier: 'bglass' },
};

function stacksOf(config: unknown): Map<string, Stack> {
  const app = buildApp(parseConfig(config, 'bg.json'));
  return new Map(
    app.node
      .findAll()
      .filter((c): c is Stack => Stack.isStack(c))
      .map((s) => [s.stackName, s]),
  );
}

describe('config scpGuard', () => {
  const stacks = stacksOf(base);

  it('deploys the SCP in its own stack in the management account, us-east-1', () => {
    const guard = stacks.get('BreakGlass-ScpGuard');
    expect(guard?.account).toBe('999999999999');
    expect(guard?.region).toBe('us-east-1');
    const t = Template.fromStack(guard as Stack);
    t.hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: ['ou-ab12-cdef3456'],
    });
    const [policy] = Object.values(t.findResources('AWS::Organizations::Policy')) as {
      Properties: { Content: { Statement: { Sid: string; Resource: unknown; Condition: unknown }[] } };
    }[];
    const text = JSON.stringify(policy?.Properties.Content);
    expect(text).toContain('arn:aws:iam::*:role/breakglass-deployer');
    expect(text).toContain('arn:aws:iam::*:role/BreakGlass"');
    expect(text).toContain('cdk-bglass-cfn-exec-role-*');
    expect(policy?.Properties.Content.Statement.map((s) => s.Sid)).toContain('BreakGlassBootstrapRoles');
  });

  it('tags the resources of the break-glass stacks with the guard tag', () => {
    const t = Template.fromStack(stacks.get('BreakGlass') as Stack);
    const tagged = (type: string) =>
      Object.values(t.findResources(type)).every((r) =>
        JSON.stringify((r as { Properties?: { Tags?: unknown } }).Properties?.Tags ?? []).includes(
          SCP_GUARD_TAG,
        ),
      );
    expect(tagged('AWS::IAM::Role')).toBe(true);
    expect(tagged('AWS::SNS::Topic')).toBe(true);
    expect(tagged('AWS::KMS::Key')).toBe(true);
  });

  it("uses the guard's qualifier for the stacks and the deployer", () => {
    const t = Template.fromStack(stacks.get('BreakGlass') as Stack);
    expect(JSON.stringify(t.toJSON())).toContain('/cdk-bootstrap/bglass/version');
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).toContain('role/cdk-bglass-*-role-');
  });

  it('rejects a guard without a named deployer role', () => {
    const { deployer: _d, deployerPrincipals: _p, ...role } = base.role;
    expect(() => stacksOf({ ...base, role })).toThrow(/scpGuard: needs a deployer role of a fixed name/);
  });
});
