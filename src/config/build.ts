import { App, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import {
  BreakGlassRole,
  type BreakGlassRoleProps,
  type TrustedAccountUsers,
} from '../constructs/break-glass-role.js';
import { BreakGlassUser } from '../constructs/break-glass-user.js';
import { BreakGlassDoctorPolicy } from '../constructs/doctor-policy.js';
import { BreakGlassValidationError } from '../constructs/errors.js';
import { BreakGlassScpGuard, SCP_GUARD_TAG } from '../constructs/scp-guard.js';
import { toAlertingOptions } from './alerting-schema.js';
import { ConfigError } from './errors.js';
import { addOrganization, memberRoleArn } from './organization-build.js';
import type { BreakGlassConfig, RoleConfig, UsersConfig } from './schema.js';

/** Default name of the role stack. */
export const DEFAULT_STACK_NAME = 'BreakGlass';

export interface BuildOptions {
  /** Cloud assembly directory. @default - a temporary directory */
  readonly outdir?: string;
  /** Name used in error messages. @default 'config' */
  readonly source?: string;
}

function duration(v: number | string | undefined): Duration | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? Duration.minutes(Math.round(v * 60)) : Duration.parse(v);
}

function roleProps(stack: Stack, role: RoleConfig, users: UsersConfig | undefined): BreakGlassRoleProps {
  const {
    maxSessionDuration,
    role: existing,
    managedPolicies,
    policyStatements,
    usernames,
    trustedAccountUsers,
  } = role;
  // Alerting fields are converted by the alerting schema; the remaining role fields map 1:1.
  const alerting = toAlertingOptions(stack, role);
  let allUsernames = usernames;
  let trusted: TrustedAccountUsers[] | undefined = trustedAccountUsers;
  if (users !== undefined) {
    // The users of the `users:` section may always assume the roles of this config.
    if (users.account === stack.account) {
      allUsernames = [...new Set([...(usernames ?? []), ...users.usernames])];
    } else {
      const listed = (trusted ?? []).find((t) => t.account === users.account);
      trusted = listed
        ? (trusted ?? []).map((t) =>
            t === listed
              ? { account: t.account, usernames: [...new Set([...t.usernames, ...users.usernames])] }
              : t,
          )
        : [...(trusted ?? []), { account: users.account, usernames: users.usernames }];
    }
  }
  return {
    ...alerting,
    federatedUsernames: role.federatedUsernames,
    federatedPermissionSets: role.federatedPermissionSets,
    federatedRoleNames: role.federatedRoleNames,
    requireMfa: role.requireMfa,
    requireSourceIdentity: role.requireSourceIdentity,
    requireReason: role.requireReason,
    trustPolicyQuota: role.trustPolicyQuota,
    roleName: role.roleName,
    canManageBreakGlassRole: role.canManageBreakGlassRole,
    deployer: role.deployer,
    deployerExists: role.deployerExists,
    deployerPrincipals: role.deployerPrincipals,
    deploymentAccessAlerts: role.deploymentAccessAlerts,
    usernames: allUsernames,
    trustedAccountUsers: trusted,
    maxSessionDuration: duration(maxSessionDuration),
    role:
      existing === undefined
        ? undefined
        : existing.startsWith('arn:')
          ? iam.Role.fromRoleArn(stack, 'ExistingRole', existing, {
              mutable: role.canManageBreakGlassRole ?? false,
            })
          : iam.Role.fromRoleName(stack, 'ExistingRole', existing),
    managedPolicies: managedPolicies?.map((p, i) =>
      p.startsWith('arn:')
        ? iam.ManagedPolicy.fromManagedPolicyArn(stack, `ManagedPolicy${i}`, p)
        : iam.ManagedPolicy.fromAwsManagedPolicyName(p),
    ),
    policyStatements: policyStatements?.map((s) => iam.PolicyStatement.fromJson(s)),
  };
}

/** Runs `build`, turning construct validation errors into config errors at `<section>.<prop>`. */
function asConfig<T>(source: string, section: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof BreakGlassValidationError) {
      const prefix = `${e.constructPath}: ${e.prop}: `;
      const detail = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
      throw new ConfigError(source, [{ path: `${section}.${e.prop}`, message: detail }], { cause: e });
    }
    throw e;
  }
}

/**
 * Builds the CDK app of a config: a role stack (`stackName`, in `account`/`region`), one more per
 * `memberAccounts` entry (`<stackName>-<account>`), and a users stack for `users`
 * (`<stackName>-Users` in `users.account`/`users.region`) whose users may assume every role of the
 * config (and every role trusts them). Regional stacks are added by the monitoring constructs.
 */
