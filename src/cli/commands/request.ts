import type { CommandModule } from '../command.js';
import { REQUEST_TAG_PREFIX, isoSeconds, requestTags, requestsFromTags } from '../../engines/access/index.js';
import type { CliIO } from '../io.js';
import {
  addRoleOptions,
  awsTarget,
  needsHelp,
  rethrowAws,
  roleTarget,
  sessionTags,
  whoAmI,
  type RoleFlags,
  type TargetFlags,
} from './access-common.js';
import { accessRuntime } from './access-runtime.js';

interface RequestFlags extends RoleFlags, TargetFlags {
  reason?: string;
  ticket?: string;
}

export const REQUEST_IAM_ACTIONS = [
  'iam:TagRole and iam:UntagRole on the break-glass role, for tag keys breakglass:request:* only (aws:TagKeys)',
  'iam:GetRole, iam:ListRoleTags on the break-glass role',
];

/** Requests older than this are removed from the role's tags when a new one is recorded. */
const KEEP_REQUESTS_MS = 7 * 24 * 3600 * 1000;

async function request(io: CliIO, o: RequestFlags): Promise<number> {
  const rt = await accessRuntime();
  const role = await roleTarget(o, io.cwd);
  const tags = sessionTags(o.reason, o.ticket);
  const target = awsTarget(o);
  const person = await whoAmI(rt, target, 'request');
  const now = rt.now();
  const id = rt.randomId();
  const reason = tags['Ticket'] ? `${tags['Ticket']} ${tags['Reason']}` : (tags['Reason'] as string);
  const iam = rt.ports.iam(target);
  try {
    const existing = requestsFromTags((await iam.getRole(role.name)).tags);
    const old = existing.filter((r) => now.getTime() - Date.parse(r.at) > KEEP_REQUESTS_MS);
    const oldKeys = old.flatMap((r) => Object.keys(requestTags(r)));
    if (oldKeys.length > 0) await iam.untagRole(role.name, oldKeys);
    await iam.tagRole(role.name, requestTags({ id, at: isoSeconds(now), requester: person, reason }));
  } catch (e) {
    rethrowAws(e, `request: TagRole on ${role.name}`);
  }
  io.out(id);
  io.err(
    `request: ${id} recorded on ${role.name} (tag ${REQUEST_TAG_PREFIX}${id}) for ${person.name}; a second person approves it with: breakglass approve ${id} --role ${role.arn} --duration 1h`,
  );
  return 0;
}

/** `breakglass request`: records a request for break-glass access that a second person approves. */
export const requestCommand: CommandModule = {
  register(program, run) {
    const cmd = addRoleOptions(
      program
        .command('request')
        .description(
          'Ask for break-glass access outside an emergency; prints the request id a second person approves',
        ),
    )
      .option('--reason <text>', 'why you need access (required)')
      .option('--ticket <id>', 'ticket of the change or incident');
    needsHelp(cmd, REQUEST_IAM_ACTIONS).action(run((io, o: RequestFlags) => request(io, o)));
  },
};
