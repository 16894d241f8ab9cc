/**
 * The stacks of a config with `organization:`:
 * - `<stackName>` in the security account (`account`, `region`): the central bus, topics, channels
 *   and the account-agnostic central rules (`BreakGlassOrganizationCentral`);
 * - `<stackName>-Organization` in the management account (or `delegatedAdmin`), home Region: the
 *   service-managed StackSet of the member template (`BreakGlassOrganization`), the organization
 *   trail (`orgTrail`) and the Identity Center permission set (`permissionSet`).
 * The users stack is built by `build.ts` as for a single account; its users may assume the member
 * role in every account ({@link memberRoleArn}).
 */
import { type App, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { TrustedAccountUsers } from '../constructs/break-glass-role.js';
import { BreakGlassDoctorPolicy } from '../constructs/doctor-policy.js';
import { BreakGlassOrganization, BreakGlassOrganizationCentral } from '../constructs/organization.js';
import { BreakGlassPermissionSet } from '../constructs/permission-set.js';
import { addOrgDeployerPolicyStack } from '../constructs/org-deployer-policy.js';
import { addOrgTrail } from '../constructs/org-trail.js';
import { toAlertingOptions } from './alerting-schema.js';
import { deploymentAccount, organizationRegions, type OrganizationConfig } from './organization-schema.js';
import type { BreakGlassConfig, RoleConfig } from './schema.js';

export interface OrganizationStacks {
  readonly central: Stack;
  readonly organization: Stack;
  readonly centralConstruct: BreakGlassOrganizationCentral;
  readonly organizationConstruct: BreakGlassOrganization;
}

/** The member role in any account (what the security account's users may assume). */
export function memberRoleArn(roleName: string): string {
  return `arn:${Aws.PARTITION}:iam::*:role/${roleName}`;
}

function hours(v: number | string | undefined): Duration | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? Duration.minutes(Math.round(v * 60)) : Duration.parse(v);
}

/** The security account's users join the member role's trusted users. */
function trusted(role: RoleConfig, users: BreakGlassConfig['users']): TrustedAccountUsers[] {
  const list = [...(role.trustedAccountUsers ?? [])];
  if (users === undefined) return list;
  const i = list.findIndex((t) => t.account === users.account);
  if (i < 0) return [...list, { account: users.account, usernames: [...users.usernames] }];
  const t = list[i]!;
  list[i] = { account: t.account, usernames: [...new Set([...t.usernames, ...users.usernames])] };
  return list;
}

/**
 * Adds the central and organization stacks of `config` to `app` (the schema has checked that
 * `role.roleName` is set and the Regions include the home Region and us-east-1).
 * `wrap` turns construct validation errors into config errors at the given section.
 */
export function addOrganization(
  app: App,
  config: BreakGlassConfig & { organization: OrganizationConfig },
  stackName: string,
  wrap: <T>(section: string, build: () => T) => T,
): OrganizationStacks {
  const org = config.organization;
  const role = config.role ?? {};
  const roleName = role.roleName ?? '';
  const regions = organizationRegions(config) ?? [config.region];
  const ps = org.permissionSet;

  const central = new Stack(app, stackName, {
    env: { account: config.account, region: config.region },
    description: 'Break-glass central alerting for the organization (breakglass)',
  });
  const centralConstruct = wrap(
    'role',
    () =>
      new BreakGlassOrganizationCentral(central, 'Central', {
        ...toAlertingOptions(central, role),
        regions,
        organizationId: org.id,
        roleName,
        permissionSetName: ps?.name,
      }),
  );
  if (config.doctorPolicy) new BreakGlassDoctorPolicy(central, 'DoctorPolicy');

  const organization = new Stack(app, `${stackName}-Organization`, {
    env: { account: deploymentAccount(org), region: config.region },
    description: 'Break-glass StackSet for every member account of the organization (breakglass)',
  });
  // The members' rules target the central buses.
  organization.addStackDependency(central, 'the member accounts forward to the central buses');
  const organizationConstruct = wrap(
    'organization',
    () =>
      new BreakGlassOrganization(organization, 'Organization', {
        organizationId: org.id,
        targets: org.targets,
        regions,
        homeRegion: config.region,
        buses: centralConstruct,
        callAs: org.delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF',
        roleName,
        usernames: role.usernames,
        federatedUsernames: role.federatedUsernames,
        federatedPermissionSets: role.federatedPermissionSets,
        federatedRoleNames: role.federatedRoleNames,
        trustedAccountUsers: trusted(role, config.users),
        requireMfa: role.requireMfa,
        requireSourceIdentity: role.requireSourceIdentity,
        requireReason: role.requireReason,
        managedPolicies: role.managedPolicies,
        policyStatements: role.policyStatements?.map((s) => iam.PolicyStatement.fromJson(s)),
        maxSessionDuration: hours(role.maxSessionDuration),
        permissionSetName: ps?.name,
        maxConcurrentPercentage: org.maxConcurrentPercentage,
        failureTolerancePercentage: org.failureTolerancePercentage,
      }),
  );
  if (org.orgTrail)
    wrap('organization.orgTrail', () =>
      addOrgTrail(organization, { organizationId: org.id, managementAccount: org.managementAccount }),
    );
  // A stack of its own: the policy CloudFormation deploys the Organization stack with is not in it.
  if (org.deployerPolicy)
    addOrgDeployerPolicyStack(app, {
      stackName,
      account: deploymentAccount(org),
      region: config.region,
      delegatedAdmin: org.delegatedAdmin !== undefined,
      orgTrail: org.orgTrail === true,
      permissionSet: ps !== undefined,
    });
  if (ps !== undefined) {
    // Identity Center is managed from the management (or delegated-admin) account, in the instance's Region.
    const host =
      ps.region === undefined || ps.region === config.region
        ? organization
        : new Stack(app, `${stackName}-IdentityCenter`, {
            env: { account: deploymentAccount(org), region: ps.region },
            description: 'Break-glass IAM Identity Center permission set and assignments (breakglass)',
          });
    wrap(
      'organization.permissionSet',
      () =>
        new BreakGlassPermissionSet(host, 'PermissionSet', {
          permissionSetName: ps.name,
          instanceArn: ps.instanceArn,
          groupId: ps.groupId,
          accounts: ps.accounts ?? (org.accounts ?? []).map((a) => a.id),
          sessionDuration: ps.sessionDuration === undefined ? undefined : Duration.parse(ps.sessionDuration),
          managedPolicies: ps.managedPolicies,
        }),
    );
  }
  return { central, organization, centralConstruct, organizationConstruct };
}
