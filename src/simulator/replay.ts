import { needsAllManagementEvents, recordOf, type EventBridgeEvent } from '../engines/cloudtrail/index.js';
import type { Decision } from '../engines/iam-policy/index.js';
import { policyDecision } from './policy.js';
import { compileRuleSet, type CompiledRuleSet } from '../engines/event-pattern/index.js';
import { renderTargetInput } from '../engines/input-transformer/index.js';
import { describeFailure, type HopFailure, type HopName } from './delivery/hop.js';
import { deadLetterCheck } from './delivery/hops.js';
import { targetVerdict } from './delivery/targets.js';
import { bodyProblem } from './delivery/body.js';
import { alarmNotifyProblem } from './delivery/alarms.js';
import { summaryOf } from './delivery/metric-filters.js';
import {
  defaultBusArn,
  type BusModel,
  type RuleModel,
  type SystemModel,
  type TargetKind,
  type TargetModel,
} from './model.js';

/** One target invocation that EventBridge would make. */
export interface Delivery {
  readonly ruleArn: string;
  readonly ruleName: string;
  readonly busArn: string;
  readonly region: string;
  readonly account: string;
  readonly targetId: string;
  readonly targetKind: TargetKind;
  readonly targetArn: string;
  /** The exact payload the target receives. */
  readonly input: string;
  /** Buses the event went through to get here, first = the default bus it landed on. */
  readonly via: readonly string[];
  /** What the delivery reaches (an email address, an HTTPS endpoint, a log group, …). */
  readonly endpoint?: string;
  /** Every hop to a person works: a topic someone subscribes to, an HTTPS endpoint, a Lambda function. */
  readonly humanFacing: boolean;
  /**
   * The person is told by an alarm on a metric filter of the log group this delivery writes to (once
   * per burst), not by this delivery itself: the alarm's name (see delivery/metric-filters.ts).
   */
  readonly summarisedBy?: string;
}

/** A rule or forwarding that did not deliver, and why (for explaining gaps). */
export interface Miss {
  readonly ruleArn: string;
  readonly targetArn?: string;
  readonly reason: string;
  /** The hop that stopped a delivery the rule made (absent for rules that did not act). */
  readonly hop?: HopName;
}

export interface ReplayResult {
  readonly deliveries: readonly Delivery[];
  readonly misses: readonly Miss[];
  /** Hops that did not stop a delivery but break its safety net (dead-letter queues). */
  readonly problems: readonly HopFailure[];
  /** Rules that matched and acted on the event (ARNs), for the alarms that watch them. */
  readonly rules: readonly string[];
}

/** Target kinds that can put a human in the loop (whether one does is `Delivery.humanFacing`). */
export const NOTIFICATION_KINDS: ReadonlySet<TargetKind> = new Set([
  'sns',
  'sqs',
  'lambda',
  'api-destination',
]);

export const isAlert = (d: Delivery): boolean => d.humanFacing;
export const isLog = (d: Delivery): boolean => d.targetKind === 'logs';

const MAX_HOPS = 8;

/** A bus's rules with a pattern, in template order, compiled once as one set (cached per bus). */
const ruleSets = new WeakMap<BusModel, { rules: RuleModel[]; set: CompiledRuleSet }>();
function ruleSetOf(bus: BusModel): { rules: RuleModel[]; set: CompiledRuleSet } {
  let entry = ruleSets.get(bus);
  if (!entry) {
    const rules = bus.rules.filter((r) => r.pattern !== undefined);
    entry = { rules, set: compileRuleSet(rules.map((r) => r.pattern?.source)) };
    ruleSets.set(bus, entry);
  }
  return entry;
}

function combine(decisions: Decision[]): Decision {
  if (decisions.includes('ExplicitDeny')) return 'ExplicitDeny';
  if (decisions.includes('Allow')) return 'Allow';
  return 'ImplicitDeny';
}

function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}
function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? '';
}

