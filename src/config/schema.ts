/**
 * `breakglass.config.yaml`: one source of truth with the construct props. `role` holds
 * `BreakGlassRoleProps` and `users` holds `BreakGlassUserProps` under the same names; CDK objects
 * become strings (Duration → hours or ISO 8601, IRole → ARN or name, IManagedPolicy → AWS managed
 * policy name or ARN, PolicyStatement → IAM JSON, RetentionDays → days, ISecret → ARN or name).
 */
import { z } from 'zod';
import { isKnownRegion, unknownRegionMessage } from '../engines/regions.js';
import { alertingSchema } from './alerting-schema.js';
import { checkOrganization, organizationSchema } from './organization-schema.js';

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit account id such as '111122223333'");
const region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be a Region code such as 'eu-west-1'", abort: true })
  .refine(isKnownRegion, { error: (iss) => unknownRegionMessage(String(iss.input)) })
  .describe('Region code');
const iamName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be 1-64 of letters, digits and + = , . @ _ -');
const sessionName = z
  .string()
  .regex(/^[\w+=,.@-]{2,64}$/, 'must be a role session name: 2-64 of letters, digits and + = , . @ _ -');

/** ISO 8601 duration (`PT4H`) or a number of hours. */
const duration = z
  .union([
    z.number().positive(),
    z
      .string()
      .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, "must be hours (4) or ISO 8601 ('PT4H')"),
  ])
  .describe('Hours (number) or ISO 8601 duration such as PT4H');

/** Seconds of a `duration` value (hours, or ISO 8601 days/hours/minutes/seconds). */
function durationSeconds(v: number | string): number {
  if (typeof v === 'number') return Math.round(v * 60) * 60;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(v);
  if (!m) return NaN;
  const [d, h, min, sec] = (m?.slice(1) ?? []).map((x) => Number(x ?? 0));
  return (d ?? 0) * 86400 + (h ?? 0) * 3600 + (min ?? 0) * 60 + (sec ?? 0);
}

/**
 * IAM MaxSessionDuration is 3,600-43,200 seconds (CreateRole API reference). Checked here as well as
 * in the construct so that a config file gets this problem in the same pass as every other one.
 */
const sessionDuration = duration.refine(
  (v) => {
    const s = durationSeconds(v);
    // A value that is not a duration at all already has its own problem line.
    return !(s > 0) || (s >= 3600 && s <= 43200);
  },
  { error: 'must be between 1 and 12 hours (IAM MaxSessionDuration 3600-43200 s)' },
);

/**
 * A list of IAM entity names listed once each. IAM names are case-insensitive (CreateUser API
 * reference: "user names are not distinguished by case"), so `Alice` and `alice` are one user.
 */
function uniqueNames<T extends z.ZodType<string>>(item: T, what: string, caseInsensitive: boolean) {
  return z.array(item).superRefine((list, ctx) => {
    const seen = new Map<string, string>();
    list.forEach((v, i) => {
      const key = caseInsensitive ? v.toLowerCase() : v;
      const prev = seen.get(key);
      if (prev !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          input: v,
          message: `duplicate ${what} (same as ${JSON.stringify(prev)}); list each once`,
        });
      else seen.set(key, v);
    });
  });
}

