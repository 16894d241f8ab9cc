import { Annotations, Duration, PhysicalName, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TAG_BREAKGLASS_ROLE } from '../engines/conventions.js';
import type { BreakGlassAlertingOptions } from './alerting-props.js';
import { BreakGlassValidationError } from './errors.js';
import { BreakGlassDeployer, type DeployerKind, type DeploymentAccessAlerts } from './deployer.js';
import { BreakGlassMonitoring } from './monitoring.js';
import {
  IAM_USER_NAME,
  PERMISSION_SET_NAME,
  ROLE_NAME,
  SESSION_NAME,
  Validator,
} from './private/role-validate.js';
import { acknowledgeChosenPermissions } from './private/role-nag.js';
import { TRUST_POLICY_QUOTA, iamPolicyLength } from './private/quotas.js';
import { watchedRegions } from './private/regions.js';
import { BreakGlassTrustPrincipal, buildTrustStatements } from './private/trust-policy.js';

/** IAM users of another account (e.g. a security account, see `BreakGlassUser`) allowed in. */
export interface TrustedAccountUsers {
  /** 12-digit id of the account the users live in. */
  readonly account: string;
  /** IAM user names in that account (exact, no path). */
  readonly usernames: string[];
}

/**
 * Properties of {@link BreakGlassRole}. Identity props say which identity type each one covers;
 * at least one of `usernames`, `federatedUsernames`, `trustedAccountUsers` (or an imported `role`)
 * is required.
 */
export interface BreakGlassRoleProps extends BreakGlassAlertingOptions {
  /**
   * IAM users **of this account** allowed to assume the role (exact user names, no path).
   * Matched with `ArnEquals aws:PrincipalArn` on `arn:<partition>:iam::<account>:user/<name>`;
   * the trust principal is the account, so each user also needs `sts:AssumeRole` on the role in an
   * identity policy (see `grantAssume`). Does NOT cover federated / Identity Center people (the
   * old `aws:username` condition only exists for IAM users and silently locked them out).
   * @default - no IAM users of this account
   */
  readonly usernames?: string[];

  /**
   * Federated people (IAM Identity Center or SAML) by their role session name, which Identity
   * Center sets to the user name. Matched exactly (case-sensitive) with `aws:userid` = `*:<name>`
   * plus `aws:PrincipalArn` on the Identity Center roles of `federatedPermissionSets` and on
   * `federatedRoleNames`. MFA is not checked for them: federated sessions report
   * `MultiFactorAuthPresent` false even when the IdP enforced MFA; enforce MFA in the IdP.
   * @default - no federated people
   */
  readonly federatedUsernames?: string[];

  /**
   * Identity Center permission-set names whose roles (`AWSReservedSSO_<name>_<16-character
   * suffix>` under `/aws-reserved/sso.amazonaws.com/`, with or without a Region segment) the people
   * in `federatedUsernames` may come from. Exact: `Admin` matches neither `Admin_X` nor
   * `Ops-Admin`. `'*'` = any permission set.
   * @default ['*']
   */
  readonly federatedPermissionSets?: string[];

  /**
   * Names of IAM roles of this account (e.g. SAML federation roles outside Identity Center) whose
   * sessions named in `federatedUsernames` may assume the break-glass role.
   * @default - none
   */
  readonly federatedRoleNames?: string[];

  /**
   * IAM users of other accounts (cross-account break glass, as in the aws-samples cross-account break-glass example). MFA is always required.
   * @default - none
   */
  readonly trustedAccountUsers?: TrustedAccountUsers[];

  /**
   * Require MFA (`Bool aws:MultiFactorAuthPresent true`) for IAM users of this account. Long-term
   * access keys carry no MFA key and are rejected; use `aws sts get-session-token` with MFA or the
   * console after an MFA sign-in.
   * @default true
   */
  readonly requireMfa?: boolean;

  /**
   * Require a source identity: `sts:SetSourceIdentity` is allowed and `sts:SourceIdentity` must
   * equal the IAM user name (`${aws:username}`) or, for federated people, their session name. The
   * console's Switch Role cannot set a source identity: people must use the CLI/SDK.
   * @default false
   */
  readonly requireSourceIdentity?: boolean;

  /**
   * Require the session tag `Reason` (`Ticket` stays optional). Whatever this says, session tags
   * other than `Reason`/`Ticket` are always rejected. The console's Switch Role cannot set session
   * tags: with this on, people must use the CLI/SDK.
   * @default false
   */
  readonly requireReason?: boolean;

