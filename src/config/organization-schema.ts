/**
 * The `organization:` section of `breakglass.config.yaml`: a break-glass role in every member account
 * of an AWS Organizations organization, deployed by a service-managed CloudFormation StackSet from the
 * management account (or a delegated administrator), with every way in forwarded to the security
 * account's central bus. Cross-field rules (role name required, Regions) are in
 * {@link checkOrganization}, run on the whole config so that every problem is reported in one pass.
 */
import { z } from 'zod';
import { GLOBAL_EVENTS_REGION, isKnownRegion, unknownRegionMessage } from '../engines/regions.js';

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit account id such as '111122223333'");
const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** One refinement (not an aborting regex), so that the cross-field rules still run on a bad Region. */
const region = z.string().refine((r) => REGION_CODE.test(r) && isKnownRegion(r), {
  error: (iss) =>
    REGION_CODE.test(String(iss.input))
      ? unknownRegionMessage(String(iss.input))
      : "must be a Region code such as 'eu-west-1' (list each Region; '*' is not allowed here)",
});

/** Organizations ids (Organizations API reference: Organization.Id, OrganizationalUnit.Id, Root.Id). */
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;

const ouOrRoot = z
  .string()
  .regex(
    new RegExp(`${OU_ID.source}|${ROOT_ID.source}`),
    "must be an organizational unit id ('ou-ab12-11111111') or the root id ('r-ab12')",
  );

/** IAM Identity Center permission-set session duration: ISO 8601, 1 to 12 hours (CreatePermissionSet). */
const ssoSessionDuration = z
  .string()
  .regex(/^PT(\d+H)?(\d+M)?$/, "must be an ISO 8601 duration of hours/minutes such as 'PT1H'")
  .refine(
    (v) => {
      const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(v);
      const minutes = Number(m?.[1] ?? 0) * 60 + Number(m?.[2] ?? 0);
      return minutes >= 60 && minutes <= 720;
    },
    { error: "must be between 1 and 12 hours ('PT1H' to 'PT12H')" },
  );

export const permissionSetSchema = z
  .object({
    name: z
      .string()
      .regex(/^[\w+=,.@-]{1,32}$/, 'must be 1-32 of letters, digits and + = , . @ _ -')
      .describe('Name of the Identity Center permission set (its roles are AWSReservedSSO_<name>_…)'),
    instanceArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/,
        "must be an Identity Center instance ARN such as 'arn:aws:sso:::instance/ssoins-1234567890abcdef'",
      )
      .describe('ARN of the IAM Identity Center instance'),
    groupId: z
      .string()
      .regex(
        /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/,
        'must be an Identity Store group id (a UUID, optionally prefixed by 10 hex digits and -)',
      )
      .describe('Identity Store group the account assignments go to'),
    region: region.optional().describe('Region of the Identity Center instance (default the home Region)'),
    sessionDuration: ssoSessionDuration.optional().describe("Session length, ISO 8601 (default 'PT1H')"),
    managedPolicies: z
      .array(z.string().min(1))
      .optional()
      .describe("AWS managed policy names ('ReadOnlyAccess') or policy ARNs attached to the permission set"),
    accounts: z
      .array(accountId)
      .min(1)
      .optional()
      .describe('Accounts the group is assigned to (default every organization.accounts id)'),
  })
  .strict();

export const organizationSchema = z
  .object({
    id: z
      .string()
      .regex(ORG_ID, "must be an organization id such as 'o-a1b2c3d4e5'")
      .describe('Organization id: the central event bus admits events from this organization only'),
    managementAccount: accountId.describe('Management account of the organization'),
    delegatedAdmin: accountId
      .optional()
      .describe(
        'Delegated administrator for CloudFormation StackSets: the StackSet (and permission set) live here',
      ),
    targets: z
      .array(ouOrRoot)
      .min(1)
      .describe('OUs (or the root) the StackSet deploys to; accounts added to them later are covered'),
    accounts: z
      .array(
        z
          .object({
            id: accountId,
            ou: ouOrRoot.describe('Parent OU (or root) of the account'),
            name: z.string().min(1).max(50).optional(),
          })
          .strict(),
      )
      .optional()
      .describe(
        'Member accounts known offline (the verifier models each; permission-set assignments use them)',
      ),
    regions: z
      .array(region)
      .min(1)
      .optional()
      .describe(
        'Regions of the StackSet instances (must include the home Region and us-east-1; default role.regions when it lists Regions)',
      ),
    orgTrail: z
      .boolean()
      .optional()
      .describe(
        'Create an organization trail in the management account (CloudTrail → EventBridge in every member)',
      ),
    deployerPolicy: z
      .boolean()
      .optional()
      .describe(
        'Create <stackName>-OrgDeployer in the deployment account: the least-privilege policy to bootstrap it with (cdk bootstrap --cloudformation-execution-policies)',
      ),
    permissionSet: permissionSetSchema
      .optional()
      .describe('IAM Identity Center break-glass permission set, alerted on every use in every account'),
    maxConcurrentPercentage: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('StackSet operations: percentage of accounts deployed at once per Region (default 25)'),
    failureTolerancePercentage: z
      .number()
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe('StackSet operations: percentage of accounts that may fail per Region (default 0)'),
  })
  .strict();

export type OrganizationConfig = z.infer<typeof organizationSchema>;
export type PermissionSetConfig = z.infer<typeof permissionSetSchema>;

