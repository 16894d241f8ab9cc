import type { CommandModule } from '../command.js';
import {
  approvalCleanupSchedule,
  approvalStatement,
  checkRequestId,
  isoSeconds,
  MAX_SESSION_SECONDS,
  parseDuration,
  regionLockOf,
  requestTags,
  requestsFromTags,
  samePerson,
  withApproval,
  withoutApproval,
} from '../../engines/access/index.js';
import { CliUsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import {
  addRoleOptions,
  awsTarget,
  needsHelp,
  rethrowAws,
  roleTarget,
  whoAmI,
  type RoleFlags,
  type TargetFlags,
} from './access-common.js';
import { accessRuntime } from './access-runtime.js';

interface ApproveFlags extends RoleFlags, TargetFlags {
  duration: string;
  schedulerRole?: string;
}

export const APPROVE_IAM_ACTIONS = [
  'iam:GetRole, iam:ListRoleTags, iam:UpdateAssumeRolePolicy, iam:TagRole on the break-glass role',
  'scheduler:CreateSchedule and iam:PassRole on --scheduler-role (removes the approval at the end)',
];

async function approve(io: CliIO, id: string, o: ApproveFlags): Promise<number> {
  const rt = await accessRuntime();
  checkRequestId(id);
  const role = await roleTarget(o, io.cwd);
  const seconds = parseDuration(o.duration, '--duration');
  if (seconds > MAX_SESSION_SECONDS) {
    throw new CliUsageError(`--duration: ${o.duration} is longer than 12h; approve at most 12h at a time`);
  }
  const target = awsTarget(o);
  const approver = await whoAmI(rt, target, 'approve');
  const iam = rt.ports.iam(target);
  let info;
  try {
    info = await iam.getRole(role.name);
  } catch (e) {
    rethrowAws(e, `approve: GetRole ${role.name}`);
  }
  const req = requestsFromTags(info.tags).find((r) => r.id === id);
  if (!req) {
    throw new CliUsageError(
      `approve: request ${JSON.stringify(id)} is not recorded on ${role.name}; check the id (breakglass status --role ${role.arn} lists requests)`,
    );
  }
  if (samePerson(approver, req.requester)) {
    throw new CliUsageError(`approve: ${approver.name} made request ${id}; a second person must approve it`);
  }
  const now = rt.now();
  const notBefore = isoSeconds(now);
  const notAfter = isoSeconds(new Date(now.getTime() + seconds * 1000));
  const regions = regionLockOf(info.trustPolicy);
  const statement = approvalStatement({
    requestId: id,
    requester: req.requester,
    notBefore,
    notAfter,
    ...(regions ? { regions } : {}),
  });
  const trust = withApproval(info.trustPolicy, statement, notBefore);
  try {
    await iam.updateAssumeRolePolicy(role.name, trust);
    await iam.tagRole(
      role.name,
      requestTags({ ...req, approval: { by: approver.userId, notBefore, notAfter } }),
    );
  } catch (e) {
    rethrowAws(e, `approve: UpdateAssumeRolePolicy on ${role.name}`);
  }
  io.out(
    `approved ${id}: ${req.requester.name} may assume ${role.arn} until ${notAfter} (approved by ${approver.name})`,
  );
  if (o.schedulerRole) {
    const call = approvalCleanupSchedule(role.partition, role.name, id, notAfter, withoutApproval(trust, id));
    try {
      await rt.ports.scheduler(target).createOneShot(call, o.schedulerRole);
    } catch (e) {
      rethrowAws(
        e,
        `approve: CreateSchedule (the approval is in place and ends at ${notAfter} by itself; it is pruned at the next approval)`,
      );
    }
    io.err(`approve: the statement is removed from the trust policy at ${notAfter} (schedule ${call.name})`);
  } else {
    io.err(
      `approve: the statement stops working at ${notAfter} (aws:CurrentTime) and is pruned at the next approval; pass --scheduler-role to remove it on time`,
    );
  }
  return 0;
}

/** `breakglass approve <request>`: a second person lets the requester in for a window. */
export const approveCommand: CommandModule = {
  register(program, run) {
    const cmd = addRoleOptions(
      program
        .command('approve')
        .description(
          'Approve a break-glass request: lets exactly the requester in for --duration (trust statement with aws:CurrentTime)',
        ),
    )
      .argument('<request>', 'the request id `breakglass request` printed')
      .option('--duration <d>', 'how long the requester may assume the role, e.g. 1h (at most 12h)', '1h')
      .option(
        '--scheduler-role <arn>',
        'execution role EventBridge Scheduler uses to remove the approval at the end',
      );
    needsHelp(cmd, APPROVE_IAM_ACTIONS).action(run((io, id: string, o: ApproveFlags) => approve(io, id, o)));
  },
};
