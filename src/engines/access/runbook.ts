/**
 * The team's own break-glass runbook as Markdown, from the facts of their config (the CLI maps the
 * config file to {@link RunbookInput}; this module does not read files).
 */

export interface RunbookInput {
  /** Path of the config file, as the team types it in commands. */
  readonly configPath: string;
  readonly account: string;
  readonly region: string;
  /** Role ARN when the role has a fixed name; otherwise the commands use `--role <ARN>`. */
  readonly roleArn?: string;
  readonly memberAccounts: readonly string[];
  /** Covered Regions (`['*']` = every Region). */
  readonly regions: readonly string[];
  readonly iamUsers: readonly string[];
  readonly federatedUsernames: readonly string[];
  readonly permissionSets: readonly string[];
  readonly federatedRoleNames: readonly string[];
  readonly trustedAccountUsers: readonly {
    readonly account: string;
    readonly usernames: readonly string[];
  }[];
  /** Break-glass IAM users created in a security account (`users:` section). */
  readonly securityUsers?: { readonly account: string; readonly usernames: readonly string[] };
  readonly requireMfa: boolean;
  readonly requireSourceIdentity: boolean;
  readonly requireReason: boolean;
  readonly maxSessionHours: number;
  readonly alerts: {
    readonly emails: readonly string[];
    readonly slackChannel?: string;
    /** Host names of the webhooks (never the secret). */
    readonly webhookHosts: readonly string[];
    readonly topics: readonly string[];
    readonly queues: readonly string[];
    readonly functions: readonly string[];
    readonly eventBus?: string;
    readonly logGroup: boolean;
  };
}

const code = (s: string) => `\`${s}\``;
const list = (xs: readonly string[]) => xs.map(code).join(', ');

function roleFlag(r: RunbookInput): string {
  return r.roleArn ? `--role ${r.roleArn}` : '--role <break-glass role ARN>';
}

function whoSection(r: RunbookInput): string[] {
  const out = ['## 1. Who may break the glass, and how', ''];
  const assume = `breakglass assume ${roleFlag(r)} --reason "INC-123 what and why" --ticket INC-123`;
  const extras = [
    r.requireMfa ? 'an MFA code (asked for, hidden)' : undefined,
    r.requireSourceIdentity ? 'your own name as source identity (set for you)' : undefined,
    r.requireReason ? 'a reason (`--reason`, required by the role)' : 'a reason (`--reason`)',
  ].filter((x): x is string => x !== undefined);
  let any = false;
  if (r.iamUsers.length > 0) {
    any = true;
    out.push(
      `### IAM users of ${code(r.account)}: ${list(r.iamUsers)}`,
      '',
      `Sign in with your own access key, then (needs ${extras.join(', ')}):`,
      '',
      '```sh',
      assume,
      '```',
      '',
    );
  }
  for (const t of r.trustedAccountUsers) {
    any = true;
    out.push(
      `### IAM users of account ${code(t.account)}: ${list(t.usernames)}`,
      '',
      'With your credentials of that account (MFA is always required across accounts):',
      '',
      '```sh',
      `${assume} --profile <your profile in ${t.account}>`,
      '```',
      '',
    );
  }
  if (r.securityUsers) {
    any = true;
    out.push(
      `### Break-glass users of the security account ${code(r.securityUsers.account)}: ${list(r.securityUsers.usernames)}`,
      '',
      'Fetch the password and MFA device from the vault (two people), sign in as the break-glass user, then:',
      '',
      '```sh',
      `${assume} --profile <break-glass user profile>`,
      '```',
      '',
    );
  }
  if (r.federatedUsernames.length > 0) {
    any = true;
    const from = [
      ...r.permissionSets.map((p) =>
        p === '*' ? 'any Identity Center permission set' : `permission set ${code(p)}`,
      ),
      ...r.federatedRoleNames.map((n) => `SAML role ${code(n)}`),
    ];
    out.push(
      `### Identity Center / SAML people: ${list(r.federatedUsernames)}`,
      '',
      `Sign in through ${from.join(' or ') || 'your identity provider'} (MFA is enforced by the identity provider), then:`,
      '',
      '```sh',
      `${assume} --profile <your Identity Center profile>`,
      '```',
      '',
      'Sessions chained from an Identity Center role last at most 1 hour.',
      '',
    );
  }
  if (!any)
    out.push('Nobody is named in the config: the role cannot be assumed until people are listed.', '');
  out.push(
    'Other ways to use the session:',
    '',
    '- `--exec -- <command …>` runs one command with the credentials;',
    '- `--write-profile breakglass` writes a profile for the AWS CLI (`aws --profile breakglass …`);',
    '- `--output credential-process` for `credential_process` in `~/.aws/config`;',
    `- \`breakglass console ${roleFlag(r)} --reason "…"\` prints a console sign-in URL.`,
    '',
    `Sessions last at most ${r.maxSessionHours} h. Covered Regions: ${r.regions.includes('*') ? 'every Region' : list(r.regions)}; the role cannot be assumed elsewhere.`,
    '',
  );
  return out;
}

