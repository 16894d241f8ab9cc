import type { CommandModule } from '../command.js';
import {
  REVOKE_POLICY_NAME,
  parseDuration,
  revokeTimeOf,
  requestsFromTags,
} from '../../engines/access/index.js';
import { AwsCallError } from '../aws/errors.js';
import { EXIT_FINDINGS, EXIT_OK, type CliIO } from '../io.js';
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

interface StatusFlags extends RoleFlags, TargetFlags {
  since: string;
  regions?: string;
  json?: boolean;
  all?: boolean;
}

export const STATUS_IAM_ACTIONS = [
  'cloudtrail:LookupEvents in the covered Regions',
  'iam:GetRolePolicy, iam:GetRole, iam:ListRoleTags on the break-glass role (revoke and requests)',
];

async function status(io: CliIO, o: StatusFlags): Promise<number> {
  const rt = await accessRuntime();
  const role = await roleTarget(o, io.cwd);
  const target = awsTarget(o);
  const now = rt.now();
  const since = new Date(now.getTime() - parseDuration(o.since, '--since') * 1000);
  const regions = regionsToSearch(o.regions, role, target, rt.env);
  const iam = rt.ports.iam(target);
  let revokeBefore: string | undefined;
  let tags: Readonly<Record<string, string>> = {};
  try {
    const doc = await iam.getRolePolicy(role.name, REVOKE_POLICY_NAME);
    revokeBefore = doc ? revokeTimeOf(doc) : undefined;
    tags = (await iam.getRole(role.name)).tags;
  } catch (e) {
    rethrowAws(e, `status: reading ${role.name}`);
  }
  const found = await findSessions(rt, role, target, regions, since, revokeBefore);
  reportFailures(io, 'status', found.failed);
  if (found.failed.length === regions.length) {
    throw new AwsCallError(
      `status: CloudTrail LookupEvents failed in every Region searched (${found.failed[0]?.why ?? 'no Region'}); it needs cloudtrail:LookupEvents, and --regions must name Regions enabled in the account`,
    );
  }
  const shown = o.all ? found.sessions : found.sessions.filter((s) => s.active);
  const live = found.sessions.filter((s) => s.active && !s.revoked);
  const requests = requestsFromTags(tags);
  if (o.json) {
    io.out(
      JSON.stringify(
        { role: role.arn, regions, revokeBefore: revokeBefore ?? null, sessions: shown, requests },
        null,
        2,
      ),
    );
  } else {
    io.out(
      `${role.arn}: ${live.length} active break-glass session(s) not revoked; searched ${regions.length} Region(s) since ${since.toISOString()}`,
    );
    io.out(
      revokeBefore
        ? `revoke in force: sessions issued before ${revokeBefore} are denied`
        : 'no revoke in force',
    );
    for (const s of shown)
      io.out(`  ${s.active ? (s.revoked ? 'REVOKED' : 'ACTIVE') : 'expired'}  ${sessionLine(s)}`);
    for (const r of requests) {
      const state = r.approval
        ? `approved by ${r.approval.by} until ${r.approval.notAfter}`
        : 'waiting for approval';
      io.out(`  request ${r.id} by ${r.requester.name} at ${r.at}: ${JSON.stringify(r.reason)} (${state})`);
    }
  }
  return live.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** `breakglass status`: who is in right now (CloudTrail), why, from where, and whether a revoke covers them. */
export const statusCommand: CommandModule = {
  register(program, run) {
    const cmd = addRoleOptions(
      program
        .command('status')
        .description(
          'Active break-glass sessions from CloudTrail: who, since when, reason, source IP, revoked or not (exit 1 if any is live)',
        ),
    )
      .option('--since <d>', 'how far back to look', '12h')
      .option('--regions <list>', 'Regions to search (default: the covered Regions)')
      .option('--all', 'also list expired sessions')
      .option('--json', 'machine-readable output');
    needsHelp(cmd, STATUS_IAM_ACTIONS).action(run((io, o: StatusFlags) => status(io, o)));
  },
};
