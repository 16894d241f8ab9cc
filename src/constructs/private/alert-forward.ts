import { Lazy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BusTarget, deliveryFor } from './alert-targets.js';
import type { PatternJson } from './alert-ways.js';

/**
 * Rule state that also delivers read-only Get/List/Describe management events.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
 */
export const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** Sets the CloudTrail read-only delivery state on a rule (the L2 `Rule` only has `enabled`). */
export function setAllManagementEvents(rule: events.Rule): void {
  (rule.node.defaultChild as events.CfnRule).state = ALL_MANAGEMENT_EVENTS;
}

export interface ForwardingRuleProps {
  readonly pattern: PatternJson;
  readonly busArn: string;
  readonly role: iam.IRole;
  readonly deadLetterQueue: sqs.IQueue;
  readonly allManagementEvents: boolean;
  readonly description: string;
  /** Bus the rule is on. @default the default bus */
  readonly eventBus?: events.IEventBus;
}

/** A rule forwarding `pattern` to another bus, with retries and a dead-letter queue. */
export function addForwardingRule(scope: Construct, id: string, props: ForwardingRuleProps): events.Rule {
  const rule = new events.Rule(scope, id, {
    eventPattern: props.pattern as events.EventPattern,
    eventBus: props.eventBus,
    description: props.description,
    targets: [new BusTarget(props.busArn, props.role, deliveryFor(props.deadLetterQueue))],
  });
  if (props.allManagementEvents) setAllManagementEvents(rule);
  return rule;
}

export interface LazyForwardingRuleProps {
  readonly busArn: string;
  readonly role: iam.IRole;
  readonly deadLetterQueue: sqs.IQueue;
  /** Raw CloudFormation event pattern, computed at synthesis (principals may be added later). */
  readonly pattern: () => unknown;
  readonly state: () => string;
  readonly description: string;
}

/** A forwarding rule whose pattern and state are computed when the template is synthesized. */
export function lazyForwardingRule(
  scope: Construct,
  id: string,
  props: LazyForwardingRuleProps,
): events.Rule {
  const rule = new events.Rule(scope, id, {
    // Replaced on the L1 below (the L2 rule needs a pattern to validate).
    eventPattern: { source: ['aws.sts'] },
    description: props.description,
    targets: [new BusTarget(props.busArn, props.role, deliveryFor(props.deadLetterQueue))],
  });
  const cfn = rule.node.defaultChild as events.CfnRule;
  cfn.eventPattern = Lazy.any({ produce: props.pattern });
  cfn.state = Lazy.string({ produce: props.state });
  return rule;
}
