/**
 * The verdict for one target of one rule: the hops its delivery needs, judged once per target (the body
 * with the shape of the first event that reaches it) and cached.
 */
import type { EventBridgeEvent } from '../../engines/cloudtrail/index.js';
import type { RuleModel, SystemModel, TargetModel } from '../model.js';
import { checkBody } from './body.js';
import { DOCS, fail, type HopFailure } from './hop.js';
import {
  apiDestinationEndpoint,
  arnPart,
  deadLetterCheck,
  EVENTS,
  lambdaAllows,
  lastSegment,
  logGroupAllows,
  queueAccepts,
  topicReachesPerson,
} from './hops.js';
import { deliverAsRole } from './role-targets.js';

export interface TargetVerdict {
  /** Set when the delivery never reaches its endpoint. */
  readonly blocked?: HopFailure;
  /** What the delivery reaches, for messages. */
  readonly endpoint?: string;
  /** A person is told (email, SMS, HTTPS endpoint, chat, a Lambda function). */
  readonly humanFacing: boolean;
  /** Hops that do not stop this delivery but break its safety net (the dead-letter queue). */
  readonly safetyNet: readonly HopFailure[];
}

function judge(
  model: SystemModel,
  rule: RuleModel,
  target: TargetModel,
  event: EventBridgeEvent,
): Omit<TargetVerdict, 'safetyNet'> {
  const r = arnPart(target.arn, 3);
  if (r && r !== rule.region)
    return {
      humanFacing: false,
      blocked: fail(
        'target Region',
        `target ${target.arn} is in ${r}, rule ${rule.name} in ${rule.region}; only event buses can be targets in another Region`,
        DOCS.crossRegion,
      ),
    };
  const outcome = (v: HopFailure | string, humanFacing: boolean) =>
    typeof v === 'string' ? { endpoint: v, humanFacing } : { blocked: v, humanFacing: false };
  if (target.roleArn && (target.kind === 'sns' || target.kind === 'sqs' || target.kind === 'lambda'))
    return outcome(deliverAsRole(model, rule, target, target.roleArn), target.kind !== 'sqs');
  switch (target.kind) {
    case 'sns':
      return outcome(
        topicReachesPerson(model, target.arn, EVENTS, { arn: rule.arn, account: rule.account }),
        true,
      );
    case 'sqs': {
      const queue = model.delivery.queues.get(target.arn);
      if (!queue)
        return outcome(
          fail(
            'queue policy',
            `queue ${target.arn} is not in the templates; its policy cannot be checked offline`,
            DOCS.resourcePolicies,
          ),
          false,
        );
      // A queue holds the message for a program to poll; no person is told.
      return outcome(queueAccepts(model, queue, rule, 'queue policy') ?? `queue ${queue.name}`, false);
    }
    case 'lambda':
      // What the function does is beyond an offline check; it is counted as telling a person.
      return outcome(
        lambdaAllows(model, rule, target.arn) ?? `Lambda function ${lastSegment(target.arn)}`,
        true,
      );
    case 'logs':
      return outcome(logGroupAllows(model, rule, target.arn) ?? `log group ${target.arn}`, false);
    case 'api-destination': {
      const v = apiDestinationEndpoint(model, rule, target);
      if (typeof v !== 'string') return outcome(v, true);
      return outcome(
        checkBody(
          target,
          event,
          { ruleArn: rule.arn, ruleName: rule.name },
          (e) => rule.pattern?.matches(e) ?? false,
        ) ?? v,
        true,
      );
    }
    default:
      return { humanFacing: false, endpoint: target.arn };
  }
}

const verdicts = new WeakMap<TargetModel, TargetVerdict>();

/** The verdict for one target of one rule; computed at the first event that reaches it, then cached. */
export function targetVerdict(
  model: SystemModel,
  rule: RuleModel,
  target: TargetModel,
  event: EventBridgeEvent,
): TargetVerdict {
  let v = verdicts.get(target);
  if (!v) {
    const dlq = deadLetterCheck(model, rule, target);
    v = { ...judge(model, rule, target, event), safetyNet: dlq ? [dlq] : [] };
    verdicts.set(target, v);
  }
  return v;
}
