/** Break-glass sessions of a role from CloudTrail LookupEvents, one covered Region at a time. */
import { sessionsOf, type AccessSession } from '../../engines/access/index.js';
import { awsErrorName, firstLine } from '../aws/errors.js';
import type { AwsTarget } from '../aws/ports.js';
import { CliUsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import type { RoleTarget } from './access-common.js';
import type { AccessRuntime } from './access-runtime.js';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** `--regions a,b` → list; else the config's Regions; else `--region` / AWS_REGION; else us-east-1. */
export function regionsToSearch(
  flag: string | undefined,
  role: RoleTarget,
  target: AwsTarget,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  if (flag !== undefined) {
    const list = flag
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const bad = list.find((r) => !REGION.test(r));
    if (list.length === 0 || bad !== undefined) {
      throw new CliUsageError(
        `--regions: ${JSON.stringify(bad ?? flag)} is not a Region code; use a comma list such as eu-west-1,us-east-1`,
      );
    }
    return [...new Set(list)];
  }
  if (role.regions && role.regions.length > 0) return [...role.regions];
  return [target.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1'];
}

export interface SessionSearch {
  readonly sessions: AccessSession[];
  /** Regions that could not be searched, with why. */
  readonly failed: { region: string; why: string }[];
}

export async function findSessions(
  rt: AccessRuntime,
  role: RoleTarget,
  target: AwsTarget,
  regions: readonly string[],
  since: Date,
  revokeBefore: string | undefined,
): Promise<SessionSearch> {
  const now = rt.now();
  const failed: { region: string; why: string }[] = [];
  const records: unknown[] = [];
  for (const region of regions) {
    try {
      const port = rt.ports.cloudTrail({ ...target, region });
      for await (const r of port.eventsForResource(role.arn, since, now)) records.push(r);
    } catch (e) {
      failed.push({ region, why: `${awsErrorName(e) || 'error'}: ${firstLine(e)}` });
    }
  }
  return { sessions: sessionsOf(records, role.arn, now, revokeBefore), failed };
}

export function reportFailures(io: CliIO, what: string, failed: SessionSearch['failed']): void {
  for (const f of failed) io.err(`${what}: CloudTrail in ${f.region} could not be searched (${f.why})`);
}

/** One line per session, no secrets. */
export function sessionLine(s: AccessSession): string {
  return [
    s.sourceIdentity ?? s.who.split('/').pop() ?? s.who,
    `since ${s.since}`,
    `until ${s.expires ?? '?'}`,
    `from ${s.sourceIp ?? '?'}`,
    `in ${s.region ?? '?'}`,
    `reason ${JSON.stringify(s.reason ?? '-')}${s.ticket ? ` ticket ${s.ticket}` : ''}`,
    `(${s.who})`,
  ].join('  ');
}
