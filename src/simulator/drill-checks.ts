/**
 * The scheduled drill, checked offline in every covered Region: EventBridge Scheduler makes a denied
 * `sts:AssumeRole` on the break-glass role as the drill role (tagged `breakglass:purpose=drill-role`);
 * the record CloudTrail writes for it must reach exactly one drill log entry and page nobody; the
 * trust policy must deny the drill role (else the drill is a successful way in); the metric filter on
 * the drill log group must publish the metric a missing-data-as-breaching alarm of that Region
 * watches; and that alarm's notification must reach a person.
 *
 * The record: a denied AssumeRole whose caller is a session of the drill role, with
 * `requestParameters: null` and the role ARN in the message, as for any denied AssumeRole
 * (./records.ts). The session name Scheduler uses is not documented; the drill is recognised by the
 * session issuer, so the name does not matter.
 */
import { toEventBridgeEvent } from '../engines/cloudtrail/index.js';
import { alarmNotifyProblem } from './delivery/alarms.js';
import { describeFailure } from './delivery/hop.js';
import { alarmsOn, filterMatches, filtersOn, publishedMetric } from './delivery/metric-filters.js';
import type { AlarmModel } from './delivery/resources.js';
import type { RoleModel, SystemModel } from './model.js';
import { policyDecision, trustDecision } from './policy.js';
import { assumedRoleIdentity, stsAssumeRecord } from './records.js';
import { replayEvent } from './replay.js';
import { DENIAL_WORDINGS, type DenialWording } from './denials.js';
import type { CheckContext, CheckFamily, CheckResult } from './check-types.js';

// The shapes of `CheckResult` / `CheckContext` (./checks.ts), spelled out here because checks.ts
// imports this family: importing its types back would be an import cycle.
const wording = (id: string): DenialWording =>
  DENIAL_WORDINGS.find((w) => w.id === id) ?? (DENIAL_WORDINGS[0] as DenialWording);

/** Tag (key and value) the drill role carries. */
export const DRILL_ROLE_TAG = { key: 'breakglass:purpose', value: 'drill-role' } as const;
/** EventBridge Scheduler's universal target for STS AssumeRole. */
const DRILL_TARGET = 'arn:aws:scheduler:::aws-sdk:sts:assumeRole';
const SESSION = 'breakglass-drill';

/** Drill roles (by tag) whose identity policies let them call sts:AssumeRole on `role`. */
export function drillRolesFor(model: SystemModel, role: RoleModel): RoleModel[] {
  return [...model.roles.values()].filter(
    (d) =>
      d.tags[DRILL_ROLE_TAG.key] === DRILL_ROLE_TAG.value &&
      d.policies.some(
        (doc) =>
          policyDecision(doc, {
            action: 'sts:AssumeRole',
            resource: role.arn,
            principal: { type: 'AWS', id: d.arn },
            context: { 'aws:PrincipalArn': d.arn },
          }) === 'Allow',
      ),
  );
}

const missingAlarm = (a: AlarmModel): boolean =>
  a.treatMissingData === 'breaching' &&
  (a.comparison === 'LessThanThreshold' || a.comparison === 'LessThanOrEqualToThreshold');

