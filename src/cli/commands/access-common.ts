/**
 * Shared by the access commands: which role (`--role` or `--config`), the AWS target, and the
 * break-glass session itself (caller identity → person → MFA → AssumeRole), with the usual STS
 * failures turned into one-line errors that say what to do.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BreakGlassConfig } from '../../config/index.js';
import {
  AccessInputError,
  CHAINED_SESSION_SECONDS,
  formatDuration,
  parseSessionDuration,
  personOf,
  sourceIdentityOf,
  type Person,
} from '../../engines/access/index.js';
import { ALL_REGIONS } from '../../engines/regions.js';
import { AwsCallError, awsErrorName, commonAwsError, firstLine } from '../aws/errors.js';
import type { AwsTarget, SessionCredentials } from '../aws/ports.js';
import { CliUsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import type { AccessRuntime } from './access-runtime.js';

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;

/** What the access commands know about the break-glass role. */
export interface RoleTarget {
  readonly arn: string;
  readonly name: string;
  readonly partition: string;
  readonly account: string;
  /** Covered Regions from the config (concrete codes), when a config was given. */
  readonly regions?: readonly string[];
  readonly maxSessionSeconds?: number;
  readonly requireReason?: boolean;
  readonly requireMfa?: boolean;
  readonly config?: BreakGlassConfig;
}

export interface RoleFlags {
  role?: string;
  config?: string;
}

export interface TargetFlags {
  profile?: string;
  region?: string;
}

export function addRoleOptions(cmd: Command): Command {
  return cmd
    .option('--role <arn>', 'ARN of the break-glass role')
    .option('--config <file>', 'breakglass config file (the role ARN, Regions and limits come from it)')
    .option('--profile <name>', 'AWS profile with your own credentials')
    .option('--region <region>', 'Region of the STS/IAM endpoint (must be a covered Region to assume)');
}

function configHours(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?/.exec(v);
  return m ? Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 : undefined;
}

export function parseRoleArn(
  arn: string,
  flag = '--role',
): Pick<RoleTarget, 'arn' | 'name' | 'partition' | 'account'> {
  const m = ROLE_ARN.exec(arn);
  if (!m) {
    throw new CliUsageError(
      `${flag}: ${JSON.stringify(arn)} is not an IAM role ARN; expected arn:aws:iam::111122223333:role/BreakGlass`,
    );
  }
  return { arn, partition: m[1] as string, account: m[2] as string, name: m[3] as string };
}

/**
 * `--role ARN` or `--config FILE` (the role ARN is built from `account` + `role.roleName`).
 * The config module (aws-cdk-lib) is imported only when a config is given.
 */
export async function roleTarget(flags: RoleFlags, cwd: string): Promise<RoleTarget> {
  if (flags.role !== undefined && flags.config === undefined) return parseRoleArn(flags.role);
  if (flags.config === undefined) {
    throw new CliUsageError(
      '--role: required (or --config FILE); e.g. --role arn:aws:iam::111122223333:role/BreakGlass',
    );
  }
  const { loadConfigFile } = await import('../../config/index.js');
  const config = loadConfigFile(resolve(cwd, flags.config));
  const role = config.role;
  if (!role) throw new CliUsageError(`--config: ${flags.config} has no role: section; pass --role ARN`);
  const regions = role.regions?.includes('*') ? [...ALL_REGIONS] : (role.regions ?? [config.region]);
  const hours = configHours(role.maxSessionDuration);
  const extra = {
    regions,
    requireReason: role.requireReason ?? false,
    requireMfa: role.requireMfa ?? true,
    config,
    ...(hours !== undefined ? { maxSessionSeconds: Math.round(hours * 3600) } : { maxSessionSeconds: 3600 }),
  };
  if (flags.role !== undefined) return { ...parseRoleArn(flags.role), ...extra };
  const existing = role.role?.startsWith('arn:') ? role.role : undefined;
  const name = role.roleName ?? (existing ? undefined : role.role);
  if (existing) return { ...parseRoleArn(existing, '--config role.role'), ...extra };
  if (!name) {
    throw new CliUsageError(
      `--config: ${flags.config} gives the role no fixed name (role.roleName), so its ARN is only known after deployment; pass --role ARN`,
    );
  }
  return {
    ...parseRoleArn(`arn:aws:iam::${config.account}:role/${name}`, '--config role.roleName'),
    ...extra,
  };
}

