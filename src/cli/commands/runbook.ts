import { relative, resolve } from 'node:path';
import type { CommandModule } from '../command.js';
import type { BreakGlassConfig } from '../../config/index.js';
import { runbookMarkdown, type RunbookInput } from '../../engines/access/index.js';
import { CliUsageError } from '../errors.js';
import type { CliIO } from '../io.js';

function hours(v: number | string | undefined): number {
  if (v === undefined) return 1;
  if (typeof v === 'number') return v;
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?/.exec(v);
  return m ? Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 : 1;
}

/** The facts of a config the runbook needs (no secrets: webhook hosts only, secret names left out). */
export function runbookInput(config: BreakGlassConfig, configPath: string): RunbookInput {
  const role = config.role ?? {};
  const alerting = config.role ?? config.users ?? {};
  const existing = role.role?.startsWith('arn:') ? role.role : undefined;
  const name = role.roleName ?? (existing ? undefined : role.role);
  const roleArn = existing ?? (name ? `arn:aws:iam::${config.account}:role/${name}` : undefined);
  return {
    configPath,
    account: config.account,
    region: config.region,
    ...(roleArn ? { roleArn } : {}),
    memberAccounts: config.memberAccounts ?? [],
    regions: role.regions ?? [config.region],
    iamUsers: role.usernames ?? [],
    federatedUsernames: role.federatedUsernames ?? [],
    permissionSets: role.federatedPermissionSets ?? ['*'],
    federatedRoleNames: role.federatedRoleNames ?? [],
    trustedAccountUsers: role.trustedAccountUsers ?? [],
    ...(config.users
      ? { securityUsers: { account: config.users.account, usernames: config.users.usernames } }
      : {}),
    requireMfa: role.requireMfa ?? true,
    requireSourceIdentity: role.requireSourceIdentity ?? false,
    requireReason: role.requireReason ?? false,
    maxSessionHours: hours(role.maxSessionDuration),
    alerts: {
      emails: alerting.loginAlertEmails ?? [],
      ...(alerting.slack ? { slackChannel: alerting.slack.channel } : {}),
      webhookHosts: (alerting.webhooks ?? []).map((w) => new URL(w.url).host),
      topics: alerting.alertTopics ?? [],
      queues: alerting.alertQueues ?? [],
      functions: alerting.alertFunctions ?? [],
      ...(alerting.eventBus ? { eventBus: alerting.eventBus } : {}),
      logGroup: alerting.createLoginLogGroup ?? false,
    },
  };
}

/** `breakglass runbook --config FILE`: the team's own runbook as Markdown. */
export const runbookCommand: CommandModule = {
  register(program, run) {
    program
      .command('runbook')
      .description(
        "Print the team's break-glass runbook (Markdown) from their config: who and how, alerts, revoke, rotation, report",
      )
      .option('--config <file>', 'breakglass config file (required)')
      .addHelpText('after', '\nIAM actions needed:\n  none (reads the config file only; calls nothing)')
      .action(
        run(async (io: CliIO, o: { config?: string }) => {
          if (o.config === undefined) {
            throw new CliUsageError('runbook: --config is required (e.g. --config breakglass.config.yaml)');
          }
          const file = resolve(io.cwd, o.config);
          const { loadConfigFile } = await import('../../config/index.js');
          const config = loadConfigFile(file);
          const shown = relative(io.cwd, file) || o.config;
          io.out(runbookMarkdown(runbookInput(config, shown.startsWith('..') ? file : shown)).trimEnd());
          return 0;
        }),
      );
  },
};
