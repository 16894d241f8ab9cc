/**
 * Deployment access end to end: config → cloud assembly → model. Assuming the deployer (and the CDK
 * bootstrap deploy role) is alerted on its own rules as "Deployment access", not paged like the glass;
 * the `deployer` check family shows it per Region, and shows gaps when the rules are removed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stacksFromConfig } from '../../src/cli/system.js';
import { toEventBridgeEvent, type CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import { DEPLOYER_CHECKS, isDeploymentAccess } from '../../src/simulator/deployer-checks.js';
import { assumedRoleIdentity, iamUserIdentity, stsAssumeRecord } from '../../src/simulator/records.js';
import { buildModel, simulateEvents, type StackInput, type SystemModel } from '../../src/simulator/index.js';

const ACCOUNT = '111122223333';
const REGIONS = ['eu-west-1', 'us-east-1'];
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/bg-deployer`;
const CI = `arn:aws:iam::${ACCOUNT}:role/ci-deploy`;
let dir: string;
const stacks: Record<string, StackInput[]> = {};

function config(mode: string): string {
  return [
    `account: '${ACCOUNT}'`,
    'region: eu-west-1',
    'role:',
    '  usernames: [alice]',
    '  roleName: BreakGlass',
    '  managedPolicies: [ReadOnlyAccess]',
    `  regions: [${REGIONS.join(', ')}]`,
    '  loginAlertEmails: [sec@example.com]',
    '  deployer: bg-deployer',
    `  deployerPrincipals: ['arn:aws:iam::${ACCOUNT}:user/deploy-admin', '${CI}']`,
    `  deploymentAccessAlerts: ${mode}`,
  ].join('\n');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'breakglass-deployer-verify-'));
  for (const mode of ['notify', 'log']) {
    const file = join(dir, `${mode}.yaml`);
    writeFileSync(file, config(mode));
    stacks[mode] = stacksFromConfig(file);
  }
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ci = assumedRoleIdentity(CI, 'run-42');
const ciCaller = { identity: ci, arn: String(ci['arn']) };

function assume(roleArn: string, region: string, success = true, caller = ciCaller): CloudTrailRecord {
  return stsAssumeRecord({
    key: `${roleArn}/${region}/${success}`,
    region,
    account: ACCOUNT,
    action: 'AssumeRole',
    caller,
    roleArn,
    sessionName: 'deploy',
    success,
  });
}
const simulate = (model: SystemModel, record: CloudTrailRecord) =>
  simulateEvents(model, [{ event: toEventBridgeEvent(record), record, file: 'test', position: 1 }])[0];

/** The deployment-access rules disabled (as `DisableRule` would leave them). */
function withoutDeploymentRules(input: StackInput[]): StackInput[] {
  return input.map((s) => {
    const template = structuredClone(s.template) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    for (const [id, r] of Object.entries(template.Resources))
      if (r.Type === 'AWS::Events::Rule' && id.includes('DeploymentAccess'))
        r.Properties['State'] = 'DISABLED';
    return { ...s, template };
  });
}

