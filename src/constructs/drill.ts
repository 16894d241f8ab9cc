import { Aws, Duration, Names, PhysicalName, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { BreakGlassAlertChannels } from './channels.js';
import { BreakGlassValidationError } from './errors.js';
import { API_CALL, deniedOn } from './private/alert-ways.js';
import { LogGroupTarget } from './private/alert-targets.js';
import { registerDrillCaller } from './private/drill-callers.js';
import type { BreakGlassDrillOptions } from './drill-options.js';
import { BreakGlassRegionalStack } from './regional-stack.js';

export type { BreakGlassDrillOptions } from './drill-options.js';

/** Tag key naming what a drill resource is for (`drill-role`, `drill-log`). */
export const DRILL_PURPOSE_TAG = 'breakglass:purpose';
/** Namespace, name and dimension of the metric the drill's metric filter publishes. */
export const DRILL_METRIC = { namespace: 'BreakGlass', name: 'DrillArrived', dimension: 'Region' } as const;
/** The universal-target ARN of STS AssumeRole (EventBridge Scheduler, `arn:aws:scheduler:::aws-sdk:<service>:<action>`). */
export const DRILL_TARGET_ARN = 'arn:aws:scheduler:::aws-sdk:sts:assumeRole';
/** Session name the drill asks for (informational: drills are recognised by the role, not the name). */
export const DRILL_SESSION_NAME = 'breakglass-drill';

/** Properties of {@link BreakGlassDrill}. */
export interface BreakGlassDrillProps extends BreakGlassDrillOptions {
  /** Channels whose central bus receives the drill (and whose alert rules leave it out). */
  readonly channels: BreakGlassAlertChannels;
  /** Break-glass roles the drill knocks on (one schedule per role and Region). */
  readonly roles: iam.IRole[];
  /**
   * Topic the missing-drill alarms notify.
   * @default - the channels' tamper topic
   */
  readonly notify?: sns.ITopic;
}

/**
 * A scheduled drill proving the live alert path end to end, without a Lambda function: in every
 * watched Region, an EventBridge Scheduler schedule whose universal target calls `sts:AssumeRole` on
 * the break-glass role as a dedicated drill role that the trust policy does not trust. STS denies
 * it; CloudTrail records the denied call in that Region; the Region's forwarding rule sends it to
 * the central bus, where a drill rule (matching the drill role as the session issuer) writes it to
 * the drill log group instead of paging anyone. A metric filter counts arrivals per Region, and per
 * Region an alarm that treats missing data as breaching fires when no drill arrived within `window`.
 *
 * Scheduler may call any API action whose name does not start with a read-only prefix (`get`,
 * `describe`, `list`, …); `assumeRole` is not one of them
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html).
 * The drill role may make only that one call on those roles; a successful drill `AssumeRole` (the
 * trust policy was widened to trust it) is a successful way in and pages like any other.
 */
export class BreakGlassDrill extends Construct {
  /** The role the schedules run as (tagged `breakglass:purpose=drill-role`). */
  readonly role: iam.Role;
  /** Where drills land, `/breakglass/<stack name>/drill` (tagged `breakglass:purpose=drill-log`). */
  readonly logGroup: logs.LogGroup;
  /** The central rule routing drill events to the log group. */
  readonly rule: events.Rule;
  /** Missing-drill alarms by Region. */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** Regions with a schedule (the channels' watched Regions). */
  readonly regions: readonly string[];

  constructor(scope: Construct, id: string, props: BreakGlassDrillProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const path = this.node.path;
    const { channels } = props;
    if (props.roles.length === 0) {
      throw new BreakGlassValidationError(path, 'roles', 'no roles to drill; pass roles: [breakGlassRole]');
    }
    const schedule = props.schedule ?? 'rate(1 day)';
    if (!Token.isUnresolved(schedule) && !/^(rate|cron|at)\(.+\)$/.test(schedule)) {
      throw new BreakGlassValidationError(
        path,
        'schedule',
        `'${schedule}' is not a schedule expression; use 'rate(1 day)', 'cron(0 6 * * ? *)' or similar`,
      );
    }
    const window = props.window ?? Duration.hours(26);
    const hours = window.toHours({ integral: false });
    if (!Number.isInteger(hours) || hours < 2 || hours > 168) {
      throw new BreakGlassValidationError(
        path,
        'window',
        `${window.toHumanString()} is not a whole number of hours from 2 to 168; CloudWatch evaluates at most 7 days`,
      );
    }
    this.regions = channels.regions;

    // The drill role: trusted by EventBridge Scheduler of this account's schedule groups (confused-
    // deputy keys as the Scheduler guide asks: aws:SourceArn is the schedule GROUP's ARN), and by any
    // listed operator. https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html
    const schedulerPrincipal = new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': `arn:${Aws.PARTITION}:scheduler:*:${stack.account}:schedule-group/default`,
        },
      },
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: PhysicalName.GENERATE_IF_NEEDED,
      assumedBy:
        props.operators && props.operators.length > 0
          ? new iam.CompositePrincipal(schedulerPrincipal, ...props.operators)
          : schedulerPrincipal,
      description:
        'Break-glass drill: makes one denied sts:AssumeRole on the break-glass role, on a schedule',
    });
    Tags.of(this.role).add(DRILL_PURPOSE_TAG, 'drill-role');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TheDrillCallOnly',
        actions: ['sts:AssumeRole'],
        resources: props.roles.map((r) => r.roleArn),
      }),
    );
    if (!registerDrillCaller(channels, this.role.roleArn)) {
      throw new BreakGlassValidationError(
        path,
        'channels',
        'the login alerts of these channels are already built, so drill events would page people; create the drill before BreakGlassLoginAlert (BreakGlassMonitoring does)',
      );
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/breakglass/${stack.stackName}/drill`,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Tags.of(this.logGroup).add(DRILL_PURPOSE_TAG, 'drill-log');

    // The drill as CloudTrail records it, arriving on the central bus: a denied AssumeRole naming a
    // break-glass role, made from a session the drill role issued (not a session name a caller picks).
    this.rule = channels.addCentralRule(
      this,
      'Rule',
      {
        source: ['aws.sts'],
        detailType: [API_CALL],
        detail: {
          eventSource: ['sts.amazonaws.com'],
          eventName: ['AssumeRole'],
          errorCode: [{ exists: true }],
          errorMessage: props.roles.flatMap((r) => deniedOn(r.roleArn)),
          userIdentity: { sessionContext: { sessionIssuer: { arn: [this.role.roleArn] } } },
        },
      },
      (d) => new LogGroupTarget(this.logGroup, d),
      // STS AssumeRole is recorded as a read-only call.
      true,
    );

    new logs.MetricFilter(this, 'Arrived', {
      logGroup: this.logGroup,
      filterPattern: logs.FilterPattern.stringValue(
        '$.detail.userIdentity.sessionContext.sessionIssuer.arn',
        '=',
        this.role.roleArn,
      ),
      metricNamespace: DRILL_METRIC.namespace,
      metricName: DRILL_METRIC.name,
      metricValue: '1',
      dimensions: { [DRILL_METRIC.dimension]: '$.detail.awsRegion' },
    });

    // Through the tamper path: a missing drill means the alert path itself may be broken.
    const notify = props.notify ?? channels.tamperTopic;
    const alarms: Record<string, cloudwatch.Alarm> = {};
    for (const region of this.regions) {
      // An hourly Sum; ALARM when every one of the last `window` hours is missing (= breaching).
      // Period × evaluation periods may reach 7 days for periods of an hour or more
      // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
      const alarm = new cloudwatch.Alarm(this, `Missing-${region}`, {
        metric: new cloudwatch.Metric({
          namespace: DRILL_METRIC.namespace,
          metricName: DRILL_METRIC.name,
          dimensionsMap: { [DRILL_METRIC.dimension]: region },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription:
          `No break-glass drill arrived from ${region} in ${hours} hours: the path CloudTrail → EventBridge → alerts may be broken there ` +
          `(drills land in ${this.logGroup.logGroupName}; run one now with breakglass doctor --drill)`,
      });
      alarm.addAlarmAction(new cwActions.SnsAction(notify));
      alarms[region] = alarm;
    }
    this.alarms = alarms;

    // One schedule per Region and role, in that Region (so the call is recorded there).
    props.roles.forEach((role, i) => {
      for (const region of this.regions) {
        const where = region === stack.region ? this : BreakGlassRegionalStack.forRegion(stack, region);
        const sid =
          region === stack.region ? `Schedule${i}` : `Drill${Names.nodeUniqueId(this.node)}Schedule${i}`;
        new scheduler.CfnSchedule(where, sid, {
          description: `Break-glass drill: a denied sts:AssumeRole on ${role.node.path}`,
          scheduleExpression: schedule,
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: DRILL_TARGET_ARN,
            roleArn: this.role.roleArn,
            input: Stack.of(where).toJsonString({
              RoleArn: role.roleArn,
              RoleSessionName: DRILL_SESSION_NAME,
            }),
            // The call is meant to fail: no retries (each would be another drill event).
            retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
          },
        });
      }
    });
  }
}
