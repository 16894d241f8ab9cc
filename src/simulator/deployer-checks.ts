/**
 * Deployment access: per deployer role (tagged `breakglass:deployer=true`) and covered Region,
 * - assuming the deployer, and assuming the account's CDK bootstrap deploy role
 *   (`cdk-<qualifier>-deploy-role-<account>-<region>`), reach a deployment-access rule (its text
 *   starts "Deployment access", or its rule is a `DeploymentAccess…` rule for the log-only mode);
 * - an unlisted principal is denied by the deployer's trust policy (with MFA, in that Region).
 */
import { DEPLOYMENT_ACCESS_MARK, TAG_BREAKGLASS_DEPLOYER } from '../engines/conventions.js';
import { toEventBridgeEvent } from '../engines/cloudtrail/index.js';
import type { RoleModel, SystemModel } from './model.js';
import { trustDecision } from './policy.js';
import { assumedRoleIdentity, iamUserIdentity, stsAssumeRecord, type Caller } from './records.js';
import { isAlert, isLog, replayEvent, type Delivery } from './replay.js';
import { trustRequestOf } from './simulate.js';
import type { CheckContext, CheckFamily, CheckResult } from './check-types.js';

const DEFAULT_QUALIFIER = 'hnb659fds';

// The shapes of `CheckResult` / `CheckContext` / `CheckFamily` (./checks.ts), spelled out here because
// checks.ts imports this family: importing its types back would be an import cycle.
/** A delivery made by a deployment-access rule. */
export function isDeploymentAccess(d: Delivery): boolean {
  return d.input.includes(DEPLOYMENT_ACCESS_MARK) || /DeploymentAccess/.test(d.ruleName);
}

export function deployerRoles(model: SystemModel): RoleModel[] {
  return [...model.roles.values()].filter((r) => r.tags[TAG_BREAKGLASS_DEPLOYER] === 'true');
}

/** The bootstrap qualifier the deployer's policy names (`cdk-<qualifier>-*-role-…`). */
export function qualifierOf(role: RoleModel): string {
  return (
    /role\/cdk-([A-Za-z0-9_-]{1,10})-\*-role-/.exec(JSON.stringify(role.policies))?.[1] ?? DEFAULT_QUALIFIER
  );
}

function seen(model: SystemModel, record: ReturnType<typeof stsAssumeRecord>): readonly string[] | string {
  const { deliveries } = replayEvent(model, toEventBridgeEvent(record));
  const mine = deliveries.filter(isDeploymentAccess);
  if (mine.length === 0) {
    return [
      deliveries.length === 0
        ? 'reached no rule: not forwarded to the central bus or no deployment-access rule matches'
        : 'matched rules, but none of them is a deployment-access rule',
    ];
  }
  const how = mine.some(isAlert) ? 'notified' : mine.some(isLog) ? 'logged' : 'delivered';
  return `seen as deployment access (${how})`;
}

function result(name: string, region: string, outcome: readonly string[] | string): CheckResult {
  return typeof outcome === 'string'
    ? { family: 'deployer', name, region, ok: true, problems: [], detail: outcome }
    : { family: 'deployer', name, region, ok: false, problems: outcome };
}

function assumeRecord(key: string, region: string, account: string, caller: Caller, roleArn: string) {
  return stsAssumeRecord({
    key,
    region,
    account,
    action: 'AssumeRole',
    caller,
    roleArn,
    sessionName: 'deploy',
    success: true,
  });
}

function checksFor(model: SystemModel, role: RoleModel, region: string): CheckResult[] {
  const account = role.account;
  // An unlisted person with MFA: the trust policy must deny. An explicit deny for them is the Region
  // lock (listed principals are allowed by Allow statements only), so nobody can assume it here.
  const strangerArn = `arn:aws:iam::${account}:user/not-a-listed-deployer`;
  const stranger = {
    ...iamUserIdentity(strangerArn, 'not-a-listed-deployer', account),
    sessionContext: { attributes: { mfaAuthenticated: 'true' } },
  };
  const strangerRecord = assumeRecord(
    `deployer/stranger/${region}`,
    region,
    account,
    {
      identity: stranger,
      arn: strangerArn,
    },
    role.arn,
  );
  const request = trustRequestOf(strangerRecord, role.arn);
  const decision = request ? trustDecision(role.trustPolicy, request).decision : 'Allow';
  const regionLocked = decision === 'ExplicitDeny';

  const ci = assumedRoleIdentity(`arn:aws:iam::${account}:role/ci-deploy`, 'ci');
  const viaDeployer = assumedRoleIdentity(role.arn, 'deploy');
  const deployRole = `arn:aws:iam::${account}:role/cdk-${qualifierOf(role)}-deploy-role-${account}-${region}`;
  return [
    result(
      'AssumeRole deployer',
      region,
      regionLocked
        ? `not assumable in ${region} (Region lock in the trust policy)`
        : seen(
            model,
            assumeRecord(
              `deployer/assume/${region}`,
              region,
              account,
              { identity: ci, arn: String(ci['arn']) },
              role.arn,
            ),
          ),
    ),
    // The deployer session assumes the deploy role, as `cdk deploy` does.
    result(
      'AssumeRole CDK deploy role',
      region,
      seen(
        model,
        assumeRecord(
          `deployer/deploy-role/${region}`,
          region,
          account,
          { identity: viaDeployer, arn: String(viaDeployer['arn']) },
          deployRole,
        ),
      ),
    ),
    result(
      'unlisted principal',
      region,
      decision === 'Allow'
        ? [`the deployer's trust policy allows ${strangerArn}`]
        : `denied by the trust policy (${decision})`,
    ),
  ];
}

export const DEPLOYER_CHECKS: CheckFamily = {
  family: 'deployer',
  title: 'Deployment access (deployer, CDK deploy role)',
  run(context: CheckContext): CheckResult[] {
    return deployerRoles(context.model).flatMap((role) =>
      context.regions.flatMap((region) => checksFor(context.model, role, region)),
    );
  },
} as const;
