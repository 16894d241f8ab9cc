import type { CommandModule } from '../command.js';
import { autoRevokeSchedule, parseDuration, isoSeconds } from '../../engines/access/index.js';
import { credentialsFilePath, writeProfile } from '../aws/credentials.js';
import type { SessionCredentials } from '../aws/ports.js';
import { CliUsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import {
  addRoleOptions,
  breakGlassSession,
  needsHelp,
  rethrowAws,
  type BreakGlassSession,
  type SessionFlags,
} from './access-common.js';
import { accessRuntime, type AccessRuntime } from './access-runtime.js';

interface AssumeFlags extends SessionFlags {
  output?: string;
  writeProfile?: string;
  exec?: boolean;
  revokeAfter?: string;
  schedulerRole?: string;
}

const PROFILE_NAME = /^[\w.@+-]{1,64}$/;

export const ASSUME_IAM_ACTIONS = [
  'sts:GetCallerIdentity (always allowed)',
  'sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity on the break-glass role',
  'iam:ListMFADevices on your own IAM user (unless --mfa-serial)',
  'scheduler:CreateSchedule and iam:PassRole on --scheduler-role (only with --revoke-after)',
];

function envOf(c: SessionCredentials, region: string | undefined): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_SESSION_TOKEN: c.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: c.expiration,
    ...(region ? { AWS_REGION: region } : {}),
  };
}

/** Single quotes for a POSIX shell. */
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function checkOutputs(
  o: AssumeFlags,
  command: readonly string[],
): 'env' | 'credential-process' | 'profile' | 'exec' {
  const chosen = [
    o.output !== undefined ? '--output' : undefined,
    o.writeProfile !== undefined ? '--write-profile' : undefined,
    o.exec ? '--exec' : undefined,
  ].filter(Boolean);
  if (chosen.length > 1)
    throw new CliUsageError(`${chosen.join(', ')}: give only one way to hand over the credentials`);
  if (o.exec) {
    if (command.length === 0)
      throw new CliUsageError('--exec: give the command after --, e.g. --exec -- aws s3 ls');
    return 'exec';
  }
  if (command.length > 0) {
    throw new CliUsageError(
      `--exec: ${JSON.stringify(command.join(' '))} was given without --exec; add --exec before --`,
    );
  }
  if (o.writeProfile !== undefined) {
    if (!PROFILE_NAME.test(o.writeProfile)) {
      throw new CliUsageError(
        `--write-profile: ${JSON.stringify(o.writeProfile)} is not a profile name; use letters, digits and . @ + - _`,
      );
    }
    return 'profile';
  }
  const output = o.output ?? 'env';
  if (output !== 'env' && output !== 'credential-process') {
    throw new CliUsageError(
      `--output: ${JSON.stringify(output)} is not an output; use env or credential-process`,
    );
  }
  return output;
}

async function scheduleRevoke(
  rt: AccessRuntime,
  io: CliIO,
  s: BreakGlassSession,
  o: AssumeFlags,
): Promise<void> {
  if (o.revokeAfter === undefined) return;
  const after = parseDuration(o.revokeAfter, '--revoke-after');
  const at = isoSeconds(new Date(rt.now().getTime() + after * 1000));
  const call = autoRevokeSchedule(s.role.partition, s.role.name, at);
  try {
    await rt.ports.scheduler(s.target).createOneShot(call, o.schedulerRole as string);
  } catch (e) {
    rethrowAws(
      e,
      `assume: --revoke-after: CreateSchedule (the session was assumed; revoke it by hand with breakglass revoke --role ${s.role.arn})`,
    );
  }
  io.err(
    `assume: every session of ${s.role.name} issued before ${at} will be revoked at ${at} (schedule ${call.name})`,
  );
}

async function assume(io: CliIO, o: AssumeFlags, command: string[]): Promise<number> {
  const rt = await accessRuntime();
  const how = checkOutputs(o, command);
  if (o.revokeAfter !== undefined) {
    parseDuration(o.revokeAfter, '--revoke-after');
    if (!o.schedulerRole) {
      throw new CliUsageError(
        '--scheduler-role: required with --revoke-after (the role EventBridge Scheduler uses to put the revoke policy)',
      );
    }
  }
  const s = await breakGlassSession(rt, io, o, 'assume');
  io.err(
    `assume: ${s.sessionArn || s.role.arn} as ${s.person.name} until ${s.credentials.expiration} (reason: ${o.reason?.trim()})`,
  );
  await scheduleRevoke(rt, io, s, o);
  const c = s.credentials;
  switch (how) {
    case 'credential-process':
      // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
      io.out(
        JSON.stringify({
          Version: 1,
          AccessKeyId: c.accessKeyId,
          SecretAccessKey: c.secretAccessKey,
          SessionToken: c.sessionToken,
          Expiration: c.expiration,
        }),
      );
      return 0;
    case 'profile': {
      const file = credentialsFilePath(rt.env);
      writeProfile(file, o.writeProfile as string, c);
      io.out(
        `wrote profile ${o.writeProfile} to ${file} (expires ${c.expiration}); use: aws --profile ${o.writeProfile} …`,
      );
      return 0;
    }
    case 'exec': {
      const [cmd, ...args] = command as [string, ...string[]];
      try {
        return await rt.exec(cmd, args, envOf(c, o.region));
      } catch (e) {
        throw new CliUsageError(
          `--exec: could not run ${JSON.stringify(cmd)} (${e instanceof Error ? e.message : String(e)}); check the command name`,
          { cause: e },
        );
      }
    }
    default:
      for (const [k, v] of Object.entries(envOf(c, o.region))) io.out(`export ${k}=${shq(v)}`);
      return 0;
  }
}

/** `breakglass assume`: the break-glass role as yourself, with MFA, source identity and a reason. */
export const assumeCommand: CommandModule = {
  register(program, run) {
    const cmd = addRoleOptions(
      program
        .command('assume')
        .description(
          'Assume the break-glass role as yourself (MFA, source identity, Reason/Ticket tags) and hand over the credentials',
        ),
    )
      .argument('[command...]', 'with --exec: the command to run (after --)')
      .option('--reason <text>', 'why you break the glass (session tag Reason; required)')
      .option('--ticket <id>', 'incident ticket (session tag Ticket)')
      .option('--duration <d>', 'session length, e.g. 1h, 90m (15m-12h, at most the role maximum)', '1h')
      .option('--mfa-serial <arn>', 'MFA device ARN (default: your only registered device)')
      .option('--mfa-code <code>', 'MFA code for scripts (default: asked for on the terminal, hidden)')
      .option('--output <kind>', 'env (export lines, default) or credential-process (JSON)')
      .option('--write-profile <name>', 'write the session as this profile into the AWS credentials file')
      .option('--exec', 'run the command after -- with the session in its environment')
      .option(
        '--revoke-after <d>',
        'revoke every session of the role this long from now (EventBridge Scheduler one-shot)',
      )
      .option('--scheduler-role <arn>', 'execution role EventBridge Scheduler uses for --revoke-after');
    needsHelp(cmd, ASSUME_IAM_ACTIONS).action(
      run((io, command: string[], o: AssumeFlags) => assume(io, o, command)),
    );
  },
};
