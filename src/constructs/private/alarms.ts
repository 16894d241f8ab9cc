import { Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';

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
