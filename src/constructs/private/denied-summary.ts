import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LogGroupTarget } from './alert-targets.js';
import type { PatternJson } from './alert-ways.js';

/** How denied attempts reach people: one summary alarm per burst, or one page per attempt. */
export type DeniedAttemptAlerts = 'summary' | 'each';

/** Namespace and name of the metric the summary's metric filter publishes. */
export const DENIED_METRIC = { namespace: 'BreakGlass', name: 'DeniedAttempts' } as const;

/** Length of one summary window. */
export const SUMMARY_PERIOD = Duration.minutes(5);

/** What a set of channels offers the summary (kept narrow: no import of the channels module). */
export interface SummaryChannels extends Construct {
  readonly alertTopic: sns.ITopic;
  addCentralRule(
    owner: Construct,
    id: string,
    pattern: PatternJson,
    target: (d: import('./alert-targets.js').Delivery) => events.IRuleTarget,
    allManagementEvents: boolean,
  ): events.Rule;
}

const ID = 'DeniedSummary';

/**
 * Denied attempts summarised instead of paged one by one: every denied-attempt rule writes the event
 * to one log group; a metric filter counts them; one alarm (Sum ≥ 1 per 5 minutes) notifies the alert
 * topic when it goes into ALARM. An alarm notifies on state changes only, so a burst — 500 attempts or
 * 50,000, from one caller or many — is one notification while it lasts; the next burst after a quiet
 * window is another. Successful ways in keep their own paging rules.
 *
 * Why not one alarm per caller: a metric filter can publish a dimension taken from the event (the
 * caller's ARN), but "CloudWatch Logs might disable a metric filter if it generates 1,000 different
 * name/value pairs for your specified dimensions within one hour" — an attacker spraying from many
 * principals would switch the count off — and each value is a billed custom metric
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
 * A Metrics Insights query alarm (`GROUP BY` a dimension) can watch every contributor without naming
 * callers in advance, but it would read that same per-caller metric
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-alarms.html).
 * So one alarm covers every caller, and its description says where the per-caller detail is.
 */
export class DeniedSummary extends Construct {
  /** The summary of `channels`, created on first use. */
  static of(channels: SummaryChannels, retention?: logs.RetentionDays): DeniedSummary {
    const found = channels.node.tryFindChild(ID);
    return found instanceof DeniedSummary ? found : new DeniedSummary(channels, retention);
  }

  readonly logGroup: logs.LogGroup;
  readonly alarm: cloudwatch.Alarm;
  private readonly channels: SummaryChannels;

  private constructor(channels: SummaryChannels, retention: logs.RetentionDays | undefined) {
    super(channels, ID);
    this.channels = channels;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: retention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Every event in this log group is a denied attempt: count each one.
    new logs.MetricFilter(this, 'Count', {
      logGroup: this.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.detail.eventSource', '=', 'sts.amazonaws.com'),
      metricNamespace: DENIED_METRIC.namespace,
      metricName: DENIED_METRIC.name,
      metricValue: '1',
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      metric: new cloudwatch.Metric({
        namespace: DENIED_METRIC.namespace,
        metricName: DENIED_METRIC.name,
        statistic: 'Sum',
        period: SUMMARY_PERIOD,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        `Denied attempts to assume a break-glass role in the last ${SUMMARY_PERIOD.toMinutes()} minutes (one notification per burst). ` +
        `Each attempt (caller, Region, source IP, message) is in the CloudWatch log group ${this.logGroup.logGroupName}; ` +
        'Logs Insights: stats count(*) by detail.userIdentity.arn, detail.awsRegion, detail.sourceIPAddress',
    });
    this.alarm.addAlarmAction(new cwActions.SnsAction(channels.alertTopic));
  }

  /** A rule on the central bus writing the denied attempts `pattern` matches to the summary log group. */
  addRule(owner: Construct, id: string, pattern: PatternJson): events.Rule {
    // AssumeRole is recorded as a read-only call: the rule needs the all-management-events state.
    return this.channels.addCentralRule(
      owner,
      id,
      pattern,
      (d) => new LogGroupTarget(this.logGroup, d),
      true,
    );
  }
}