  /**
   * The account's IAM "Role trust policy length" quota, in characters. IAM rejects `CreateRole` /
   * `UpdateAssumeRolePolicy` above it, so synthesis fails when the trust policy is longer. Set it
   * only after raising the quota in Service Quotas (IAM, "Role trust policy length").
   * @default 2048 (IAM's default; it can be raised to 4096)
   */
  readonly trustPolicyQuota?: number;

  /**
   * Maximum session length (1-12 hours). Role chaining (e.g. from an Identity Center session)
   * is capped at 1 hour by STS regardless.
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;

  /**
   * Physical name of the created role.
   * @default - generated; a stable name is generated only if another environment references it
   */
  readonly roleName?: string;

  /**
   * Use an existing role instead of creating one. Its trust policy is NOT changed (CloudFormation
   * cannot); `trustPolicy` holds the hardened document to apply by hand.
   * @default - a new role is created
   */
  readonly role?: iam.IRole;

  /**
   * Allow this construct (and the deployer) to change an imported `role`: attach `managedPolicies` /
   * `policyStatements`. Without it an imported role is left untouched (an info annotation lists
   * what was skipped).
   * @default false
   */
  readonly canManageBreakGlassRole?: boolean;

  /**
   * Managed policies of the role.
   * @default - AdministratorAccess when neither this nor `policyStatements` is given (with a warning)
   */
  readonly managedPolicies?: iam.IManagedPolicy[];

  /**
   * Inline statements of the role.
   * @default - none
   */
  readonly policyStatements?: iam.PolicyStatement[];

  /**
   * Name of the IAM user or role that deploys this stack; a least-privilege deployer role is
   * created for it (see `BreakGlassDeployer`).
   * @default - no deployer role
   */
  readonly deployer?: string;

  /**
   * Whether `deployer` names an existing IAM `'user'` or `'role'` of this account (it is then
   * trusted by ARN). Unset: the deployer role itself is created with the name `deployer`.
   * @default - the deployer role is named `deployer`
   */
  readonly deployerExists?: DeployerKind;

  /**
   * Who may assume the deployer (IAM user ARNs: people, MFA required; IAM role ARNs: CI). Required
   * with `deployer` unless `deployerExists` names the one principal (see `BreakGlassDeployer`).
   * @default - only the `deployerExists` principal
   */
  readonly deployerPrincipals?: string[];

  /**
   * Where assuming the deployer or the CDK bootstrap deploy role is alerted: `'log'`, `'notify'`
   * (log group + alert topic, headed "Deployment access") or `'page'` (every channel).
   * @default 'notify'
   */
  readonly deploymentAccessAlerts?: DeploymentAccessAlerts;
}

const ALERTING_KEYS = [
  'loginAlertEmails',
  'message',
  'createLoginLogGroup',
  'logActions',
  'logServices',
  'retention',
  'regions',
  'eventBus',
  'slack',
  'webhooks',
  'alertTopics',
  'alertQueues',
  'alertFunctions',
  'createTrail',
  'dataEvents',
  'dataEventsPrincipals',
  'drill',
  'deniedAttempts',
  'tamperAlerts',
  'tamperAlertEmails',
] as const satisfies readonly (keyof BreakGlassAlertingOptions)[];

/** Picks the alerting options out of a props object (shared with BreakGlassUser). */
export function alertingOptionsOf(props: BreakGlassAlertingOptions): BreakGlassAlertingOptions {
  const out: Record<string, unknown> = {};
  for (const k of ALERTING_KEYS) if (props[k] !== undefined) out[k] = props[k];
  return out as BreakGlassAlertingOptions;
}

/**
 * A hardened break-glass IAM role whose every use is alerted in every covered Region
 * (via `BreakGlassMonitoring`). API of awslabs/aws-break-glass-role, corrected.
 */
export class BreakGlassRole extends Construct {
  /** The break-glass role (created or imported). */
  readonly role: iam.IRole;
  /** The hardened trust policy (applied to created roles; for imported ones, apply it by hand). */
  readonly trustPolicy: iam.PolicyDocument;
  /** Concrete Regions covered (role assumable, ways in watched). */
  readonly regions: string[];
  /** Alerting and action logging for the role. */
  readonly monitoring: BreakGlassMonitoring;
  /** The deployer, when `deployer` is set. */
  readonly deployer?: BreakGlassDeployer;

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    const v = new Validator(this);
    const stack = Stack.of(this);

