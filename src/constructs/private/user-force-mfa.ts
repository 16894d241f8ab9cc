/**
 * AWS's documented "Force MFA" pattern, reduced to password + MFA self-service:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_users-self-manage-mfa-and-creds.html
 *
 * The Deny uses `BoolIfExists … "false"` on purpose: for a *deny* the key's absence (long-term
 * access keys) must also deny; the mirror of the `Bool … "true"` pitfall on allows.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

/** Actions a user without MFA may still call: enough to enrol MFA and change the initial password. */
export const ALLOWED_WITHOUT_MFA = [
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetUser',
  'iam:GetMFADevice',
  'iam:ListMFADevices',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'iam:ChangePassword',
  'iam:GetAccountPasswordPolicy',
  'sts:GetSessionToken',
];

export function forceMfaStatements(partition: string, account: string): iam.PolicyStatement[] {
  const self = `arn:${partition}:iam::${account}:user/\${aws:username}`;
  return [
    new iam.PolicyStatement({
      sid: 'AllowViewAccountInfo',
      actions: ['iam:GetAccountPasswordPolicy', 'iam:ListVirtualMFADevices'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'AllowManageOwnPasswordAndMfa',
      actions: [
        'iam:ChangePassword',
        'iam:GetUser',
        'iam:GetMFADevice',
        'iam:ListMFADevices',
        'iam:EnableMFADevice',
        'iam:ResyncMFADevice',
        'iam:DeactivateMFADevice',
      ],
      resources: [self],
    }),
    new iam.PolicyStatement({
      sid: 'AllowCreateVirtualMfaDevice',
      actions: ['iam:CreateVirtualMFADevice'],
      resources: [`arn:${partition}:iam::${account}:mfa/*`],
    }),
    new iam.PolicyStatement({
      sid: 'DenyAllExceptListedIfNoMFA',
      effect: iam.Effect.DENY,
      notActions: ALLOWED_WITHOUT_MFA,
      resources: ['*'],
      conditions: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    }),
  ];
}