/**
 * May `rule` forward to the bus `target`? EventBridge needs, for a bus in another Region or account, a target
 * role that events.amazonaws.com can assume and that allows `events:PutEvents` on the destination, and for
 * another account the destination bus's resource policy must allow the sender.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
function forwardingAllowed(
  model: SystemModel,
  rule: RuleModel,
  target: TargetModel,
  dest: BusModel,
): string | undefined {
  const crossAccount = dest.account !== rule.account;
  const crossRegion = dest.region !== rule.region;
  const role = target.roleArn ? model.roles.get(target.roleArn) : undefined;
  if (crossRegion && !target.roleArn) {
    return 'a cross-Region event bus target needs a RoleArn';
  }
  if (target.roleArn) {
    if (!role) return `target role ${target.roleArn} is not in the templates; cannot show it may PutEvents`;
    const trust = policyDecision(role.trustPolicy, {
      action: 'sts:AssumeRole',
      resource: role.arn,
      principal: { type: 'Service', id: 'events.amazonaws.com' },
      // EventBridge assumes the target role on behalf of the rule: confused-deputy keys are set.
      context: { 'aws:SourceAccount': rule.account, 'aws:SourceArn': rule.arn },
    });
    if (trust !== 'Allow') return `target role ${role.name} does not trust events.amazonaws.com (${trust})`;
    const perm = combine(
      role.policies.map((doc) =>
        policyDecision(doc, {
          action: 'events:PutEvents',
          resource: dest.arn,
          principal: { type: 'AWS', id: role.arn },
          context: { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.account },
        }),
      ),
    );
    if (perm !== 'Allow')
      return `target role ${role.name} is not allowed events:PutEvents on ${dest.arn} (${perm})`;
  }
  // The destination bus's resource policy: an explicit Deny stops everyone; another account also needs an
  // Allow (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html).
  const principalArn = role?.arn ?? `arn:aws:iam::${rule.account}:root`;
  // An account in an organization calls with aws:PrincipalOrgID set (the org-wide bus policy's condition).
  const orgId = model.organizationOf?.get(rule.account);
  const decision =
    dest.policyStatements.length === 0
      ? 'ImplicitDeny'
      : policyDecision(
          { Version: '2012-10-17', Statement: dest.policyStatements },
          {
            action: 'events:PutEvents',
            resource: dest.arn,
            principal: { type: 'AWS', id: principalArn },
            context: {
              'aws:PrincipalArn': principalArn,
              'aws:PrincipalAccount': rule.account,
              'aws:SourceAccount': rule.account,
              'aws:SourceArn': rule.arn,
              ...(orgId !== undefined ? { 'aws:PrincipalOrgID': orgId } : {}),
            },
          },
        );
  if (decision === 'ExplicitDeny') return `the policy of ${dest.arn} denies PutEvents from ${principalArn}`;
  if (crossAccount && decision !== 'Allow') {
    return `the policy of ${dest.arn} does not let account ${rule.account} PutEvents (${decision})`;
  }
  return undefined;
}

/**
 * Delivers `event` as AWS would: to the default bus of its account and Region, through every matching rule,
 * following event-bus targets (with permission checks and a loop guard).
 */
