import { Aws, Duration, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as sso from 'aws-cdk-lib/aws-sso';
import { Construct } from 'constructs';
import { PERMISSION_SET_NAME, ssoRoleNamePrefix } from '../engines/identity-center.js';
import { BreakGlassValidationError } from './errors.js';
import type { MemberWatch } from './private/member-watch.js';
import { permissionSetWatch } from './private/permission-set-watch.js';

/**
 * Properties of {@link BreakGlassPermissionSet}. Limits are those of the IAM Identity Center API
 * (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html,
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html) and
 * the CloudFormation resources `AWS::SSO::PermissionSet` / `AWS::SSO::Assignment`.
 */
export interface BreakGlassPermissionSetProps {
  /**
   * Name of the permission set: 1-32 of letters, digits and `+ = , . @ _ -`. Its role in every
   * assigned account is `AWSReservedSSO_<name>_<16-character suffix>`, which the alerts match.
   */
  readonly permissionSetName: string;
  /** ARN of the IAM Identity Center instance, e.g. `arn:aws:sso:::instance/ssoins-1234567890abcdef`. */
  readonly instanceArn: string;
  /**
   * Identity Store id of the group the permission set is assigned to in every account (a UUID,
   * optionally prefixed by 10 hex digits and `-`). People join the group to be able to break the glass.
   */
  readonly groupId: string;
  /** Accounts (12-digit ids) the group gets the permission set in; one assignment each. */
  readonly accounts: readonly string[];
  /**
   * How long a session of the permission set lasts, 1 to 12 hours.
   * @default Duration.hours(1)
   */
  readonly sessionDuration?: Duration;
  /**
   * AWS managed policies attached to the permission set, by name (`AdministratorAccess`,
   * `job-function/ViewOnlyAccess`) or ARN (`arn:aws:iam::aws:policy/…`).
   * @default ['AdministratorAccess']
   */
  readonly managedPolicies?: readonly string[];
  /**
   * An inline policy added to the permission set (at most 32,768 characters).
   * @default - none
   */
  readonly inlinePolicy?: iam.PolicyDocument;
  /**
   * Description shown in the access portal (at most 700 characters of printable Latin-1).
   * @default 'Break-glass emergency access: every use alerts the security team'
   */
  readonly description?: string;
  /**
   * Where the console opens after federation (the permission set's relay state), e.g.
   * `https://console.aws.amazon.com/cloudtrail/home`.
   * @default - the console home page
   */
  readonly relayState?: string;
}

const INSTANCE_ARN = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const GROUP_ID =
  /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const ACCOUNT = /^\d{12}$/;
const AWS_MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/\S+$/;
const POLICY_NAME = /^[\w+=,.@/-]+$/;
// Tab, newline, carriage return, printable ASCII and Latin-1 (PermissionSet Description pattern).
const DESCRIPTION = new RegExp('^[\\t\\n\\r\\u0020-\\u007E\\u00A1-\\u00FF]{1,700}$');
const RELAY_STATE = /^[a-zA-Z0-9&$@#\\/%?=~\-_'"|!:,.;*+[\] (){}]{1,240}$/;
const INLINE_POLICY_CHARS = 32768;
const DEFAULT_DESCRIPTION = 'Break-glass emergency access: every use alerts the security team';

/**
 * An IAM Identity Center permission set for breaking the glass, assigned to one group in each listed
 * account (`AWS::SSO::PermissionSet` + one `AWS::SSO::Assignment` per account, `PrincipalType: GROUP`).
 *
 * Deploy it in the organization's management account, or in the account registered as delegated
 * administrator for IAM Identity Center, in the Region of the Identity Center instance: account
 * assignments and permission sets are managed only there.
 *
 * MFA is Identity Center's to enforce (its MFA settings, or the external IdP's): the sessions it
 * creates are federated, and CloudTrail reports `mfaAuthenticated` only for root and IAM users
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html),
 * so a permission-set session always shows `false` and IAM cannot require MFA on it.
 *
 * Every use of the permission set's roles in an account is watched by the rules of {@link watches}
 * (run on the member accounts' default buses and forwarded to the central bus).
 */
export class BreakGlassPermissionSet extends Construct {
  /** The CloudFormation permission set. */
  readonly resource: sso.CfnPermissionSet;
  /** ARN of the permission set. */
  readonly permissionSetArn: string;
  /** Name of the permission set. */
  readonly permissionSetName: string;
  /** `AWSReservedSSO_<name>_`: the start of the permission set's role name in every account. */
  readonly roleNamePrefix: string;
  /** Accounts the group is assigned to. */
  readonly accounts: readonly string[];
  /** The assignment of each account, in the order of `accounts`. */
  readonly assignments: readonly sso.CfnAssignment[];

  constructor(scope: Construct, id: string, props: BreakGlassPermissionSetProps) {
    super(scope, id);
    const where = this.node.path;
    const fail = (prop: string, detail: string): never => {
      throw new BreakGlassValidationError(where, prop, detail);
    };
    const literal = (v: string) => !Token.isUnresolved(v);

    const name = props.permissionSetName;
    if (!literal(name))
      fail('permissionSetName', 'must be a literal string: the alert rules of every account match the name');
    if (!PERMISSION_SET_NAME.test(name))
      fail(
        'permissionSetName',
        `'${name}' is not a permission-set name; use 1-32 of letters, digits and + = , . @ _ -`,
      );
    if (literal(props.instanceArn) && !INSTANCE_ARN.test(props.instanceArn))
      fail(
        'instanceArn',
        `'${props.instanceArn}' is not an Identity Center instance ARN; use e.g. 'arn:aws:sso:::instance/ssoins-1234567890abcdef'`,
      );
    if (literal(props.groupId) && !GROUP_ID.test(props.groupId))
      fail(
        'groupId',
        `'${props.groupId}' is not an Identity Store group id; use the group's UUID from Identity Center`,
      );
    if (props.accounts.length === 0)
      fail('accounts', 'empty; list the accounts the group may break the glass in');
    const seen = new Set<string>();
    for (const a of props.accounts) {
      if (literal(a) && !ACCOUNT.test(a)) fail('accounts', `'${a}' is not a 12-digit account id`);
      if (seen.has(a)) fail('accounts', `'${a}' is listed twice; list each account once`);
      seen.add(a);
    }
    const duration = props.sessionDuration ?? Duration.hours(1);
    if (!duration.isUnresolved()) {
      const minutes = duration.toMinutes({ integral: false });
      if (minutes < 60 || minutes > 720)
        fail('sessionDuration', `${duration.toHumanString()} is out of range; use 1 to 12 hours`);
    }
    const description = props.description ?? DEFAULT_DESCRIPTION;
    if (literal(description) && !DESCRIPTION.test(description))
      fail('description', 'must be 1-700 printable characters (ASCII or Latin-1)');
    if (props.relayState !== undefined && literal(props.relayState) && !RELAY_STATE.test(props.relayState))
      fail(
        'relayState',
        `'${props.relayState}' is not a relay state; use a console URL of at most 240 characters`,
      );
    const inlinePolicy = props.inlinePolicy?.toJSON() as unknown;
    if (inlinePolicy !== undefined) {
      const size = JSON.stringify(inlinePolicy).length;
      if (size > INLINE_POLICY_CHARS)
        fail(
          'inlinePolicy',
          `${size} characters; Identity Center allows ${INLINE_POLICY_CHARS}: use managed policies`,
        );
    }
    const managedPolicies = (props.managedPolicies ?? ['AdministratorAccess']).map((p) => {
      if (!literal(p) || AWS_MANAGED_POLICY_ARN.test(p)) return p;
      if (p.startsWith('arn:') || !POLICY_NAME.test(p))
        fail(
          'managedPolicies',
          `'${p}' is not an AWS managed policy; give its name ('ReadOnlyAccess') or ARN ('arn:aws:iam::aws:policy/ReadOnlyAccess')`,
        );
      return `arn:${Aws.PARTITION}:iam::aws:policy/${p}`;
    });

    this.resource = new sso.CfnPermissionSet(this, 'Resource', {
      name,
      instanceArn: props.instanceArn,
      description,
      sessionDuration: duration.toIsoString(),
      managedPolicies,
      ...(inlinePolicy === undefined ? {} : { inlinePolicy }),
      ...(props.relayState === undefined ? {} : { relayStateType: props.relayState }),
    });
    this.permissionSetArn = this.resource.attrPermissionSetArn;
    this.permissionSetName = name;
    this.roleNamePrefix = ssoRoleNamePrefix(name);
    this.accounts = [...props.accounts];
    // Logical ids by account id: adding or removing an account leaves the others' assignments alone.
    this.assignments = props.accounts.map(
      (account, i) =>
        new sso.CfnAssignment(this, `Assignment${literal(account) ? account : i}`, {
          instanceArn: props.instanceArn,
          permissionSetArn: this.permissionSetArn,
          principalType: 'GROUP',
          principalId: props.groupId,
          targetType: 'AWS_ACCOUNT',
          targetId: account,
        }),
    );
  }

  /**
   * The member-account rules that watch every use of this permission set's roles: AssumeRoleWithSAML
   * into them, console federation, every call made with them, and denied attempts on them.
   */
  watches(): MemberWatch[] {
    return permissionSetWatch(this.permissionSetName);
  }
}