    v.names('usernames', props.usernames, IAM_USER_NAME, 'IAM user name', true);
    v.names('federatedUsernames', props.federatedUsernames, SESSION_NAME, 'role session name', false);
    (props.federatedPermissionSets ?? []).forEach((p, i) => {
      if (p !== '*' && !Token.isUnresolved(p) && !PERMISSION_SET_NAME.test(p)) {
        v.fail(
          `federatedPermissionSets[${i}]`,
          `not a permission-set name; use '*' or 1-32 of [A-Za-z0-9+=,.@_-] (got ${JSON.stringify(p)})`,
        );
      }
    });
    v.names('federatedRoleNames', props.federatedRoleNames, ROLE_NAME, 'IAM role name', true);
    (props.trustedAccountUsers ?? []).forEach((t, i) => {
      v.account(`trustedAccountUsers[${i}].account`, t.account);
      if (
        !Token.isUnresolved(t.account) &&
        !Token.isUnresolved(stack.account) &&
        t.account === stack.account
      ) {
        v.fail(
          `trustedAccountUsers[${i}].account`,
          `is this stack's own account; list its users in usernames (got ${JSON.stringify(t.account)})`,
        );
      }
      if (t.usernames.length === 0)
        v.fail(
          `trustedAccountUsers[${i}].usernames`,
          'empty; list at least one IAM user name of that account',
        );
      v.names(`trustedAccountUsers[${i}].usernames`, t.usernames, IAM_USER_NAME, 'IAM user name', true);
    });
    v.emails('loginAlertEmails', props.loginAlertEmails);
    // The Region lock is exactly the set of Regions watched: the main Region and us-east-1 (global
    // events, the global STS endpoint) are always watched, so they are always allowed too.
    this.regions = watchedRegions(stack.region, v.regions('regions', props.regions));
    v.concreteRegionFor(this.regions.filter((r) => r !== stack.region));
    v.sessionDuration('maxSessionDuration', props.maxSessionDuration);
    if (
      props.roleName !== undefined &&
      !Token.isUnresolved(props.roleName) &&
      !ROLE_NAME.test(props.roleName)
    ) {
      v.fail(
        'roleName',
        `not a valid IAM role name; use 1-64 of [A-Za-z0-9+=,.@_-] (got ${JSON.stringify(props.roleName)})`,
      );
    }
    if (props.deployerExists !== undefined && props.deployer === undefined) {
      v.fail('deployerExists', `set without deployer; name the existing ${props.deployerExists} in deployer`);
    }
    if (props.deployerPrincipals !== undefined && props.deployer === undefined) {
      v.fail(
        'deployerPrincipals',
        'set without deployer; name the deployer role in deployer or drop deployerPrincipals',
      );
    }

    const federatedUsernames = props.federatedUsernames ?? [];
    const permissionSets = props.federatedPermissionSets ?? ['*'];
    const federatedRoleNames = props.federatedRoleNames ?? [];
    if (federatedUsernames.length > 0 && permissionSets.length === 0 && federatedRoleNames.length === 0) {
      v.fail(
        'federatedPermissionSets',
        "empty while federatedUsernames is set; use ['*'] or list permission sets / federatedRoleNames",
      );
    }
    const identityCount =
      (props.usernames?.length ?? 0) + federatedUsernames.length + (props.trustedAccountUsers?.length ?? 0);
    if (identityCount === 0 && props.role === undefined) {
      v.fail(
        'usernames',
        'no one could assume the role; list IAM users in usernames, Identity Center / SAML people in federatedUsernames, or trustedAccountUsers (got [])',
      );
    }

    const statements = buildTrustStatements({
      partition: stack.partition,
      account: stack.account,
      usernames: props.usernames ?? [],
      federatedUsernames,
      federatedPermissionSets: permissionSets,
      federatedRoleNames,
      trustedAccountUsers: props.trustedAccountUsers ?? [],
      regions: this.regions,
      requireMfa: props.requireMfa ?? true,
      requireSourceIdentity: props.requireSourceIdentity ?? false,
      requireReason: props.requireReason ?? false,
    });
    this.trustPolicy = new iam.PolicyDocument({ statements });

    const hasPolicies = (props.managedPolicies?.length ?? 0) + (props.policyStatements?.length ?? 0) > 0;
    if (props.role === undefined) {
      const role = new iam.Role(this, 'Resource', {
        roleName: props.roleName ?? PhysicalName.GENERATE_IF_NEEDED,
        assumedBy: new BreakGlassTrustPrincipal(stack.account, statements),
        maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
        description: 'Break-glass role: every use is alerted (breakglass)',
      });
      Tags.of(role).add(TAG_BREAKGLASS_ROLE, 'true');
      this.role = role;
      this.attachPolicies(props, hasPolicies);
      this.checkTrustPolicySize(statements, props.trustPolicyQuota);
    } else {
      this.role = props.role;
      Annotations.of(this).addInfo(
        `breakglass: imported role ${props.role.roleName}: its trust policy is not managed by CloudFormation; apply BreakGlassRole.trustPolicy by hand and tag it ${TAG_BREAKGLASS_ROLE}=true (aws iam tag-role)`,
      );
      if (props.canManageBreakGlassRole) {
        if (hasPolicies) this.attachPolicies(props, true);
      } else if (hasPolicies) {
        Annotations.of(this).addInfo(
          `breakglass: canManageBreakGlassRole is false: managedPolicies/policyStatements were NOT attached to imported role ${props.role.roleName}`,
        );
      }
    }