describe('deployment access (notify, the default)', () => {
  let model: SystemModel;
  beforeAll(() => {
    model = buildModel(stacks['notify'] ?? []);
  });

  it('simulate: an AssumeRole into the deployer is alerted as deployment access, on the alert topic only', () => {
    const r = simulate(model, assume(DEPLOYER, 'eu-west-1'));
    expect(r?.alerted).toBe(true);
    expect(r?.logged).toBe(true);
    expect(r?.deliveries.length).toBeGreaterThan(0);
    // every delivery is a deployment-access one: the glass's rules do not take it
    expect(r?.deliveries.every(isDeploymentAccess)).toBe(true);
    const email = r?.deliveries.find((d) => d.targetKind === 'sns');
    expect(email?.input).toMatch(
      /^"?Deployment access \(not the break-glass role\): AssumeRole into the deployer/,
    );
    expect(email?.input).toContain(CI.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/'));
  });

  it('simulate: assuming the deployer in another covered Region (forwarded) is alerted; a denied attempt is summarised', () => {
    const us = simulate(model, assume(DEPLOYER, 'us-east-1'));
    expect(us?.alerted).toBe(true);
    const stranger = `arn:aws:iam::${ACCOUNT}:user/mallory`;
    const denied = simulate(
      model,
      assume(DEPLOYER, 'eu-west-1', false, {
        identity: iamUserIdentity(stranger, 'mallory', ACCOUNT),
        arn: stranger,
      }),
    );
    // denied attempts are logged and counted (a metric filter's alarm notifies once per burst), not
    // mailed one by one: the only delivery is the log group, which reaches a person through the alarm
    expect(denied?.deliveries.map((d) => d.targetKind)).toEqual(['logs']);
    expect(denied?.alerted).toBe(true);
    expect(denied?.deliveries.every(isDeploymentAccess)).toBe(true);
  });

  it('simulate: the deployer session assuming the CDK deploy role is deployment access', () => {
    const session = assumedRoleIdentity(DEPLOYER, 'deploy');
    const r = simulate(
      model,
      assume(
        `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-us-east-1`,
        'us-east-1',
        true,
        {
          identity: session,
          arn: String(session['arn']),
        },
      ),
    );
    expect(r?.alerted).toBe(true);
    expect(r?.deliveries.every(isDeploymentAccess)).toBe(true);
  });

  it('simulate: assuming another role is not deployment access', () => {
    const r = simulate(
      model,
      assume(`arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-lookup-role-${ACCOUNT}-eu-west-1`, 'eu-west-1'),
    );
    expect(r?.deliveries).toEqual([]);
  });

  it('verify (deployer checks): seen in every covered Region; an unlisted principal is denied', () => {
    const checks = DEPLOYER_CHECKS.run({ model, regions: REGIONS, roles: [], users: [] });
    expect(checks.map((c) => `${c.name} ${c.region} ${c.ok}`)).toEqual([
      'AssumeRole deployer eu-west-1 true',
      'AssumeRole CDK deploy role eu-west-1 true',
      'unlisted principal eu-west-1 true',
      'AssumeRole deployer us-east-1 true',
      'AssumeRole CDK deploy role us-east-1 true',
      'unlisted principal us-east-1 true',
    ]);
    expect(checks[0]?.detail).toBe('seen as deployment access (notified)');
  });

  it('verify: outside the covered Regions the deployer is locked, the deploy role is a gap', () => {
    const checks = DEPLOYER_CHECKS.run({ model, regions: ['ap-south-1'], roles: [], users: [] });
    expect(checks.map((c) => [c.name, c.ok, c.detail ?? c.problems.join()])).toEqual([
      ['AssumeRole deployer', true, 'not assumable in ap-south-1 (Region lock in the trust policy)'],
      [
        'AssumeRole CDK deploy role',
        false,
        'reached no rule: not forwarded to the central bus or no deployment-access rule matches',
      ],
      ['unlisted principal', true, 'denied by the trust policy (ExplicitDeny)'],
    ]);
  });

  it('verify: with the deployment-access rules disabled every assume is a gap', () => {
    const broken = buildModel(withoutDeploymentRules(stacks['notify'] ?? []));
    const checks = DEPLOYER_CHECKS.run({ model: broken, regions: REGIONS, roles: [], users: [] });
    expect(checks.filter((c) => !c.ok).map((c) => `${c.name} ${c.region}`)).toEqual([
      'AssumeRole deployer eu-west-1',
      'AssumeRole CDK deploy role eu-west-1',
      'AssumeRole deployer us-east-1',
      'AssumeRole CDK deploy role us-east-1',
    ]);
  });
});

describe("deployment access 'log'", () => {
  it('is logged, not sent to a person', () => {
    const model = buildModel(stacks['log'] ?? []);
    const r = simulate(model, assume(DEPLOYER, 'eu-west-1'));
    expect(r?.alerted).toBe(false);
    expect(r?.logged).toBe(true);
    const checks = DEPLOYER_CHECKS.run({ model, regions: ['eu-west-1'], roles: [], users: [] });
    expect(checks[0]?.detail).toBe('seen as deployment access (logged)');
  });
});
