import { PhysicalName, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TAG_BREAKGLASS_DEPLOYER } from '../engines/conventions.js';
import type { BreakGlassAlertChannels } from './channels.js';
import {
  DEPLOYMENT_ACCESS_MODES,
  addDeploymentAccessAlerts,
  type DeploymentAccessAlerts,
} from './private/deployer-alerts.js';
import {
  DEPLOYER_PRINCIPAL_ARN,
  classifyPrincipals,
  deployerTrustStatements,
} from './private/deployer-trust.js';
import { watchedRegions } from './private/regions.js';
import { nagString } from './private/role-nag.js';
import { IAM_USER_NAME, ROLE_NAME, Validator } from './private/role-validate.js';
import { BreakGlassTrustPrincipal } from './private/trust-policy.js';

export type { DeploymentAccessAlerts } from './private/deployer-alerts.js';

/** Kind of an existing deployer principal. */
export type DeployerKind = 'user' | 'role';

/** The CDK default bootstrap qualifier (`cdk bootstrap` without `--qualifier`). */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** Properties of {@link BreakGlassDeployer}. */
export interface BreakGlassDeployerProps {
  /**
   * Name of the IAM user or role that deploys the break-glass stacks. With `deployerExists` unset,
   * the deployer role itself gets this name.
   */
  readonly deployer: string;

  /**
   * `'user'` or `'role'`: `deployer` names an existing IAM user/role of this account, which is
   * trusted like an entry of `deployerPrincipals` (nothing is changed on it). Unset: the deployer
   * role is named `deployer`.
   * @default - the deployer role is named `deployer`
   */
  readonly deployerExists?: DeployerKind;

  /**
   * ARNs of the IAM users (people) and IAM roles (CI) that may assume the deployer role; nobody
   * else can. Users need an MFA session (`aws:MultiFactorAuthPresent`); roles cannot have MFA and
   * are trusted exactly as listed, so list only roles whose own trust policy is narrow (e.g. a CI
   * OIDC role limited to one repository and branch). Exact ARNs (a path is allowed, a wildcard is
   * not); other accounts are allowed. Required unless `deployerExists` names the one principal. The
   * principals also need `sts:AssumeRole` on the deployer role in an identity policy.
   * @default - only the `deployerExists` principal
   */
  readonly deployerPrincipals?: string[];

  /**
   * Lock the trust policy to the watched Regions (the stack's Region, us-east-1 and `regions`):
   * `sts:AssumeRole` on the deployer is denied at any other Region's STS endpoint.
   * @default true
   */
  readonly lockRegions?: boolean;

  /**
   * Alert channels: when given, assuming the deployer role or the account's CDK bootstrap deploy
   * role is alerted as "deployment access" on its own rules (`deploymentAccessAlerts`).
   * @default - not alerted
   */
  readonly channels?: BreakGlassAlertChannels;

  /**
   * Where deployment access goes (with `channels`): `'log'` a log group only; `'notify'` the log
   * group and the alert topic (email), the text headed "Deployment access (not the break-glass
   * role)"; `'page'` every alert channel (Slack, webhooks, …), like a break-glass use. Failed
   * attempts are always logged and, except with `'log'`, summarised: one alarm notification on
   * the alert topic per burst, not one message per attempt.
   * @default 'notify'
   */
  readonly deploymentAccessAlerts?: DeploymentAccessAlerts;

  /**
   * Retention of the deployment-access log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * The break-glass role the deployer may manage (only with `canManageBreakGlassRole`).
   * @default - none
   */
  readonly breakGlassRole?: iam.IRole;

  /**
   * Let the deployer read and change the break-glass role (policies, tags, trust policy) directly,
   * e.g. to apply the hardened trust policy to an imported role.
   * @default false
   */
  readonly canManageBreakGlassRole?: boolean;

  /**
   * Regions the deployer deploys to (the CDK bootstrap roles of each are assumable).
   * @default ['*'] (every region)
   */
  readonly regions?: string[];

  /**
   * CDK bootstrap qualifier.
   * @default - context `@aws-cdk/core:bootstrapQualifier`, else 'hnb659fds'
   */
  readonly qualifier?: string;
}

/** Actions on the break-glass role granted with `canManageBreakGlassRole`. */
export const MANAGE_ROLE_ACTIONS = [
  'iam:GetRole',
  'iam:UpdateRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:ListRoleTags',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:GetRolePolicy',
  'iam:ListRolePolicies',
];

/**
 * The role that deploys the break-glass stacks. Its own policy only lets it assume the CDK
 * bootstrap roles (`cdk-<qualifier>-*-role-<account>-<region>`) of the covered Regions and, with
 * `canManageBreakGlassRole`, manage the break-glass role. Through the bootstrap deploy role it
 * drives CloudFormation with the bootstrap execution role, which is AdministratorAccess unless the
 * environment was bootstrapped with narrower `--cloudformation-execution-policies`: whoever can
 * assume the deployer can change the break-glass stacks. Hence the trust policy lists exactly who
 * (`deployerPrincipals`), requires MFA for people, is locked to the watched Regions, and, with
 * `channels`, every assume is alerted as deployment access.
 */