export function buildApp(config: BreakGlassConfig, opts: BuildOptions = {}): App {
  const source = opts.source ?? 'config';
  // A qualifier of the break-glass environments' own (scpGuard): the stacks' synthesizer and the
  // deployer use its bootstrap roles.
  const qualifier = config.scpGuard?.qualifier;
  const app = new App({
    outdir: opts.outdir,
    analyticsReporting: false,
    ...(qualifier ? { context: { '@aws-cdk/core:bootstrapQualifier': qualifier } } : {}),
  });
  const stackName = config.stackName ?? DEFAULT_STACK_NAME;
  const roles: BreakGlassRole[] = [];

  if (config.organization !== undefined) {
    const organization = config.organization;
    addOrganization(app, { ...config, organization }, stackName, (section, build) =>
      asConfig(source, section, build),
    );
  } else if (config.role !== undefined) {
    const roleConfig = config.role;
    for (const account of [config.account, ...(config.memberAccounts ?? [])]) {
      const stack = new Stack(app, account === config.account ? stackName : `${stackName}-${account}`, {
        env: { account, region: config.region },
        description: 'Break-glass role with alerts on every use (breakglass)',
      });
      roles.push(
        asConfig(
          source,
          'role',
          () => new BreakGlassRole(stack, 'BreakGlass', roleProps(stack, roleConfig, config.users)),
        ),
      );
      if (config.doctorPolicy) new BreakGlassDoctorPolicy(stack, 'DoctorPolicy');
    }
  }

  if (config.users !== undefined) {
    const users = config.users;
    const stack = new Stack(app, users.stackName ?? `${stackName}-Users`, {
      env: { account: users.account, region: users.region },
      description: 'Break-glass IAM users (no credentials in code) with sign-in alerts (breakglass)',
    });
    const { account: _a, region: _r, stackName: _s, usernames, assumableRoles, ...alertingFields } = users;
    const user = asConfig(
      source,
      'users',
      () =>
        new BreakGlassUser(stack, 'BreakGlassUsers', {
          ...toAlertingOptions(stack, alertingFields),
          usernames,
          assumableRoles: [
            ...roles.map((r) => r.role),
            ...(assumableRoles ?? []).map((arn, i) => iam.Role.fromRoleArn(stack, `AssumableRole${i}`, arn)),
            // With an organization: the member role in every account.
            ...(config.organization && config.role?.roleName
              ? [iam.Role.fromRoleArn(stack, 'MemberRoles', memberRoleArn(config.role.roleName))]
              : []),
          ],
        }),
    );
    if (config.organization && config.role?.roleName)
      Validations.of(user).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${config.role.roleName}]`,
        reason:
          'The break-glass users may assume the member role of every account of the organization: the account is a wildcard so that accounts joining later are covered; each member role trusts only these users (MFA) and alerts every use',
      });
    // One doctor policy per account: the role stacks have it already where the users live with a role.
    const roleAccounts = config.organization
      ? [config.account]
      : config.role
        ? [config.account, ...(config.memberAccounts ?? [])]
        : [];
    if (config.doctorPolicy && !roleAccounts.includes(users.account))
      new BreakGlassDoctorPolicy(stack, 'DoctorPolicy');
  }
  if (config.scpGuard !== undefined) addScpGuard(app, config, stackName, source);
  return app;
}

/**
 * The SCP guard: its own stack in the management (or delegated administrator) account, in us-east-1
 * (Organizations is a global service hosted there), and the guard's tag on every resource of the app.
 */
function addScpGuard(app: App, config: BreakGlassConfig, stackName: string, source: string): void {
  const guard = config.scpGuard;
  if (guard === undefined) return;
  const deployer = config.role?.deployer;
  if (deployer === undefined || config.role?.deployerExists !== undefined) {
    throw new ConfigError(source, [
      {
        path: 'scpGuard',
        message:
          'needs a deployer role of a fixed name to exempt: set role.deployer (without role.deployerExists)',
      },
    ]);
  }
  Tags.of(app).add(SCP_GUARD_TAG, 'true');
  const stack = new Stack(app, `${stackName}-ScpGuard`, {
    env: { account: guard.account, region: 'us-east-1' },
    description: 'Service control policy guarding the break-glass stacks (breakglass)',
  });
  asConfig(
    source,
    'scpGuard',
    () =>
      new BreakGlassScpGuard(stack, 'ScpGuard', {
        targetIds: guard.targetIds,
        deployerRoleName: deployer,
        stackName,
        roleNames: config.role?.roleName ? [config.role.roleName] : [],
        qualifier: guard.qualifier,
        exemptRoleArns: guard.exemptRoleArns,
        policyName: guard.policyName,
      }),
  );
}

/** Builds and synthesizes the config into a cloud assembly in `outdir` (deploy with `cdk deploy --app <outdir>`). */
export function synthesizeConfig(config: BreakGlassConfig, outdir: string, source = 'config'): CloudAssembly {
  const app = buildApp(config, { outdir, source });
  return asConfig(source, 'role', () => app.synth());
}
