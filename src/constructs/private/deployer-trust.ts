/**
 * The deployer role's trust policy: only listed principals, MFA for people, optional Region lock.
 *
 * - People are IAM users (`…:user/…`): `Bool aws:MultiFactorAuthPresent "true"`. The key is absent
 *   for long-term access keys, so `Bool` (not `BoolIfExists`) rejects them:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 * - Roles (`…:role/…`) are automation (CI): a CI role's session comes from OIDC / instance / task
 *   credentials, which have no MFA, so no MFA condition is possible. The ARN's resource type tells
 *   the two apart; a role is trusted exactly as listed (`ArnEquals`, no wildcard), so only that role
 *   (whose own trust policy decides who may become it) gets in.
 * - Principal = the principals' account roots + `ArnEquals aws:PrincipalArn`: naming a user or role
 *   ARN directly in `Principal` fails to deploy if it does not exist yet and silently breaks when it
 *   is recreated (IAM stores the unique id):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 *   For a role session `aws:PrincipalArn` is the role's ARN (with its path):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * - Region lock: one explicit `Deny sts:AssumeRole` outside the watched Regions (as the break-glass
 *   role's), so the deployer cannot be assumed where nobody listens.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

/** A listed principal ARN: IAM user or role, optional path, no wildcard. */
export const DEPLOYER_PRINCIPAL_ARN =
  /^arn:aws[a-z-]*:iam::(\d{12}):(user|role)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export interface DeployerPrincipals {
  /** IAM user ARNs (people: MFA required). */
  readonly people: readonly string[];
  /** IAM role ARNs (automation: no MFA). */
  readonly automation: readonly string[];
}

/** Splits listed ARNs into people (users) and automation (roles); assumes they passed the regex. */
export function classifyPrincipals(arns: readonly string[]): DeployerPrincipals {
  const people: string[] = [];
  const automation: string[] = [];
  for (const a of arns) (/:user\//.test(a) ? people : automation).push(a);
  return { people, automation };
}

/** `arn:<partition>:iam::<account>:root` of a listed ARN (its own partition and account). */
const rootOf = (arn: string): string => `${arn.split(':').slice(0, 5).join(':')}:root`;

export function deployerTrustStatements(
  principals: DeployerPrincipals,
  regionLock: readonly string[] | undefined,
): iam.PolicyStatement[] {
  const roots = (arns: readonly string[]) =>
    [...new Set(arns.map(rootOf))].map((a) => new iam.ArnPrincipal(a));
  const out: iam.PolicyStatement[] = [];
  if (principals.people.length > 0) {
    out.push(
      new iam.PolicyStatement({
        sid: 'PeopleWithMfa',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: roots(principals.people),
        conditions: {
          ArnEquals: { 'aws:PrincipalArn': [...principals.people] },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        },
      }),
    );
  }
  if (principals.automation.length > 0) {
    out.push(
      new iam.PolicyStatement({
        sid: 'AutomationRoles',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: roots(principals.automation),
        conditions: { ArnEquals: { 'aws:PrincipalArn': [...principals.automation] } },
      }),
    );
  }
  if (regionLock !== undefined && out.length > 0) {
    // StringNotEquals is true when the key is absent: a request without a Region is denied too.
    out.push(
      new iam.PolicyStatement({
        sid: 'OnlyWatchedRegions',
        effect: iam.Effect.DENY,
        actions: ['sts:AssumeRole'],
        principals: [new iam.AnyPrincipal()],
        conditions: { StringNotEquals: { 'aws:RequestedRegion': [...regionLock] } },
      }),
    );
  }
  return out;
}
