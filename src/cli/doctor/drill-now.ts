/**
 * `doctor --drill`: one drill now, timed end to end. Finds the drill role (`breakglass:purpose=
 * drill-role`), the break-glass role (`breakglass:role=true`) and the drill log group in the
 * deployed stacks, makes the denied attempt (`aws/drill.ts`), then polls the log group until the
 * attempt arrives (recognised by its unique session name) and reports how long it took.
 */
import { formatDuration } from '../../engines/access/index.js';
import { TAG_BREAKGLASS_ROLE } from '../../engines/conventions.js';
import type { DoctorAws, DrillAws } from '../aws/doctor-ports.js';
import { commonAwsError, firstLine } from '../aws/errors.js';
import { expectedValue, physicalSubstitutions } from './compare.js';
import { DRILL_LOG_PURPOSE, PURPOSE_TAG, hasPurpose } from './inventory.js';
import { finding, type DoctorContext, type Finding } from './model.js';

export const DRILL_ROLE_PURPOSE = 'drill-role';

export interface DrillPlan {
  readonly region: string;
  readonly drillRoleArn: string;
  readonly breakGlassRoleArn: string;
  readonly logGroup: string;
  readonly logRegion: string;
}

export interface DrillClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const tagOf = (props: Record<string, unknown>, key: string): string | undefined => {
  const tags = props['Tags'];
  if (!Array.isArray(tags)) return undefined;
  const t = tags.find((x) => (x as Record<string, unknown>)['Key'] === key) as
    Record<string, unknown> | undefined;
  return t === undefined ? undefined : String(t['Value']);
};

/** The drill's parts from the deployed stacks, or why a drill cannot run. */
export function planDrill(ctx: DoctorContext, region: string | undefined): DrillPlan | string {
  let drillRoleArn: string | undefined;
  let breakGlassRoleArn: string | undefined;
  let log: { name: string; region: string } | undefined;
  for (const s of ctx.stacks) {
    const d = ctx.deployed.get(s.stackName);
    if (!d) continue;
    const subs = physicalSubstitutions(s.resources, d.resources);
    for (const r of s.resources) {
      const arn = expectedValue(r.arn, subs);
      if (r.type === 'AWS::IAM::Role' && typeof arn === 'string') {
        if (tagOf(r.properties, PURPOSE_TAG) === DRILL_ROLE_PURPOSE) drillRoleArn ??= arn;
        if (tagOf(r.properties, TAG_BREAKGLASS_ROLE) === 'true') breakGlassRoleArn ??= arn;
      }
      if (r.type === 'AWS::Logs::LogGroup' && hasPurpose(r, DRILL_LOG_PURPOSE)) {
        const name = d.resources.find((x) => x.logicalId === r.logicalId)?.physicalId;
        if (name) log ??= { name, region: s.region };
      }
    }
  }
  if (!drillRoleArn || !log)
    return 'no deployed drill (drill role and drill log group): not in this deployment';
  if (!breakGlassRoleArn) return 'no deployed break-glass role to make the attempt on';
  return {
    region: region ?? log.region,
    drillRoleArn,
    breakGlassRoleArn,
    logGroup: log.name,
    logRegion: log.region,
  };
}

export async function runDrillNow(
  plan: DrillPlan,
  aws: DoctorAws,
  drill: DrillAws,
  clock: DrillClock,
  o: { readonly timeoutMs: number; readonly pollMs: number; readonly sessionName: string },
): Promise<Finding> {
  const where = plan.region;
  let attempt: { outcome: 'denied' | 'allowed'; at: number };
  try {
    attempt = await drill.attempt(plan.region, plan.drillRoleArn, plan.breakGlassRoleArn, o.sessionName);
  } catch (e) {
    const known = commonAwsError(e, 'drill: AssumeRole on the drill role');
    return finding(
      'drill-now',
      'error',
      where,
      plan.drillRoleArn,
      known
        ? `${known.message}; your principal must be one the drill role trusts`
        : `${e instanceof Error ? e.name : 'Error'}: ${firstLine(e)}`,
    );
  }
  if (attempt.outcome === 'allowed')
    return finding(
      'drill-now',
      'problem',
      where,
      plan.breakGlassRoleArn,
      'the drill role could ASSUME the break-glass role: its trust policy lets in a principal it must deny; fix the trust policy now',
    );
  const deadline = attempt.at + o.timeoutMs;
  while (clock.now() <= deadline) {
    const events = (await aws.logEvents(plan.logRegion, plan.logGroup, attempt.at - 60_000, 10_000)) ?? [];
    const hit = events.find((e) => e.message.includes(o.sessionName));
    if (hit) {
      const arrived = hit.ingestionTime ?? hit.timestamp;
      const seconds = Math.max(0, Math.round((arrived - attempt.at) / 1000));
      return finding(
        'drill-now',
        'ok',
        where,
        plan.logGroup,
        `denied attempt arrived after ${seconds} s (CloudTrail → EventBridge → drill log group)`,
      );
    }
    await clock.sleep(o.pollMs);
  }
  return finding(
    'drill-now',
    'problem',
    where,
    plan.logGroup,
    `the denied attempt did not arrive within ${formatDuration(Math.round(o.timeoutMs / 1000))}: the live path (trail → default bus → rules → log group) is broken in ${where}; check the trail and the rules (doctor lists drift above)`,
  );
}
