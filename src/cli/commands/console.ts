import type { CommandModule } from '../command.js';
import { CHAINED_SESSION_SECONDS, formatDuration } from '../../engines/access/index.js';
import { CliUsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { addRoleOptions, breakGlassSession, needsHelp, type SessionFlags } from './access-common.js';
import { accessRuntime } from './access-runtime.js';

interface ConsoleFlags extends SessionFlags {
  destination?: string;
  open?: boolean;
}

export const CONSOLE_IAM_ACTIONS = [
  'sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity on the break-glass role',
  'iam:ListMFADevices on your own IAM user (unless --mfa-serial)',
  '(the federation endpoint needs no IAM permission: the session credentials are the proof)',
];

async function consoleUrl(io: CliIO, o: ConsoleFlags): Promise<number> {
  const rt = await accessRuntime();
  const destination =
    o.destination ??
    (o.region
      ? `https://${o.region}.console.aws.amazon.com/console/home?region=${o.region}`
      : 'https://console.aws.amazon.com/');
  if (!/^https:\/\//.test(destination)) {
    throw new CliUsageError(`--destination: ${JSON.stringify(destination)} must be an https:// console URL`);
  }
  const s = await breakGlassSession(rt, io, o, 'console');
  // SessionDuration only for sessions an IAM user assumed with long-term credentials; a chained
  // session (from Identity Center or another role) keeps the credentials' own, at most 1 hour.
  const chained = s.person.kind === 'role-session';
  const federation = rt.ports.federation();
  const token = await federation.signinToken(s.credentials, chained ? undefined : s.durationSeconds);
  const url = federation.loginUrl(token, destination, 'breakglass');
  const lasts = chained ? Math.min(s.durationSeconds, CHAINED_SESSION_SECONDS) : s.durationSeconds;
  io.err(
    `console: sign-in URL for ${s.role.arn} as ${s.person.name}; the console session lasts ${formatDuration(lasts)}, the link works for 15 minutes`,
  );
  if (o.open) {
    const opener =
      process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    const code = await rt.exec(opener, [url], {});
    if (code !== 0) {
      io.err(`console: ${opener} failed (exit ${code}); the URL follows`);
      io.out(url);
    }
    return 0;
  }
  io.out(url);
  return 0;
}

/** `breakglass console`: a console sign-in URL for the break-glass role (federation endpoint). */
export const consoleCommand: CommandModule = {
  register(program, run) {
    const cmd = addRoleOptions(
      program
        .command('console')
        .description('Sign in to the AWS console as the break-glass role: prints (or opens) a sign-in URL'),
    )
      .option('--reason <text>', 'why you break the glass (session tag Reason; required)')
      .option('--ticket <id>', 'incident ticket (session tag Ticket)')
      .option('--duration <d>', 'console session length, e.g. 1h (15m-12h)', '1h')
      .option('--mfa-serial <arn>', 'MFA device ARN (default: your only registered device)')
      .option('--mfa-code <code>', 'MFA code for scripts (default: asked for on the terminal, hidden)')
      .option('--destination <url>', 'console page to open (default: the console home of --region)')
      .option('--open', 'open the URL in the browser instead of printing it');
    needsHelp(cmd, CONSOLE_IAM_ACTIONS).action(run((io, o: ConsoleFlags) => consoleUrl(io, o)));
  },
};
