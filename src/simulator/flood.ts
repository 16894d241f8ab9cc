/**
 * A small model of a CloudWatch metric alarm over time, enough to say how many notifications a burst
 * of events produces. Each period's datapoint is the Sum of the values published in it (no datapoint
 * when nothing was published); at the end of every period the alarm looks at the last
 * `evaluationPeriods` periods and goes to ALARM when at least `datapointsToAlarm` of them breach,
 * else to OK. Missing datapoints count as breaching or not per `treatMissingData` (`ignore` /
 * `missing`: they do not count and the state is kept). Alarm actions run only when the state
 * changes, so a burst that keeps the alarm in ALARM notifies once.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html ("alarms
 * invoke actions only when the alarm changes state")
 *
 * Simplifications, on purpose: no evaluation delay or late data, no INSUFFICIENT_DATA start state
 * (the alarm starts OK), Sum as the statistic.
 */

export interface AlarmSpec {
  /** Seconds. */
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly threshold: number;
  readonly comparison: string;
  readonly treatMissingData?: string;
}

export type AlarmState = 'OK' | 'ALARM';

export interface AlarmRun {
  /** State at the end of each period. */
  readonly states: readonly AlarmState[];
  /** Periods (indexes) at whose end the alarm went into ALARM: one notification each. */
  readonly notifications: readonly number[];
}

function breaching(spec: AlarmSpec, v: number): boolean {
  switch (spec.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return v >= spec.threshold;
    case 'GreaterThanThreshold':
      return v > spec.threshold;
    case 'LessThanThreshold':
      return v < spec.threshold;
    case 'LessThanOrEqualToThreshold':
      return v <= spec.threshold;
    default:
      return false;
  }
}

/**
 * Runs the alarm over `periods` periods, given when each value was published (seconds from the start
 * of period 0) and what it was (default 1 each).
 */
export function runAlarm(
  spec: AlarmSpec,
  times: readonly number[],
  periods: number,
  values: readonly number[] = [],
): AlarmRun {
  const sums: (number | undefined)[] = new Array<number | undefined>(periods).fill(undefined);
  times.forEach((t, i) => {
    const p = Math.floor(t / spec.period);
    if (p >= 0 && p < periods) sums[p] = (sums[p] ?? 0) + (values[i] ?? 1);
  });
  const need = spec.datapointsToAlarm ?? spec.evaluationPeriods;
  const missing = spec.treatMissingData ?? 'missing';
  let state: AlarmState = 'OK';
  const states: AlarmState[] = [];
  const notifications: number[] = [];
  for (let end = 0; end < periods; end++) {
    let bad = 0;
    let counted = 0;
    for (let p = Math.max(0, end - spec.evaluationPeriods + 1); p <= end; p++) {
      const v = sums[p];
      if (v === undefined) {
        if (missing === 'breaching') {
          bad++;
          counted++;
        } else if (missing === 'notBreaching') counted++;
        continue;
      }
      counted++;
      if (breaching(spec, v)) bad++;
    }
    const next: AlarmState = bad >= need ? 'ALARM' : counted > 0 ? 'OK' : state;
    if (next === 'ALARM' && state !== 'ALARM') notifications.push(end);
    state = next;
    states.push(state);
  }
  return { states, notifications };
}