/** IAM JSON policy statement (as in a policy document). */
const policyStatement = z
  .object({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: z.union([z.string(), z.array(z.string())]).optional(),
    NotAction: z.union([z.string(), z.array(z.string())]).optional(),
    Resource: z.union([z.string(), z.array(z.string())]).optional(),
    NotResource: z.union([z.string(), z.array(z.string())]).optional(),
    Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .strict()
  .refine((s) => s.Action !== undefined || s.NotAction !== undefined, {
    message: 'needs Action or NotAction',
  })
  .refine((s) => s.Resource !== undefined || s.NotResource !== undefined, {
    message: 'needs Resource or NotResource',
  });

export const roleSchema = alertingSchema
  .extend({
    usernames: uniqueNames(iamName, 'IAM user', true)
      .optional()
      .describe('IAM users of this account (MFA required by default)'),
    federatedUsernames: uniqueNames(sessionName, 'session name', false)
      .optional()
      .describe('Identity Center / SAML people by role session name (exact, case-sensitive)'),
    federatedPermissionSets: z
      .array(z.string().regex(/^(\*|[\w+=,.@-]{1,32})$/, "must be a permission-set name or '*'"))
      .optional()
      .describe("Identity Center permission sets the federated people come from; ['*'] = any"),
    federatedRoleNames: z
      .array(iamName)
      .optional()
      .describe('SAML federation roles (outside Identity Center)'),
    trustedAccountUsers: z
      .array(z.object({ account: accountId, usernames: z.array(iamName).min(1) }).strict())
      .optional()
      .describe('IAM users of other accounts (MFA always required)'),
    requireMfa: z.boolean().optional().describe('Require MFA for IAM users of this account (default true)'),
    requireSourceIdentity: z
      .boolean()
      .optional()
      .describe('Require sts:SourceIdentity = the person (CLI/SDK only; default false)'),
    requireReason: z
      .boolean()
      .optional()
      .describe('Require the Reason session tag (CLI/SDK only; default false)'),
    maxSessionDuration: sessionDuration.optional().describe('Session length, 1-12 hours (default 1)'),
    trustPolicyQuota: z
      .number()
      .int()
      .min(2048)
      .max(4096)
      .optional()
      .describe(
        'The account\'s IAM "Role trust policy length" quota after a Service Quotas increase (default 2048, at most 4096)',
      ),
    roleName: iamName.optional().describe('Physical name of the role (default generated)'),
    role: z.string().min(1).optional().describe('Existing role to use instead (ARN or name)'),
    canManageBreakGlassRole: z
      .boolean()
      .optional()
      .describe('Attach policies to an existing role / let the deployer manage it'),
    managedPolicies: z
      .array(z.string().min(1))
      .optional()
      .describe("AWS managed policy names ('ReadOnlyAccess', 'job-function/ViewOnlyAccess') or policy ARNs"),
    policyStatements: z.array(policyStatement).optional().describe('Inline IAM statements (IAM JSON)'),
    deployer: iamName
      .optional()
      .describe('Name of the deployer role (or of the existing user/role with deployerExists)'),
    deployerExists: z
      .enum(['user', 'role'])
      .optional()
      .describe("deployer names an existing 'user' or 'role'"),
    deployerPrincipals: z
      .array(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/,
            'must be an IAM user ARN (a person, MFA required) or IAM role ARN (CI), without wildcards',
          ),
      )
      .optional()
      .describe('Who may assume the deployer: IAM user ARNs (people, MFA required) and IAM role ARNs (CI)'),
    deploymentAccessAlerts: z
      .enum(['log', 'notify', 'page'])
      .optional()
      .describe(
        "Assuming the deployer or the CDK deploy role: 'log', 'notify' (log + alert topic, default) or 'page' (every channel)",
      ),
  })
  .strict();

export const usersSchema = alertingSchema
  .extend({
    account: accountId.describe('Security account holding the break-glass IAM users'),
    region: region.describe('Main Region of the users stack'),
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/)
      .optional()
      .describe('Default <stackName>-Users'),
    usernames: uniqueNames(iamName, 'IAM user', true)
      .min(1)
      .describe('IAM users to create (no password or key is created)'),
    assumableRoles: z
      .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN'))
      .optional()
      .describe(
        'Break-glass role ARNs the users may assume (the role of this config is added automatically)',
      ),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must start with a letter; letters, digits and - only')
      .optional()
      .describe('Name of the role stack (default BreakGlass)'),
    account: accountId.describe('Account of the break-glass role'),
    region: region.describe('Main Region (central event bus, log groups)'),
    memberAccounts: z
      .array(accountId)
      .optional()
      .describe('More accounts that get the same role stack (<stackName>-<account>)'),
    role: roleSchema.optional().describe('BreakGlassRole props'),
    users: usersSchema.optional().describe('BreakGlassUser props + where to deploy them'),
    doctorPolicy: z
      .boolean()
      .optional()
      .describe('Create BreakGlassDoctorPolicy (the read-only actions of breakglass doctor) in each stack'),
    scpGuard: z
      .object({
        account: accountId.describe(
          'Organization management account (or delegated administrator for policies) that owns the SCP',
        ),
        targetIds: z
          .array(
            z
              .string()
              .regex(
                /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/,
                "must be a root ('r-…'), OU ('ou-…-…') or 12-digit account id",
              ),
          )
          .min(1)
          .describe('Roots, OUs or accounts the SCP is attached to'),
        qualifier: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,10}$/, 'must be 1-10 letters, digits, _ or -')
          .optional()
          .describe('CDK bootstrap qualifier of the break-glass environments (default hnb659fds)'),
        exemptRoleArns: z
          .array(z.string())
          .optional()
          .describe('More role ARNs (wildcards allowed) that may change the protected resources'),
        policyName: z.string().min(1).max(128).optional().describe('Name of the SCP (default generated)'),
      })
      .strict()
      .optional()
      .describe('BreakGlassScpGuard: an SCP only the deployment chain can get past'),
    organization: organizationSchema
      .optional()
      .describe(
        'BreakGlassOrganization: the role in every member account through a service-managed StackSet',
      ),
  })
  .strict()
  .refine((c) => c.role !== undefined || c.users !== undefined, {
    message: 'nothing to deploy; add a role: section and/or a users: section',
  })
  .check(checkOrganization);

export type BreakGlassConfig = z.infer<typeof configSchema>;
export type RoleConfig = z.infer<typeof roleSchema>;
export type UsersConfig = z.infer<typeof usersSchema>;