    this.monitoring = new BreakGlassMonitoring(this, 'Monitoring', {
      ...alertingOptionsOf(props),
      roles: [this.role],
    });

    if (props.deployer !== undefined) {
      this.deployer = new BreakGlassDeployer(this, 'Deployer', {
        deployer: props.deployer,
        deployerExists: props.deployerExists,
        deployerPrincipals: props.deployerPrincipals,
        channels: this.monitoring.channels,
        deploymentAccessAlerts: props.deploymentAccessAlerts,
        retention: props.retention,
        breakGlassRole: this.role,
        canManageBreakGlassRole: props.canManageBreakGlassRole ?? false,
        regions: this.regions,
      });
    }
  }

  /** ARN of the break-glass role. */
  get roleArn(): string {
    return this.role.roleArn;
  }

  /** Name of the break-glass role. */
  get roleName(): string {
    return this.role.roleName;
  }

  /**
   * Lets `grantee` (an IAM user/group/role of a trusted identity) call `sts:AssumeRole` on the role.
   * The trust policy still decides who gets in; this is the identity-policy half.
   */
  grantAssume(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      resourceArns: [this.role.roleArn],
    });
  }

  private attachPolicies(props: BreakGlassRoleProps, hasPolicies: boolean): void {
    const role = this.role;
    if (!hasPolicies) {
      role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'));
      Annotations.of(this).addWarningV2(
        'breakglass:role-administrator-access',
        'no managedPolicies or policyStatements given: the break-glass role gets AdministratorAccess; pass the policies the emergency needs',
      );
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]',
        reason:
          'AdministratorAccess is the documented default of a break-glass role (a synth warning says so); every use is alerted',
      });
      return;
    }
    for (const p of props.managedPolicies ?? []) role.addManagedPolicy(p);
    for (const s of props.policyStatements ?? []) role.addToPrincipalPolicy(s);
    acknowledgeChosenPermissions(role, props.managedPolicies ?? [], props.policyStatements ?? []);
  }

  private checkTrustPolicySize(statements: iam.PolicyStatement[], quota: number | undefined): void {
    const stack = Stack.of(this);
    const limit = quota ?? TRUST_POLICY_QUOTA.default;
    if (!Number.isInteger(limit) || limit < TRUST_POLICY_QUOTA.default || limit > TRUST_POLICY_QUOTA.max) {
      throw new BreakGlassValidationError(
        this.node.path,
        'trustPolicyQuota',
        `must be an integer from ${TRUST_POLICY_QUOTA.default} (IAM's default) to ${TRUST_POLICY_QUOTA.max} (the most it can be raised to) (got ${JSON.stringify(quota)})`,
      );
    }
    const size = iamPolicyLength(
      flattenIntrinsics(stack.resolve(new iam.PolicyDocument({ statements }).toJSON()), stack.partition),
    );
    if (size > limit) {
      throw new BreakGlassValidationError(
        this.node.path,
        'trustPolicyQuota',
        `the trust policy is ${size} characters (as IAM counts them, without whitespace), over the "Role trust policy length" quota of ${limit}` +
          (limit < TRUST_POLICY_QUOTA.max
            ? `; cover fewer Regions or list fewer people, or raise the quota in Service Quotas (up to ${TRUST_POLICY_QUOTA.max}) and set trustPolicyQuota to the new value`
            : '; cover fewer Regions or list fewer people'),
      );
    }
  }
}

/** Replaces `Ref` pseudo parameters and `Fn::Join` with strings of the width they will have. */
function flattenIntrinsics(value: unknown, partition: string): unknown {
  const flat = (v: unknown) => flattenIntrinsics(v, partition);
  if (Array.isArray(value)) return value.map(flat);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o['Ref'] === 'string') {
      if (o['Ref'] !== 'AWS::Partition') return '111122223333';
      return Token.isUnresolved(partition) ? 'aws' : partition;
    }
    const join = o['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(flat).join(join[0]);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, flat(v)]));
  }
  return value;
}