export function replayEvent(model: SystemModel, event: EventBridgeEvent): ReplayResult {
  const deliveries: Delivery[] = [];
  const misses: Miss[] = [];
  const problems: HopFailure[] = [];
  const acted = new Set<string>();
  const record = recordOf(event);
  const readOnlyFiltered = record ? needsAllManagementEvents(record) : false;

  const visit = (busArn: string, via: string[]) => {
    const bus = model.buses.get(busArn);
    if (!bus) return;
    const { rules, set } = ruleSetOf(bus);
    for (const i of set.matching(event)) {
      const rule = rules[i] as RuleModel;
      if (rule.state === 'DISABLED') {
        misses.push({ ruleArn: rule.arn, reason: 'rule is DISABLED' });
        continue;
      }
      if (readOnlyFiltered && rule.state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') {
        // The pattern asks for this read-only call but the state drops it: a broken hop, not a choice (a
        // rule meant for writes only says so in its pattern, `readOnly: [false]`).
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
        misses.push({
          ruleArn: rule.arn,
          reason: `rule state: rule ${rule.name} matches read-only ${record?.eventName}, but read-only management events reach only rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (rule is ${rule.state}); set that state, or add readOnly: [false] to the pattern if reads are meant to be left out (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html)`,
          hop: 'rule state',
        });
        continue;
      }
      acted.add(rule.arn);
      for (const target of rule.targets) {
        if (target.kind === 'event-bus') {
          const dlq = deadLetterCheck(model, rule, target);
          if (dlq) problems.push(dlq);
          const dest = model.buses.get(target.arn) ?? {
            arn: target.arn,
            name: target.arn.split('/').pop() ?? target.arn,
            account: accountOfArn(target.arn),
            region: regionOfArn(target.arn),
            policyStatements: [],
            rules: [],
          };
          if (via.includes(dest.arn) || via.length >= MAX_HOPS) {
            misses.push({ ruleArn: rule.arn, targetArn: target.arn, reason: 'event bus loop stopped' });
            continue;
          }
          const denied = forwardingAllowed(model, rule, target, dest);
          if (denied) {
            misses.push({
              ruleArn: rule.arn,
              targetArn: target.arn,
              reason: `event bus: rule ${rule.name} cannot forward to ${dest.arn}: ${denied} (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html)`,
              hop: 'event bus',
            });
            continue;
          }
          if (!model.buses.has(dest.arn)) {
            misses.push({
              ruleArn: rule.arn,
              targetArn: target.arn,
              reason: 'destination bus is not in the templates',
            });
            continue;
          }
          visit(dest.arn, [...via, dest.arn]);
          continue;
        }
        let input: string;
        try {
          input = renderTargetInput(
            {
              ...(target.input !== undefined ? { Input: target.input } : {}),
              ...(target.inputPath !== undefined ? { InputPath: target.inputPath } : {}),
              ...(target.inputTransformer !== undefined ? { InputTransformer: target.inputTransformer } : {}),
            },
            event,
            { ruleArn: rule.arn, ruleName: rule.name, ingestionTime: event.time },
          );
        } catch (e) {
          misses.push({
            ruleArn: rule.arn,
            targetArn: target.arn,
            reason: `input cannot be rendered: ${(e as Error).message}`,
          });
          continue;
        }
        const verdict = targetVerdict(model, rule, target, event);
        problems.push(...verdict.safetyNet);
        const blocked =
          verdict.blocked ??
          (target.kind === 'api-destination' ? bodyProblem(target, input, rule.name) : undefined);
        if (blocked) {
          misses.push({
            ruleArn: rule.arn,
            targetArn: target.arn,
            reason: describeFailure(blocked),
            hop: blocked.hop,
          });
          continue;
        }
        const summary =
          target.kind === 'logs' && !verdict.humanFacing
            ? summaryOf(model, target.arn, event, (a) => !alarmNotifyProblem(model, a, replayEvent))
            : undefined;
        deliveries.push({
          ruleArn: rule.arn,
          ruleName: rule.name,
          busArn: bus.arn,
          region: bus.region,
          account: bus.account,
          targetId: target.id,
          targetKind: target.kind,
          targetArn: target.arn,
          input,
          via,
          ...(verdict.endpoint !== undefined ? { endpoint: verdict.endpoint } : {}),
          humanFacing: verdict.humanFacing || summary !== undefined,
          ...(summary ? { summarisedBy: summary.alarm.name } : {}),
        });
      }
    }
  };

  const landing = defaultBusArn(event.account, event.region);
  visit(landing, [landing]);
  return { deliveries, misses, problems: [...new Set(problems)], rules: [...acted] };
}
