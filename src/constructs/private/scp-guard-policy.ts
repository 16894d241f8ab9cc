/**
 * The statements of the break-glass SCP guard. Every statement is a `Deny` with an exemption on
 * `aws:PrincipalArn`: an SCP can only deny, never grant
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
 *
 * Who changes the break-glass stacks in a CDK deployment, and so who must stay exempt:
 * - CloudFormation API calls (`CreateChangeSet`, `ExecuteChangeSet`, …) are made by the bootstrap
 *   deploy role `cdk-<qualifier>-deploy-role-<account>-<region>`, which the deployer assumes;
 * - the resources are changed by CloudFormation *as the execution role* it was passed,
 *   `cdk-<qualifier>-cfn-exec-role-<account>-<region>`
 *   (https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html);
 * - the deployer itself changes the break-glass role directly only with `canManageBreakGlassRole`.
 * A service principal (CloudFormation assuming the execution role, EventBridge publishing) is not
 * governed by SCPs, nor are service-linked roles; the break-glass role is never exempt.
 *
 * The tag statement relies on `aws:ResourceTag/<key>` being evaluated for the action; where a service
 * does not evaluate it for an action the key is absent, `Null … "false"` is false, and that action is
 * not denied (fail open): the stacks and the named roles are therefore also protected by ARN.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */

/** Resource tag the guard keys on (added to every resource of the break-glass stacks). */
export const SCP_GUARD_TAG = 'breakglass:protected';

/** SCP document size quota: 5,120 characters. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html */
export const SCP_SIZE_QUOTA = 5120;

/** Changes to a stack (all but reads). */
export const STACK_WRITE_ACTIONS = [
  'cloudformation:CreateStack',
  'cloudformation:UpdateStack',
  'cloudformation:DeleteStack',
  'cloudformation:CreateChangeSet',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:SetStackPolicy',
  'cloudformation:UpdateTerminationProtection',
  'cloudformation:ContinueUpdateRollback',
  'cloudformation:RollbackStack',
  'cloudformation:TagResource',
  'cloudformation:UntagResource',
];

/**
 * Changes to the alerting resources, per service. Not `events:PutEvents` (the forwarding roles of the
 * stacks put events on the central bus), nor `logs:PutLogEvents` / `sns:Publish` (delivery).
 */
export const RESOURCE_WRITE_ACTIONS = [
  'events:DeleteRule',
  'events:DisableRule',
  'events:PutRule',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:DeleteEventBus',
  'events:PutPermission',
  'events:RemovePermission',
  'events:UpdateConnection',
  'events:DeleteConnection',
  'events:UpdateApiDestination',
  'events:DeleteApiDestination',
  'events:TagResource',
  'events:UntagResource',
  'sns:DeleteTopic',
  'sns:SetTopicAttributes',
  'sns:AddPermission',
  'sns:RemovePermission',
  'sns:TagResource',
  'sns:UntagResource',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:PutKeyPolicy',
  'kms:DisableKeyRotation',
  'kms:TagResource',
  'kms:UntagResource',
  'sqs:DeleteQueue',
  'sqs:SetQueueAttributes',
  'sqs:PurgeQueue',
  'sqs:TagQueue',
  'sqs:UntagQueue',
  'logs:DeleteLogGroup',
  'logs:PutRetentionPolicy',
  'logs:DeleteMetricFilter',
  'logs:PutMetricFilter',
  'logs:TagResource',
  'logs:UntagResource',
  'cloudwatch:DeleteAlarms',
  'cloudwatch:DisableAlarmActions',
  'cloudwatch:PutMetricAlarm',
  'cloudwatch:SetAlarmState',
  'cloudwatch:TagResource',
  'cloudwatch:UntagResource',
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:RemoveTags',
];

/** Changes to an IAM role (trust policy, permissions, tags, deletion). */
export const ROLE_WRITE_ACTIONS = [
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:UpdateRole',
  'iam:DeleteRole',
  'iam:TagRole',
  'iam:UntagRole',
];

export interface ScpGuardSpec {
  /** Partition of the ARNs (`aws`). */
  readonly partition: string;
  /** Stack-name prefix of the break-glass stacks (`BreakGlass` → `BreakGlass`, `BreakGlass-*`). */
  readonly stackName: string;
  readonly qualifier: string;
  /** Name of the deployer role (the same in every account). */
  readonly deployerRoleName: string;
  /** Break-glass role names protected by ARN as well as by tag. */
  readonly roleNames: readonly string[];
  /** More principals allowed to change the resources (e.g. the role that runs approve / revoke). */
  readonly exemptRoleArns: readonly string[];
  /**
   * Also deny assuming the `cdk-<qualifier>-*` bootstrap roles to everyone but the deployer (only
   * for a qualifier used by the break-glass stacks alone).
   */
  readonly lockBootstrapRoles: boolean;
}

type Statement = Record<string, unknown>;

export function scpGuardStatements(spec: ScpGuardSpec): Statement[] {
  const role = (name: string) => `arn:${spec.partition}:iam::*:role/${name}`;
  const deployer = role(spec.deployerRoleName);
  const deployRole = role(`cdk-${spec.qualifier}-deploy-role-*`);
  const execRole = role(`cdk-${spec.qualifier}-cfn-exec-role-*`);
  const notExempt = (...arns: string[]) => ({
    ArnNotLike: { 'aws:PrincipalArn': [...arns, ...spec.exemptRoleArns] },
  });
  const stacks = [spec.stackName, `${spec.stackName}-*`].map(
    (n) => `arn:${spec.partition}:cloudformation:*:*:stack/${n}/*`,
  );
  const out: Statement[] = [
    {
      Sid: 'BreakGlassStacks',
      Effect: 'Deny',
      Action: STACK_WRITE_ACTIONS,
      Resource: stacks,
      Condition: notExempt(deployRole),
    },
    {
      Sid: 'BreakGlassResources',
      Effect: 'Deny',
      Action: [...RESOURCE_WRITE_ACTIONS, ...ROLE_WRITE_ACTIONS],
      Resource: '*',
      Condition: {
        ...notExempt(execRole, deployer),
        Null: { [`aws:ResourceTag/${SCP_GUARD_TAG}`]: 'false' },
      },
    },
    {
      Sid: 'BreakGlassRoles',
      Effect: 'Deny',
      Action: ROLE_WRITE_ACTIONS,
      Resource: [...new Set([...spec.roleNames, spec.deployerRoleName])].map(role),
      Condition: notExempt(execRole, deployer),
    },
  ];
  if (spec.lockBootstrapRoles) {
    out.push({
      Sid: 'BreakGlassBootstrapRoles',
      Effect: 'Deny',
      Action: 'sts:AssumeRole',
      Resource: role(`cdk-${spec.qualifier}-*`),
      Condition: notExempt(deployer),
    });
    // Passing the execution role to CloudFormation would act as it without assuming it.
    out.push({
      Sid: 'BreakGlassExecutionRole',
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: execRole,
      Condition: notExempt(deployRole),
    });
  }
  return out;
}
