/**
 * After deploy: a drill arrived recently in every Region that schedules one (Logs FilterLogEvents
 * on the drill log group, tagged `breakglass:purpose=drill-log`). A drill is an EventBridge event
 * written by a Logs target, so each entry is the event's JSON and carries its `region`.
 */
import type { LogEvent } from '../aws/doctor-ports.js';
import { DRILL_LOG_PURPOSE, hasPurpose, type InventoryStack } from './inventory.js';
import { finding, type DoctorCheck, type Finding } from './model.js';

/** Region a drill entry came from: the event's `region`, else the CloudTrail record's `awsRegion`. */
export function drillRegion(message: string): string | undefined {
  try {
    const e = JSON.parse(message) as { region?: unknown; detail?: { awsRegion?: unknown } };
    const r = e.region ?? e.detail?.awsRegion;
    return typeof r === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Regions whose stacks schedule a drill (an EventBridge Scheduler universal target calling sts:AssumeRole). */
export function drillRegions(stacks: readonly InventoryStack[]): string[] {
  const out = new Set<string>();
  for (const s of stacks) {
    for (const r of s.resources) {
      if (r.type !== 'AWS::Scheduler::Schedule') continue;
      const arn = (r.properties['Target'] as Record<string, unknown> | undefined)?.['Arn'];
      if (typeof arn === 'string' && /:aws-sdk:sts:assumeRole$/i.test(arn)) out.add(s.region);
    }
  }
  return [...out].sort();
}

export function judgeDrills(
  logGroup: string,
  where: string,
  expectRegions: readonly string[],
  events: readonly LogEvent[] | undefined,
  now: number,
  windowMs: number,
): Finding[] {
  if (events === undefined)
    return [
      finding('drill', 'problem', where, logGroup, 'drill log group is missing; deploy the stack again'),
    ];
  const last = new Map<string, number>();
  for (const e of events) {
    const r = drillRegion(e.message) ?? '*';
    last.set(r, Math.max(last.get(r) ?? 0, e.timestamp));
  }
  const hours = Math.round(windowMs / 3_600_000);
  const regions = expectRegions.length > 0 ? expectRegions : ['*'];
  return regions.map((r) => {
    const t = r === '*' ? Math.max(0, ...last.values()) : (last.get(r) ?? 0);
    const subject = r === '*' ? logGroup : `drill from ${r}`;
    if (t === 0 || now - t > windowMs)
      return finding(
        'drill',
        'problem',
        r === '*' ? where : r,
        subject,
        `no drill arrived in the last ${hours} h; the live path (trail → rules → log group) may be broken: run breakglass doctor --drill`,
      );
    return finding(
      'drill',
      'ok',
      r === '*' ? where : r,
      subject,
      `last drill ${new Date(t).toISOString()} (${Math.round((now - t) / 60_000)} min ago)`,
    );
  });
}

export const drillCheck: DoctorCheck = {
  id: 'drill',
  phase: 'after-deploy',
  summary:
    'a drill arrived within the window in every Region that schedules one (logs:FilterLogEvents on the drill log group)',
  async run(ctx) {
    const expect = drillRegions(ctx.stacks);
    const out: Finding[] = [];
    for (const s of ctx.stacks) {
      const d = ctx.deployed.get(s.stackName);
      if (!d) continue;
      for (const r of s.resources) {
        if (r.type !== 'AWS::Logs::LogGroup' || !hasPurpose(r, DRILL_LOG_PURPOSE)) continue;
        const name = d.resources.find((x) => x.logicalId === r.logicalId)?.physicalId;
        if (!name) continue;
        const events = await ctx.aws.logEvents(s.region, name, ctx.now - ctx.drillWindowMs, 10_000);
        out.push(...judgeDrills(name, s.region, expect, events, ctx.now, ctx.drillWindowMs));
      }
    }
    return out.length > 0
      ? out
      : [
          finding(
            'drill',
            'skipped',
            'global',
            'drill',
            'no deployed drill log group: not in this deployment',
          ),
        ];
  },
};
