import { Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TopicTarget, type Delivery } from './alert-targets.js';

/**
 * `FailedInvocations` of `rule` exactly as EventBridge publishes it: a rule on the default bus has the
 * single dimension `RuleName`; a rule on a custom bus has `EventBusName` and `RuleName`, where RuleName
 * is the rule's name. CloudFormation's `Ref` of a custom-bus rule (CDK's `ruleName`) is
 * `<bus name>|<rule name>`, so the name is the part after `|`.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html#eb-metrics-dimensions
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html#aws-resource-events-rule-return-values
 * (Ref's `<bus>|<rule>` form: https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1131)
 */
export function failedInvocations(rule: events.IRule, customBus?: events.IEventBus): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName: 'FailedInvocations',
    dimensionsMap: customBus
      ? { EventBusName: customBus.eventBusName, RuleName: Fn.select(1, Fn.split('|', rule.ruleName)) }
      : { RuleName: rule.ruleName },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });
}

/**
 * An alarm that fires on the first failure `metric` counts (> 0 in one period; no data = nothing failed),
 * notifying `notify` when given.
 */
export function failureAlarm(
  scope: Construct,
  id: string,
  metric: cloudwatch.IMetric,
  description: string,
  notify?: sns.ITopic,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
  if (notify) alarm.addAlarmAction(new cwActions.SnsAction(notify));
  return alarm;
}

export interface RegionalAlarmRuleProps {
  /** The central bus the regional stacks forward their alarm state changes to. */
  readonly eventBus: events.IEventBus;
  readonly account: string;
  /** Who is told that delivery is failing (the other path's topic). */
  readonly topic: sns.ITopic;
  readonly delivery: Delivery;
  readonly description: string;
}

/**
 * The rule on a central bus that turns the forwarded alarms of other Regions going into ALARM into a
 * message on `topic` (alarms cannot notify a topic in another Region).
 */
export function regionalAlarmRule(scope: Construct, id: string, props: RegionalAlarmRuleProps): events.Rule {
  return new events.Rule(scope, id, {
    eventBus: props.eventBus,
    description: props.description,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      account: [props.account],
      detail: { state: { value: ['ALARM'] } },
    },
    targets: [
      new TopicTarget(
        props.topic,
        props.delivery,
        events.RuleTargetInput.fromText(
          `Break-glass alert delivery is failing in ${events.EventField.region}: ${events.EventField.fromPath('$.detail.alarmName')}`,
        ),
      ),
    ],
  });
}