export class BreakGlassDeployer extends Construct {
  /** The deployer role (tagged `breakglass:deployer=true`). */
  readonly role: iam.Role;
  /** Bootstrap qualifier used. */
  readonly qualifier: string;
  /** Deployment-access alert rules (with `channels`). */
  readonly deploymentAccessRules: readonly events.Rule[];
  /** Where deployment access is logged (with `channels`). */
  readonly deploymentAccessLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BreakGlassDeployerProps) {
    super(scope, id);
    const v = new Validator(this);
    const stack = Stack.of(this);
    const name = props.deployer;
    const nameRe = props.deployerExists === 'user' ? IAM_USER_NAME : ROLE_NAME;
    if (!Token.isUnresolved(name) && !nameRe.test(name)) {
      v.fail(
        'deployer',
        `not a valid IAM ${props.deployerExists ?? 'role'} name; use 1-64 of [A-Za-z0-9+=,.@_-] (got ${JSON.stringify(name)})`,
      );
    }
    if (
      props.deployerExists !== undefined &&
      props.deployerExists !== 'user' &&
      props.deployerExists !== 'role'
    ) {
      v.fail('deployerExists', `must be 'user' or 'role' (got ${JSON.stringify(props.deployerExists)})`);
    }
    const regions = v.regions('regions', props.regions);
    this.qualifier =
      props.qualifier ??
      (this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ??
      DEFAULT_BOOTSTRAP_QUALIFIER;
    if (!/^[A-Za-z0-9_-]{1,10}$/.test(this.qualifier)) {
      v.fail(
        'qualifier',
        `CDK bootstrap qualifiers are 1-10 letters, digits, _ or - (got ${JSON.stringify(this.qualifier)})`,
      );
    }
    if (props.canManageBreakGlassRole && props.breakGlassRole === undefined) {
      v.fail(
        'breakGlassRole',
        'canManageBreakGlassRole is true but no breakGlassRole was given; pass the role or drop the flag',
      );
    }

    const { partition, account } = stack;
    const principals = this.principals(v, props);
    const mode = props.deploymentAccessAlerts ?? 'notify';
    if (!DEPLOYMENT_ACCESS_MODES.includes(mode)) {
      v.fail(
        'deploymentAccessAlerts',
        `must be one of ${DEPLOYMENT_ACCESS_MODES.map((m) => `'${m}'`).join(', ')} (got ${JSON.stringify(mode)})`,
      );
    }
    const lock = (props.lockRegions ?? true) ? watchedRegions(stack.region, regions) : undefined;
    const statements = deployerTrustStatements(classifyPrincipals(principals), lock);

    this.role = new iam.Role(this, 'Resource', {
      roleName: props.deployerExists === undefined ? name : PhysicalName.GENERATE_IF_NEEDED,
      assumedBy: new BreakGlassTrustPrincipal(account, statements),
      description: `Deploys the break-glass stacks (assumes CDK bootstrap roles of ${regions.length} region(s) only)`,
    });
    Tags.of(this.role).add(TAG_BREAKGLASS_DEPLOYER, 'true');

    const bootstrapRoleArns = regions.map(
      (r) => `arn:${partition}:iam::${account}:role/cdk-${this.qualifier}-*-role-${account}-${r}`,
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkBootstrapRoles',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: bootstrapRoleArns,
      }),
    );
    if (props.canManageBreakGlassRole && props.breakGlassRole) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ManageBreakGlassRole',
          actions: MANAGE_ROLE_ACTIONS,
          resources: [props.breakGlassRole.roleArn],
        }),
      );
    }

    for (const arn of bootstrapRoleArns) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagString(stack, arn)}]`,
        reason:
          'The wildcard only spans the CDK bootstrap role kinds (deploy, file-publishing, image-publishing, lookup) of this account and region; cdk deploy assumes them and they hold the actual permissions',
      });
    }

    if (props.channels) {
      const added = addDeploymentAccessAlerts(this, props.channels, {
        deployerArn: this.role.roleArn,
        account,
        qualifier: this.qualifier,
        mode,
        retention: props.retention,
      });
      this.deploymentAccessRules = added.rules;
      this.deploymentAccessLogGroup = added.logGroup;
    } else {
      this.deploymentAccessRules = [];
    }
  }

  /** The trusted principal ARNs: `deployerPrincipals` plus the `deployerExists` principal. */
  private principals(v: Validator, props: BreakGlassDeployerProps): string[] {
    const { partition, account } = Stack.of(this);
    const listed = props.deployerPrincipals ?? [];
    const seen = new Set<string>();
    listed.forEach((arn, i) => {
      if (Token.isUnresolved(arn)) {
        v.fail(`deployerPrincipals[${i}]`, 'must be a literal ARN, not a Token');
      }
      if (!DEPLOYER_PRINCIPAL_ARN.test(arn)) {
        v.fail(
          `deployerPrincipals[${i}]`,
          `not an IAM user or role ARN; use arn:aws:iam::<account>:user/<name> (people, MFA required) or arn:aws:iam::<account>:role/<name> (CI), no wildcards (got ${JSON.stringify(arn)})`,
        );
      }
      // IAM names are unique case-insensitively.
      if (seen.has(arn.toLowerCase()))
        v.fail(`deployerPrincipals[${i}]`, `duplicate ${JSON.stringify(arn)}; list each once`);
      seen.add(arn.toLowerCase());
    });
    const existing =
      props.deployerExists === undefined
        ? []
        : [`arn:${partition}:iam::${account}:${props.deployerExists}/${props.deployer}`];
    const all = [...listed, ...existing.filter((e) => !seen.has(e.toLowerCase()))];
    if (all.length === 0) {
      v.fail(
        'deployerPrincipals',
        "empty: nobody could assume the deployer; list the IAM users (people, MFA required) and CI roles that deploy, e.g. ['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:role/ci-deploy']",
      );
    }
    return all;
  }
}