/** The parts of the whole config the cross-field rules read. */
interface WithOrganization {
  readonly account: string;
  readonly region: string;
  readonly memberAccounts?: readonly string[];
  readonly organization?: OrganizationConfig;
  readonly role?: {
    readonly roleName?: string;
    readonly role?: string;
    readonly regions?: readonly string[];
    readonly deployer?: unknown;
    readonly deployerExists?: unknown;
    readonly deployerPrincipals?: unknown;
    readonly drill?: unknown;
  };
  readonly users?: { readonly account: string };
}

/** The StackSet Regions: `organization.regions`, else `role.regions` when it lists Regions (no '*'). */
export function organizationRegions(config: WithOrganization): string[] | undefined {
  const org = config.organization;
  if (org === undefined) return undefined;
  if (org.regions !== undefined) return [...new Set(org.regions)];
  const fromRole = config.role?.regions;
  if (fromRole === undefined || fromRole.includes('*')) return undefined;
  return [...new Set([config.region, ...fromRole])];
}

/** The account the StackSet (and permission set) are deployed from. */
export function deploymentAccount(org: OrganizationConfig): string {
  return org.delegatedAdmin ?? org.managementAccount;
}

type Issue = { path: (string | number)[]; message: string };

/** Cross-field rules of `organization:`; each problem is one line naming the field and the fix. */
export function organizationIssues(config: WithOrganization): Issue[] {
  const org = config.organization;
  if (org === undefined) return [];
  const out: Issue[] = [];
  if (config.role === undefined) {
    out.push({
      path: ['role'],
      message:
        'required with organization; add a role: section with the member role (roleName and who may assume it)',
    });
  } else {
    if (config.role.roleName === undefined)
      out.push({
        path: ['role', 'roleName'],
        message:
          'required with organization: the member role gets one fixed name in every account (runbooks and the central rules match it); set e.g. roleName: BreakGlass',
      });
    if (config.role.role !== undefined)
      out.push({
        path: ['role', 'role'],
        message:
          'not allowed with organization: the StackSet creates the member role in every account; remove role.role',
      });
  }
  for (const f of ['deployer', 'deployerExists', 'deployerPrincipals', 'drill'] as const)
    if (config.role?.[f] !== undefined)
      out.push({
        path: ['role', f],
        message: `not available with organization (the member role is deployed by the StackSet); remove role.${f}`,
      });
  if (config.memberAccounts !== undefined)
    out.push({
      path: ['memberAccounts'],
      message:
        'not allowed with organization: member accounts are reached through organization.targets; remove memberAccounts',
    });
  const regions = organizationRegions(config);
  if (regions === undefined) {
    out.push({
      path: ['organization', 'regions'],
      message: `required unless role.regions lists Regions; list the StackSet Regions, e.g. ['${config.region}', '${GLOBAL_EVENTS_REGION}']`,
    });
  } else {
    for (const [need, why] of [
      [config.region, 'the home Region (the member role and the central bus live there)'],
      [GLOBAL_EVENTS_REGION, 'us-east-1 (IAM and global STS events are delivered there only)'],
    ] as const) {
      if (!regions.includes(need))
        out.push({
          path: ['organization', 'regions'],
          message: `must include ${why}; add '${need}'`,
        });
    }
  }
  if (org.delegatedAdmin !== undefined && org.delegatedAdmin === org.managementAccount)
    out.push({
      path: ['organization', 'delegatedAdmin'],
      message: 'is the management account; leave delegatedAdmin out to deploy from the management account',
    });
  const ids = new Set<string>();
  (org.accounts ?? []).forEach((a, i) => {
    if (ids.has(a.id))
      out.push({
        path: ['organization', 'accounts', i, 'id'],
        message: `duplicate account '${a.id}'; list each once`,
      });
    ids.add(a.id);
    if (a.id === org.managementAccount)
      out.push({
        path: ['organization', 'accounts', i, 'id'],
        message:
          'is the management account: a service-managed StackSet never deploys to it; remove it from organization.accounts',
      });
  });
  const ps = org.permissionSet;
  if (ps !== undefined && ps.accounts === undefined && ids.size === 0)
    out.push({
      path: ['organization', 'permissionSet', 'accounts'],
      message: 'nothing to assign the permission set to; list accounts here or in organization.accounts',
    });
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The cross-field rules as a `superRefine` of the whole config schema. They also run when other
 * fields have problems (so that every problem is reported in one pass): sections of the wrong type
 * are left to their own problem lines.
 */
export const checkOrganization = z.superRefine<unknown>(
  (raw, ctx) => {
    if (!isObject(raw) || !isObject(raw['organization'])) return;
    const org = raw['organization'] as unknown as OrganizationConfig;
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : undefined);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const role = isObject(raw['role']) ? raw['role'] : raw['role'] === undefined ? undefined : {};
    const config: WithOrganization = {
      account: str(raw['account']) ?? '',
      region: str(raw['region']) ?? '',
      memberAccounts: list(raw['memberAccounts']),
      organization: {
        ...org,
        regions: list(org.regions),
        accounts: Array.isArray(org.accounts) ? org.accounts.filter(isObject) : undefined,
      },
      role:
        role === undefined
          ? undefined
          : {
              roleName: str(role['roleName']),
              role: str(role['role']),
              regions: list(role['regions']),
              deployer: role['deployer'],
              deployerExists: role['deployerExists'],
              deployerPrincipals: role['deployerPrincipals'],
              drill: role['drill'],
            },
    };
    for (const i of organizationIssues(config))
      ctx.addIssue({ code: 'custom', path: i.path, message: i.message, input: undefined });
  },
  { when: () => true },
);
