import { PhysicalName, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { nagString } from './private/role-nag.js';
import { IAM_USER_NAME, ROLE_NAME, Validator } from './private/role-validate.js';

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
   * trusted by ARN (nothing is changed on it). Unset: the deployer role is named `deployer` and
   * trusts the account (principals also need `sts:AssumeRole` on it in an identity policy).
   * @default - the deployer role is named `deployer`
   */
  readonly deployerExists?: DeployerKind;

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
 * A least-privilege role for deploying the break-glass stacks: it can only assume the CDK
 * bootstrap roles (`cdk-<qualifier>-*-role-<account>-<region>`) of the covered Regions, which do
 * the actual work through CloudFormation, and, with `canManageBreakGlassRole`, manage the
 * break-glass role itself. Nothing else.
 */
export class BreakGlassDeployer extends Construct {
  /** The deployer role. */
  readonly role: iam.Role;
  /** Bootstrap qualifier used. */
  readonly qualifier: string;

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
    const principal =
      props.deployerExists === 'user'
        ? new iam.ArnPrincipal(`arn:${partition}:iam::${account}:user/${name}`)
        : props.deployerExists === 'role'
          ? new iam.ArnPrincipal(`arn:${partition}:iam::${account}:role/${name}`)
          : new iam.AccountRootPrincipal();

    this.role = new iam.Role(this, 'Resource', {
      roleName: props.deployerExists === undefined ? name : PhysicalName.GENERATE_IF_NEEDED,
      assumedBy: principal,
      description: `Deploys the break-glass stacks (assumes CDK bootstrap roles of ${regions.length} region(s) only)`,
    });

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
  }
}
