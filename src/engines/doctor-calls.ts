/**
 * Every AWS API call `breakglass doctor` can make, with the IAM action it needs. One table for the
 * code (the adapters send only these commands), the managed policy the constructs offer
 * (`BreakGlassDoctorPolicy`) and the README, so the three cannot drift apart.
 *
 * All of them only read. `doctor --drill` makes the calls in {@link DOCTOR_DRILL_CALLS} on top:
 * the one documented exception (it assumes the drill role and makes one attempt that the
 * break-glass role's trust policy denies).
 */

export interface DoctorCall {
  /** SDK v3 client package, without the `@aws-sdk/` scope. */
  readonly client: string;
  /** SDK v3 command class name (e.g. `DescribeRuleCommand`). */
  readonly command: string;
  /** IAM action the call needs (`service:Action`). */
  readonly iamAction: string;
  /** What doctor reads it for (README table). */
  readonly why: string;
}

/**
 * The calls of the organization checks (made only when the templates have a service-managed
 * StackSet): in the management account or the StackSets delegated administrator.
 */
export const DOCTOR_ORGANIZATION_CALLS: readonly DoctorCall[] = [
  {
    client: 'client-organizations',
    command: 'DescribeOrganizationCommand',
    iamAction: 'organizations:DescribeOrganization',
    why: 'the management account (StackSets never deploy to it)',
  },
  {
    client: 'client-organizations',
    command: 'ListAWSServiceAccessForOrganizationCommand',
    iamAction: 'organizations:ListAWSServiceAccessForOrganization',
    why: 'trusted access for CloudFormation StackSets is enabled',
  },
  {
    client: 'client-organizations',
    command: 'ListDelegatedAdministratorsCommand',
    iamAction: 'organizations:ListDelegatedAdministrators',
    why: 'the StackSets delegated administrator is registered',
  },
  {
    client: 'client-organizations',
    command: 'ListAccountsForParentCommand',
    iamAction: 'organizations:ListAccountsForParent',
    why: 'accounts of the targeted OUs',
  },
  {
    client: 'client-organizations',
    command: 'ListOrganizationalUnitsForParentCommand',
    iamAction: 'organizations:ListOrganizationalUnitsForParent',
    why: 'child OUs of the targeted OUs (StackSets deploy to them too)',
  },
  {
    client: 'client-cloudformation',
    command: 'ListStackInstancesCommand',
    iamAction: 'cloudformation:ListStackInstances',
    why: 'a CURRENT stack instance for every account × Region of the StackSet',
  },
];

export const DOCTOR_READ_CALLS: readonly DoctorCall[] = [
  {
    client: 'client-sts',
    command: 'GetCallerIdentityCommand',
    iamAction: 'sts:GetCallerIdentity',
    why: 'which account the credentials belong to',
  },
  {
    client: 'client-account',
    command: 'ListRegionsCommand',
    iamAction: 'account:ListRegions',
    why: 'covered Regions enabled',
  },
  {
    client: 'client-ssm',
    command: 'GetParameterCommand',
    iamAction: 'ssm:GetParameter',
    why: 'CDK bootstrap version (/cdk-bootstrap/<qualifier>/version)',
  },
  {
    client: 'client-secrets-manager',
    command: 'DescribeSecretCommand',
    iamAction: 'secretsmanager:DescribeSecret',
    why: 'the secrets the templates name exist (never their values)',
  },
  {
    client: 'client-iam',
    command: 'GetAccountSummaryCommand',
    iamAction: 'iam:GetAccountSummary',
    why: 'role trust policy length quota',
  },
  {
    client: 'client-cloudtrail',
    command: 'DescribeTrailsCommand',
    iamAction: 'cloudtrail:DescribeTrails',
    why: 'a trail covers every Region',
  },
  {
    client: 'client-cloudtrail',
    command: 'GetTrailStatusCommand',
    iamAction: 'cloudtrail:GetTrailStatus',
    why: 'the trail is logging',
  },
  {
    client: 'client-cloudtrail',
    command: 'GetEventSelectorsCommand',
    iamAction: 'cloudtrail:GetEventSelectors',
    why: 'the trail records management events',
  },
  {
    client: 'client-cloudformation',
    command: 'DescribeStacksCommand',
    iamAction: 'cloudformation:DescribeStacks',
    why: 'the stacks are deployed and stable',
  },
  {
    client: 'client-cloudformation',
    command: 'DescribeStackResourcesCommand',
    iamAction: 'cloudformation:DescribeStackResources',
    why: 'physical ids of the deployed resources',
  },
  {
    client: 'client-eventbridge',
    command: 'DescribeRuleCommand',
    iamAction: 'events:DescribeRule',
    why: 'rule pattern and state equal the template',
  },
  {
    client: 'client-eventbridge',
    command: 'ListTargetsByRuleCommand',
    iamAction: 'events:ListTargetsByRule',
    why: 'rule targets equal the template',
  },
  {
    client: 'client-eventbridge',
    command: 'DescribeEventBusCommand',
    iamAction: 'events:DescribeEventBus',
    why: 'event bus policy statements equal the template',
  },
  {
    client: 'client-sns',
    command: 'GetTopicAttributesCommand',
    iamAction: 'sns:GetTopicAttributes',
    why: 'topic policy and key equal the template',
  },
  {
    client: 'client-sns',
    command: 'ListSubscriptionsByTopicCommand',
    iamAction: 'sns:ListSubscriptionsByTopic',
    why: 'email subscriptions exist',
  },
  {
    client: 'client-sns',
    command: 'GetSubscriptionAttributesCommand',
    iamAction: 'sns:GetSubscriptionAttributes',
    why: 'email subscriptions confirmed with authentication on unsubscribe',
  },
  {
    client: 'client-kms',
    command: 'DescribeKeyCommand',
    iamAction: 'kms:DescribeKey',
    why: 'the alert key is enabled',
  },
  {
    client: 'client-kms',
    command: 'GetKeyPolicyCommand',
    iamAction: 'kms:GetKeyPolicy',
    why: 'key policy equals the template',
  },
  {
    client: 'client-cloudwatch',
    command: 'DescribeAlarmsCommand',
    iamAction: 'cloudwatch:DescribeAlarms',
    why: 'alarms are OK and their actions enabled',
  },
  {
    client: 'client-sqs',
    command: 'GetQueueAttributesCommand',
    iamAction: 'sqs:GetQueueAttributes',
    why: 'dead-letter queues are empty',
  },
  {
    client: 'client-cloudwatch-logs',
    command: 'FilterLogEventsCommand',
    iamAction: 'logs:FilterLogEvents',
    why: 'time of the last drill per Region (and --drill waiting for its own)',
  },
  ...DOCTOR_ORGANIZATION_CALLS,
];

/** The calls only `doctor --drill` makes (not read-only; not in the managed policy). */
export const DOCTOR_DRILL_CALLS: readonly DoctorCall[] = [
  {
    client: 'client-sts',
    command: 'AssumeRoleCommand',
    iamAction: 'sts:AssumeRole',
    why: '--drill: assume the drill role, then make the one attempt on the break-glass role that its trust policy denies',
  },
];

/** The IAM actions of the read calls, sorted and without duplicates (the managed policy's list). */
export function doctorReadActions(): string[] {
  return [...new Set(DOCTOR_READ_CALLS.map((c) => c.iamAction))].sort();
}

/** True for an SDK command name that only reads (Describe…, Get…, List…, Filter…). */
export function isReadCommand(command: string): boolean {
  return /^(Describe|Get|List|Filter)[A-Z]/.test(command);
}