export function awsTarget(flags: TargetFlags): AwsTarget {
  return {
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.region ? { region: flags.region } : {}),
  };
}

/** Session tag values: up to 256 of letters, digits, spaces and `_ . : / = + - @` (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_know). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

export function sessionTags(reason: string | undefined, ticket: string | undefined): Record<string, string> {
  if (reason === undefined || reason.trim() === '') {
    throw new CliUsageError(
      '--reason: required; say why, e.g. --reason "INC-123 restore the orders database"',
    );
  }
  const tags: Record<string, string> = { Reason: reason.trim() };
  if (ticket !== undefined) tags['Ticket'] = ticket.trim();
  for (const [flag, v] of [
    ['--reason', tags['Reason']],
    ['--ticket', tags['Ticket']],
  ] as const) {
    if (v !== undefined && !TAG_VALUE.test(v)) {
      throw new CliUsageError(
        `${flag}: ${JSON.stringify(v)} cannot be a session tag; use up to 256 letters, digits, spaces and _ . : / = + - @`,
      );
    }
  }
  return tags;
}

/** Wraps an error from an AWS call: known user errors become one line; anything else is rethrown. */
export function rethrowAws(e: unknown, what: string): never {
  if (e instanceof AccessInputError || e instanceof CliUsageError || e instanceof AwsCallError) throw e;
  const mapped = commonAwsError(e, what);
  if (mapped) throw mapped;
  throw e;
}

export async function whoAmI(rt: AccessRuntime, target: AwsTarget, what: string): Promise<Person> {
  try {
    const caller = await rt.ports.sts(target).callerIdentity();
    return personOf(caller);
  } catch (e) {
    rethrowAws(e, `${what}: GetCallerIdentity`);
  }
}

export interface SessionFlags extends RoleFlags, TargetFlags {
  reason?: string;
  ticket?: string;
  duration?: string;
  mfaSerial?: string;
  mfaCode?: string;
}

export interface BreakGlassSession {
  readonly role: RoleTarget;
  readonly person: Person;
  readonly credentials: SessionCredentials;
  readonly sessionArn: string;
  readonly durationSeconds: number;
  readonly target: AwsTarget;
}

async function mfaFor(
  rt: AccessRuntime,
  io: CliIO,
  target: AwsTarget,
  person: Person,
  role: RoleTarget,
  flags: SessionFlags,
  what: string,
): Promise<{ serialNumber: string; tokenCode: string } | undefined> {
  let serial = flags.mfaSerial;
  if (serial === undefined && person.kind === 'iam-user') {
    let devices: string[];
    try {
      devices = await rt.ports.iam(target).mfaDevices(person.name);
    } catch (e) {
      throw new CliUsageError(
        `--mfa-serial: your MFA devices could not be listed (${awsErrorName(e) || firstLine(e)}); pass --mfa-serial arn:${person.partition}:iam::${person.account}:mfa/${person.name}`,
        { cause: e },
      );
    }
    if (devices.length > 1) {
      throw new CliUsageError(
        `--mfa-serial: you have ${devices.length} MFA devices; pick one: ${devices.join(', ')}`,
      );
    }
    serial = devices[0];
    if (serial === undefined) {
      if (role.requireMfa) {
        throw new CliUsageError(
          `--mfa-serial: no MFA device is registered for ${person.name} and the role requires MFA; register one (aws iam enable-mfa-device) or pass --mfa-serial`,
        );
      }
      io.err(`${what}: no MFA device registered for ${person.name}; assuming without MFA`);
      return undefined;
    }
  }
  if (serial === undefined) return undefined;
  let code = flags.mfaCode;
  if (code === undefined) {
    if (!rt.canPrompt()) {
      throw new CliUsageError('--mfa-code: no terminal to ask for the MFA code; pass --mfa-code 123456');
    }
    code = (await rt.promptHidden(`MFA code for ${serial}: `, what)).trim();
  }
  if (!/^\d{6}$/.test(code)) {
    throw new CliUsageError(
      '--mfa-code: the MFA code is 6 digits from your authenticator; try again with the current code',
    );
  }
  return { serialNumber: serial, tokenCode: code };
}