function alertsSection(r: RunbookInput): string[] {
  const a = r.alerts;
  const where = [
    ...a.emails.map((e) => `email ${code(e)}`),
    ...(a.slackChannel ? [`Slack ${code(a.slackChannel)}`] : []),
    ...a.webhookHosts.map((h) => `webhook ${code(h)}`),
    ...a.topics.map((t) => `SNS topic ${code(t)}`),
    ...a.queues.map((q) => `SQS queue ${code(q)}`),
    ...a.functions.map((f) => `Lambda ${code(f)}`),
    ...(a.eventBus ? [`event bus ${code(a.eventBus)}`] : []),
    ...(a.logGroup ? ['a CloudWatch log group (every way in)'] : []),
  ];
  return [
    '## 2. Where the alerts go',
    '',
    'Every way in (assume, console sign-in, failures), every request, approval and revoke is alerted to:',
    '',
    ...(where.length > 0
      ? where.map((w) => `- ${w}`)
      : ['- nowhere configured: add loginAlertEmails or slack to the config']),
    '',
    'Tell the channel you are breaking the glass before you do; the alert will follow within minutes.',
    '',
  ];
}

function revokeSection(r: RunbookInput): string[] {
  return [
    '## 3. When the incident is over: revoke',
    '',
    '```sh',
    `breakglass status ${roleFlag(r)}            # who is in, since when, why`,
    `breakglass revoke ${roleFlag(r)} --reason "INC-123 resolved"`,
    '```',
    '',
    'This ends every session issued until now (the role stays usable for new sessions). To make it usable for',
    `sessions issued before the cut-off again: \`breakglass revoke ${roleFlag(r)} --undo\`.`,
    '',
    'Identity Center sessions of the permission set itself are ended in Identity Center: put the policy',
    '`breakglass revoke --identity-center-user <identity store user id> --dry-run` prints into the permission set',
    "(or an SCP), and end the person's access-portal session.",
    '',
  ];
}

function rotateSection(r: RunbookInput): string[] {
  const out = ['## 4. Afterwards: rotate the break-glass credentials', ''];
  if (r.securityUsers) {
    out.push(
      `For each break-glass user that was used (${list(r.securityUsers.usernames)} in ${code(r.securityUsers.account)}):`,
      '',
      '1. set a new password (`aws iam update-login-profile --user-name <user> --password-reset-required`);',
      '2. re-register the MFA device (`aws iam deactivate-mfa-device`, then `aws iam enable-mfa-device`);',
      '3. delete any access key created during the incident (`aws iam list-access-keys`, `aws iam delete-access-key`);',
      '4. put the new password and device back in the vault, two people present.',
      '',
    );
  } else {
    out.push(
      'No break-glass users are created by this config: the people above use their own credentials.',
      '',
    );
  }
  out.push(
    'Delete any access key or IAM user created with the break-glass session (the report lists every write call).',
    '',
  );
  return out;
}

function reportSection(r: RunbookInput): string[] {
  return [
    '## 5. Post-incident report',
    '',
    '```sh',
    `breakglass report --trail s3://<trail bucket>/AWSLogs/ --config ${r.configPath} --since <incident start> --out ./incident-123`,
    '```',
    '',
    'Attach `report.md` to the incident ticket.',
    '',
  ];
}

/** The whole runbook. */
export function runbookMarkdown(r: RunbookInput): string {
  const accounts = [r.account, ...r.memberAccounts];
  return [
    '# Break-glass runbook',
    '',
    `Role ${r.roleArn ? code(r.roleArn) : '(name generated at deploy time)'} in ${accounts.length === 1 ? 'account' : 'accounts'} ${list(accounts)}; main Region ${code(r.region)}. Generated from ${code(r.configPath)}.`,
    '',
    ...whoSection(r),
    ...alertsSection(r),
    ...revokeSection(r),
    ...rotateSection(r),
    ...reportSection(r),
  ].join('\n');
}
