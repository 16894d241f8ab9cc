/**
 * The wordings of an AccessDenied message for an STS call on a role, as AWS documents them, so that
 * the scenario generator writes every one of them (a pattern that knows only some shows as a gap).
 *
 * IAM's "Troubleshoot access denied error messages"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html): the message is
 * "User: <caller> is not authorized to perform: <action> on resource: <resource>", followed by a
 * context — " because no <type> policy allows the <action> action" when nothing allows the call,
 * " with an explicit deny in a <type> policy" when a Deny statement matched. The AWS Security Blog
 * "Enhanced access denied error messages with policy ARNs" (2025,
 * https://aws.amazon.com/blogs/security/enhanced-access-denied-error-messages-with-policy-arns/) adds
 * ": <policy ARN>" after the explicit-deny context for service control, resource control,
 * permissions boundary, session and identity-based policies (same account or organization only).
 * Older messages have no context at all.
 */

export interface DenialWording {
  /** Stable id (used in scenario keys and fixture names). */
  readonly id: string;
  /** What follows the resource ARN (empty, or starting with a space). */
  context(action: string, account: string): string;
}

const ORG_POLICY = (account: string, kind: string) =>
  `arn:aws:organizations::${account}:policy/o-a1b2c3d4e5/${kind}/p-a1b2c3d4`;

const implicit = (id: string, type: string): DenialWording => ({
  id,
  context: (action) => ` because no ${type} allows the ${action} action`,
});
const explicit = (id: string, type: string, policyArn?: (account: string) => string): DenialWording => ({
  id,
  context: (_action, account) =>
    ` with an explicit deny in ${type}${policyArn ? `: ${policyArn(account)}` : ''}`,
});

/** Every documented wording; the first is the oldest form (no context). */
export const DENIAL_WORDINGS: readonly DenialWording[] = [
  { id: 'no-context', context: () => '' },
  implicit('implicit-identity-based', 'identity-based policy'),
  implicit('implicit-resource-based', 'resource-based policy'),
  implicit('implicit-permissions-boundary', 'permissions boundary'),
  implicit('implicit-session-policy', 'session policy'),
  implicit('implicit-vpc-endpoint', 'VPC endpoint policy'),
  explicit('explicit-scp', 'a service control policy'),
  explicit('explicit-scp-arn', 'a service control policy', (a) => ORG_POLICY(a, 'service_control_policy')),
  explicit('explicit-rcp', 'a resource control policy'),
  explicit('explicit-rcp-arn', 'a resource control policy', (a) => ORG_POLICY(a, 'resource_control_policy')),
  explicit('explicit-identity-based', 'an identity-based policy'),
  explicit(
    'explicit-identity-based-arn',
    'an identity-based policy',
    (a) => `arn:aws:iam::${a}:policy/DenyAll`,
  ),
  explicit('explicit-resource-based', 'a resource-based policy'),
  explicit('explicit-permissions-boundary', 'a permissions boundary'),
  explicit(
    'explicit-permissions-boundary-arn',
    'a permissions boundary',
    (a) => `arn:aws:iam::${a}:policy/Boundary`,
  ),
  explicit('explicit-session-policy', 'a session policy'),
  explicit('explicit-session-policy-arn', 'a session policy', (a) => `arn:aws:iam::${a}:policy/SessionScope`),
  // The guide's own spelling in its session-policy example.
  explicit('explicit-sessions-policy', 'a sessions policy'),
  explicit('explicit-vpc-endpoint', 'a VPC endpoint policy'),
  {
    id: 'explicit-vpc-endpoint-via-scp',
    context: () =>
      ' with an explicit deny in a VPC endpoint policy transitively through a service control policy',
  },
];

/** The AccessDenied message for `action` (e.g. `sts:AssumeRole`) on `resource`, in `wording`. */
export function denialMessage(
  callerArn: string,
  action: string,
  resource: string,
  wording: DenialWording,
  account: string,
): string {
  return `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}${wording.context(action, account)}`;
}

/**
 * The wordings a Region's scenarios use, spread over the Regions so that every wording is written once
 * per role (linear in Regions + wordings, not their product); with more Regions than wordings the
 * remaining Regions cycle through them again.
 */
export function wordingsForRegion(index: number, regionCount: number): DenialWording[] {
  const n = DENIAL_WORDINGS.length;
  if (regionCount <= 0) return [];
  if (regionCount >= n) return [DENIAL_WORDINGS[index % n] as DenialWording];
  return DENIAL_WORDINGS.filter((_, w) => w % regionCount === index);
}
