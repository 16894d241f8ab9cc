import type { CommandModule } from '../command.js';
import {
  REVOKE_POLICY_NAME,
  identityCenterRevokeDocument,
  laterRevokeTime,
  parseDuration,
  parseTime,
  revokePolicyDocument,
  revokeTimeOf,
  MAX_SESSION_SECONDS,
} from '../../engines/access/index.js';
import { CliUsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import {
  addRoleOptions,
  awsTarget,
  needsHelp,
  rethrowAws,
  roleTarget,
  type RoleFlags,
  type TargetFlags,
} from './access-common.js';
import { accessRuntime } from './access-runtime.js';
import { findSessions, regionsToSearch, reportFailures, sessionLine } from './access-sessions.js';

interface RevokeFlags extends RoleFlags, TargetFlags {
  before?: string;
  reason?: string;
  undo?: boolean;
  dryRun?: boolean;
  identityCenterUser?: string;
  reapplyAfter: string;
  regions?: string;
}

export const REVOKE_IAM_ACTIONS = [
  'iam:GetRolePolicy, iam:PutRolePolicy (iam:DeleteRolePolicy for --undo) on the break-glass role',
  'iam:TagRole / iam:UntagRole on the break-glass role (records the reason)',
  'cloudtrail:LookupEvents in the covered Regions (lists the sessions this ends)',
  '--dry-run and --identity-center-user call nothing',
];

/** Tag recording the last revoke on the role (time and reason). */
const REVOKE_TAG = 'breakglass:revoke';

async function revoke(io: CliIO, o: RevokeFlags): Promise<number> {
  const rt = await accessRuntime();
  const now = rt.now();
  const before = parseTime(o.before ?? 'now', now, '--before');
  if (o.identityCenterUser !== undefined) {
    if (!/^[\w-]{1,64}$/.test(o.identityCenterUser)) {
      throw new CliUsageError(
        `--identity-center-user: ${JSON.stringify(o.identityCenterUser)} is not an Identity Store user id (e.g. 906702bf7a-1b2c…); find it under Users in the Identity Center console`,
      );
    }
    io.out(JSON.stringify(identityCenterRevokeDocument(o.identityCenterUser), null, 2));
    io.err(
      "revoke: Identity Center owns its permission-set roles: add this statement to the permission set's inline policy (or an SCP over the accounts), reprovision, and end the person's access-portal session; remove it when access should return",
    );
    return 0;
  }
  if (o.undo && (o.before !== undefined || o.dryRun)) {
    throw new CliUsageError('--undo: cannot be combined with --before or --dry-run');
  }
  const role = await roleTarget(o, io.cwd);
  if (o.dryRun) {
    io.out(JSON.stringify(revokePolicyDocument(before), null, 2));
    io.err(
      `revoke: --dry-run: would put inline policy ${REVOKE_POLICY_NAME} on ${role.name}; nothing was called`,
    );
    return 0;
  }
  const reapplyMs = o.reapplyAfter === '0' ? 0 : parseDuration(o.reapplyAfter, '--reapply-after') * 1000;
  const target = awsTarget(o);
  const iam = rt.ports.iam(target);
  if (o.undo) {
    let removed: boolean;
    try {
      removed = await iam.deleteRolePolicy(role.name, REVOKE_POLICY_NAME);
      if (removed) await iam.untagRole(role.name, [REVOKE_TAG]);
    } catch (e) {
      rethrowAws(e, 'revoke --undo: DeleteRolePolicy');
    }
    io.out(
      removed
        ? `removed ${REVOKE_POLICY_NAME} from ${role.name}: sessions issued before the cut-off work again until they expire`
        : `${role.name} has no ${REVOKE_POLICY_NAME} policy; nothing to undo`,
    );
    return 0;
  }

  let cutoff: string;
  try {
    const existing = await iam.getRolePolicy(role.name, REVOKE_POLICY_NAME);
    const previous = existing ? revokeTimeOf(existing) : undefined;
    cutoff = laterRevokeTime(previous, before);
    if (cutoff !== before)
      io.err(
        `revoke: ${role.name} already revokes sessions issued before ${cutoff}, which is later; keeping it`,
      );
    await iam.putRolePolicy(role.name, REVOKE_POLICY_NAME, revokePolicyDocument(cutoff));
    const reason = (o.reason ?? '').replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 200);
    await iam.tagRole(role.name, { [REVOKE_TAG]: `${cutoff}${reason ? ` ${reason}` : ''}` });
  } catch (e) {
    rethrowAws(e, `revoke: PutRolePolicy on ${role.name}`);
  }
  io.out(
    `revoked: every session of ${role.arn} issued before ${cutoff} is denied from now on (${REVOKE_POLICY_NAME})`,
  );

  const regions = regionsToSearch(o.regions, role, target, rt.env);
  const since = new Date(Date.parse(cutoff) - MAX_SESSION_SECONDS * 1000);
  const found = await findSessions(rt, role, target, regions, since, cutoff);
  reportFailures(io, 'revoke', found.failed);
  const ended = found.sessions.filter((s) => s.active && s.revoked);
  io.out(ended.length === 0 ? 'sessions ended: none active' : `sessions ended (${ended.length}):`);
  for (const s of ended) io.out(`  ${sessionLine(s)}`);

  // IAM is eventually consistent: the policy can take a while to reach every endpoint
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
  // Put it again after the propagation window and read it back, so a concurrent change cannot leave the role unrevoked.
  if (reapplyMs > 0) {
    io.err(`revoke: waiting ${o.reapplyAfter} for IAM to propagate, then applying again`);
    await rt.sleep(reapplyMs);
    try {
      await iam.putRolePolicy(role.name, REVOKE_POLICY_NAME, revokePolicyDocument(cutoff));
      const back = await iam.getRolePolicy(role.name, REVOKE_POLICY_NAME);
      const t = back ? revokeTimeOf(back) : undefined;
      if (t === undefined || Date.parse(t) < Date.parse(cutoff)) {
        io.err(
          `revoke: ${REVOKE_POLICY_NAME} on ${role.name} reads back ${t ?? 'missing'}; run breakglass revoke again`,
        );
        return 1;
      }
    } catch (e) {
      rethrowAws(e, `revoke: re-applying on ${role.name}`);
    }
    io.out(`re-applied after ${o.reapplyAfter} and read back: in force`);
  }
  return 0;
}

/** `breakglass revoke`: ends every session of the role issued before a time (AWS "revoke active sessions"). */
export const revokeCommand: CommandModule = {
  register(program, run) {
    const cmd = addRoleOptions(
      program
        .command('revoke')
        .description(
          "End every break-glass session issued before a time: a deny on aws:TokenIssueTime, as the IAM console's Revoke active sessions",
        ),
    )
      .option('--before <time>', 'cut-off: ISO 8601 with zone, now, or -30m (default: now)')
      .option('--reason <text>', 'why (recorded in the role tag breakglass:revoke)')
      .option('--undo', 'remove the revoke policy (the role is usable again for older sessions)')
      .option('--dry-run', 'print the policy document (JSON) and call nothing')
      .option(
        '--identity-center-user <id>',
        'print the deny for an Identity Center user (permission set / SCP path) and call nothing',
      )
      .option('--reapply-after <d>', 'put the policy again after IAM propagation (0 = do not)', '10s')
      .option('--regions <list>', 'Regions to search CloudTrail in (default: the covered Regions)');
    needsHelp(cmd, REVOKE_IAM_ACTIONS).action(run((io, o: RevokeFlags) => revoke(io, o)));
  },
};