function checkOne(model: SystemModel, role: RoleModel, drill: RoleModel, region: string): CheckResult {
  const problems: string[] = [];
  const name = `${role.name} (drill role ${drill.name})`;

  const scheduled = model.delivery.schedules.some((s) => {
    const input = s.input as { RoleArn?: unknown } | undefined;
    return (
      s.region === region &&
      s.account === role.account &&
      s.roleArn === drill.arn &&
      s.targetArn === DRILL_TARGET &&
      s.state === 'ENABLED' &&
      input?.RoleArn === role.arn
    );
  });
  if (!scheduled)
    problems.push(
      `no enabled EventBridge Scheduler schedule in ${region} calls ${DRILL_TARGET} on ${role.arn} as ${drill.name}`,
    );

  const session = assumedRoleIdentity(drill.arn, SESSION);
  const trust = trustDecision(role.trustPolicy, {
    action: 'sts:AssumeRole',
    principal: { type: 'AWS', id: String(session['arn']) },
    roleArn: role.arn,
    context: {
      'aws:PrincipalArn': drill.arn,
      'aws:PrincipalAccount': drill.account,
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': String(session['principalId']),
      'aws:RequestedRegion': region,
      'aws:SecureTransport': true,
    },
  }).decision;
  if (trust === 'Allow')
    problems.push(
      `the trust policy lets the drill role in: the drill is a successful way in (it pages as one), not a proof`,
    );

  const record = stsAssumeRecord({
    key: `drill|${role.arn}|${region}`,
    region,
    account: role.account,
    action: 'AssumeRole',
    caller: { identity: session, arn: String(session['arn']) },
    roleArn: role.arn,
    sessionName: SESSION,
    success: false,
    denial: wording('implicit-resource-based'),
  });
  const event = toEventBridgeEvent(record);
  const replayed = replayEvent(model, event);
  const pages = replayed.deliveries.filter((d) => d.humanFacing);
  if (pages.length > 0)
    problems.push(`the drill pages people (rules ${[...new Set(pages.map((d) => d.ruleName))].join(', ')})`);

  // Drill log entries: writes to a log group whose metric filter feeds a missing-drill alarm here.
  const entries = replayed.deliveries
    .filter((d) => d.targetKind === 'logs')
    .flatMap((d) =>
      filtersOn(model, d.targetArn)
        .filter((f) => filterMatches(f.filterPattern, event) === true)
        .flatMap((f) => {
          const metric = publishedMetric(f, event);
          const alarms = metric ? alarmsOn(model, metric).filter(missingAlarm) : [];
          return [{ delivery: d, filter: f, metric, alarms }];
        }),
    );
  const withAlarm = entries.filter((e) => e.alarms.length > 0);
  if (withAlarm.length !== 1) {
    const logs = replayed.deliveries.filter((d) => d.targetKind === 'logs').map((d) => d.targetArn);
    const published = entries
      .map((e) =>
        e.metric
          ? `${e.metric.namespace}/${e.metric.name} {${Object.entries(e.metric.dimensions)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}}`
          : `nothing (filter ${e.filter.logicalId})`,
      )
      .join('; ');
    problems.push(
      withAlarm.length === 0
        ? `the drill reaches no drill log entry watched by a missing-drill alarm (log deliveries: ${logs.join(', ') || 'none'}; metrics published: ${published || 'none'})`
        : `the drill produces ${withAlarm.length} drill log entries (expected exactly one)`,
    );
  }
  const alarm = withAlarm[0]?.alarms[0];
  if (alarm) {
    const notify = alarmNotifyProblem(model, alarm, replayEvent);
    if (notify) problems.push(describeFailure(notify));
  }
  const hours =
    alarm?.period && alarm.evaluationPeriods ? (alarm.period * alarm.evaluationPeriods) / 3600 : 0;
  return {
    family: 'drill',
    name,
    region,
    ok: problems.length === 0,
    problems,
    ...(problems.length === 0 && alarm
      ? { detail: `one drill log entry, no page; alarm ${alarm.name} fires after ${hours} h without a drill` }
      : {}),
  };
}

/**
 * One check per break-glass role and covered Region, for each drill role that may knock on it. A role
 * with no drill at all is not checked (the drill is optional); a drill with a piece missing in a Region
 * is a gap there.
 */
export const DRILL_CHECKS: CheckFamily = {
  family: 'drill',
  title: 'Scheduled drill',
  run({ model, regions, roles }: CheckContext): CheckResult[] {
    const out: CheckResult[] = [];
    for (const role of roles) {
      for (const drill of drillRolesFor(model, role)) {
        for (const region of regions) out.push(checkOne(model, role, drill, region));
      }
    }
    return out;
  },
};
