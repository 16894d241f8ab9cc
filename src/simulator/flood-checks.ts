/**
 * Alert floods, checked offline in every covered Region: anyone who knows the role's ARN can make
 * denied `AssumeRole` calls as often as they like. A denied attempt must tell a person — through a
 * summary alarm (rule → log group → metric filter → alarm → topic) or, when configured so, by paging
 * it — and a burst of {@link FLOOD_BURST} attempts from one caller in one window must notify once
 * (./flood.ts runs the alarm over time); a successful way in in the middle of it must still page at
 * once, by itself, not through the summary.
 */
import { toEventBridgeEvent } from '../engines/cloudtrail/index.js';
import type { AlarmModel } from './delivery/resources.js';
import { runAlarm, type AlarmSpec } from './flood.js';
import type { RoleModel, SystemModel } from './model.js';
import { iamUserIdentity, stsAssumeRecord } from './records.js';
import { replayEvent } from './replay.js';
import { DENIAL_WORDINGS, type DenialWording } from './denials.js';
import type { CheckContext, CheckFamily, CheckResult } from './check-types.js';

// The shapes of `CheckResult` / `CheckContext` (./checks.ts), spelled out here because checks.ts
// imports this family: importing its types back would be an import cycle.
const wording = (id: string): DenialWording =>
  DENIAL_WORDINGS.find((w) => w.id === id) ?? (DENIAL_WORDINGS[0] as DenialWording);

/** Denied attempts in one burst. */
export const FLOOD_BURST = 500;

/** The alarm as the time model needs it; undefined when the template leaves out what it needs. */
export function alarmSpec(alarm: AlarmModel): AlarmSpec | undefined {
  if (
    alarm.period === undefined ||
    alarm.evaluationPeriods === undefined ||
    alarm.threshold === undefined ||
    alarm.comparison === undefined
  )
    return undefined;
  return {
    period: alarm.period,
    evaluationPeriods: alarm.evaluationPeriods,
    ...(alarm.datapointsToAlarm !== undefined ? { datapointsToAlarm: alarm.datapointsToAlarm } : {}),
    threshold: alarm.threshold,
    comparison: alarm.comparison,
    ...(alarm.treatMissingData !== undefined ? { treatMissingData: alarm.treatMissingData } : {}),
  };
}

/** `count` attempts spread evenly over the first `seconds` seconds. */
export function burstTimes(count: number, seconds: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * seconds) / count);
}

function attempt(role: RoleModel, region: string, success: boolean) {
  const caller = `arn:aws:iam::${role.account}:user/flood-${success ? 'operator' : 'caller'}`;
  const identity = iamUserIdentity(caller, caller.split('/').pop() ?? 'caller', role.account);
  return toEventBridgeEvent(
    stsAssumeRecord({
      key: `flood|${role.arn}|${region}|${success ? 'ok' : 'denied'}`,
      region,
      account: role.account,
      action: 'AssumeRole',
      caller: { identity, arn: caller },
      roleArn: role.arn,
      sessionName: 'flood',
      success,
      ...(success ? {} : { denial: wording('implicit-identity-based') }),
    }),
  );
}

function checkOne(model: SystemModel, role: RoleModel, region: string): CheckResult | undefined {
  const problems: string[] = [];
  let detail = '';
  const denied = replayEvent(model, attempt(role, region, false)).deliveries.filter((d) => d.humanFacing);
  const ok = replayEvent(model, attempt(role, region, true)).deliveries;
  // A Region where nothing tells anyone is not watched: the coverage matrix reports it, not this family.
  if (denied.length === 0 && !ok.some((d) => d.humanFacing)) return undefined;
  const summaries = [...new Set(denied.map((d) => d.summarisedBy))];
  if (denied.length === 0) problems.push('a denied attempt tells nobody');
  else if (summaries.every((s) => s !== undefined)) {
    for (const name of summaries) {
      const alarm = model.delivery.alarms.find((a) => a.name === name);
      const spec = alarm ? alarmSpec(alarm) : undefined;
      if (!spec) {
        problems.push(`summary alarm ${String(name)}: its period, threshold or comparison cannot be read`);
        continue;
      }
      // The burst inside one window, then quiet windows after it.
      const run = runAlarm(spec, burstTimes(FLOOD_BURST, spec.period), 6);
      if (run.notifications.length !== 1)
        problems.push(
          `${FLOOD_BURST} denied attempts in one ${spec.period / 60}-minute window notify ${run.notifications.length} time(s) through ${String(name)} (expected once)`,
        );
      else detail = `${FLOOD_BURST} denied attempts → 1 alert (${String(name)})`;
    }
  } else {
    detail = `each denied attempt pages (${denied.length} deliveries): ${FLOOD_BURST} attempts page ${FLOOD_BURST * denied.length} times, by configuration (deniedAttempts: each)`;
  }
  if (!ok.some((d) => d.humanFacing && d.summarisedBy === undefined))
    problems.push('a successful AssumeRole during the burst is not paged at once');
  return {
    family: 'flood',
    name: role.name,
    region,
    ok: problems.length === 0,
    problems,
    ...(problems.length === 0 ? { detail: `${detail}; a successful AssumeRole pages at once` } : {}),
  };
}

export const FLOOD_CHECKS: CheckFamily = {
  family: 'flood',
  title: 'Alert floods',
  run({ model, regions, roles }: CheckContext): CheckResult[] {
    return roles.flatMap((role) =>
      regions.flatMap((region) => {
        const r = checkOne(model, role, region);
        return r ? [r] : [];
      }),
    );
  },
};