/** The usual AssumeRole failures, each with what to do. */
function assumeError(
  e: unknown,
  role: RoleTarget,
  target: AwsTarget,
  durationSeconds: number,
  what: string,
): never {
  const name = awsErrorName(e);
  const msg = firstLine(e);
  if (/MultiFactorAuthentication failed|MFA one time pass code|invalid MFA/i.test(msg)) {
    throw new AwsCallError(
      `${what}: the MFA code was rejected; wait for the next code (each code works once) and check --mfa-serial names your device`,
      { cause: e },
    );
  }
  if (name === 'RegionDisabledException') {
    throw new AwsCallError(
      `${what}: STS is not activated in ${target.region ?? 'this Region'} (Region locked); pass --region ${role.regions?.[0] ?? '<a covered Region>'}`,
      { cause: e },
    );
  }
  if (name === 'ValidationError' && /DurationSeconds/i.test(msg)) {
    const chained = /chain|1 hour/i.test(msg);
    const max = chained ? CHAINED_SESSION_SECONDS : role.maxSessionSeconds;
    throw new AwsCallError(
      `${what}: --duration ${formatDuration(durationSeconds)} is longer than ${chained ? 'STS allows for a session chained from another role' : "the role's maximum session duration"}${max ? ` (${formatDuration(max)})` : ''}; pass a shorter --duration${max ? ` such as --duration ${formatDuration(max)}` : ''}`,
      { cause: e },
    );
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    const region = target.region;
    if (role.regions && region !== undefined && !role.regions.includes(region)) {
      throw new AwsCallError(
        `${what}: the role is Region locked and ${region} is not covered; pass --region ${role.regions[0]} (covered: ${role.regions.slice(0, 5).join(', ')}${role.regions.length > 5 ? ', …' : ''})`,
        { cause: e },
      );
    }
    throw new AwsCallError(
      `${what}: ${role.arn} does not trust you for this request (${msg}); check that you are listed in the role's trust policy, that you used MFA, that --reason is set, and that --region is a covered Region`,
      { cause: e },
    );
  }
  rethrowAws(e, `${what}: AssumeRole`);
}

/** Assumes the break-glass role as the person: source identity and session name = their name, Reason/Ticket tags. */
export async function breakGlassSession(
  rt: AccessRuntime,
  io: CliIO,
  flags: SessionFlags,
  what: string,
): Promise<BreakGlassSession> {
  const role = await roleTarget(flags, io.cwd);
  const tags = sessionTags(flags.reason, flags.ticket);
  const durationSeconds = parseSessionDuration(flags.duration ?? '1h', '--duration');
  if (role.maxSessionSeconds !== undefined && durationSeconds > role.maxSessionSeconds) {
    throw new CliUsageError(
      `--duration: ${formatDuration(durationSeconds)} is longer than the role's maximum session duration (${formatDuration(role.maxSessionSeconds)}, maxSessionDuration in the config); pass --duration ${formatDuration(role.maxSessionSeconds)} or less`,
    );
  }
  const target = awsTarget(flags);
  const person = await whoAmI(rt, target, what);
  const sourceIdentity = sourceIdentityOf(person);
  const mfa = await mfaFor(rt, io, target, person, role, flags, what);
  try {
    const r = await rt.ports.sts(target).assumeRole({
      roleArn: role.arn,
      sessionName: sourceIdentity,
      sourceIdentity,
      durationSeconds,
      tags,
      ...(mfa ? { mfa } : {}),
    });
    return {
      role,
      person,
      credentials: r.credentials,
      sessionArn: r.assumedRoleArn,
      durationSeconds,
      target,
    };
  } catch (e) {
    assumeError(e, role, target, durationSeconds, what);
  }
}

/** The IAM actions a command needs, for `--help`. */
export function needsHelp(cmd: Command, lines: readonly string[]): Command {
  return cmd.addHelpText('after', `\nIAM actions needed:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}
