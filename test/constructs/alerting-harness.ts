/**
 * Test harness: replays an EventBridge event through synthesized break-glass stacks the way AWS
 * would: the default bus of the event's Region (forwarding rules of the main or regional stack),
 * then the central bus (alert / log rules), then each target's input transformer.
 * Patterns and inputs come from the templates (resolved offline by the cfn engine).
 */
import type { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveTemplate, type ResolvedTemplate } from '../../src/engines/cfn/index.js';
import {
  type CloudTrailRecord,
  type EventBridgeEvent,
  needsAllManagementEvents,
  toEventBridgeEvent,
} from '../../src/engines/cloudtrail/index.js';
import { matchesPattern } from '../../src/engines/event-pattern/index.js';
import { renderTargetInput } from '../../src/engines/input-transformer/index.js';

export interface RuleView {
  readonly stack: string;
  readonly logicalId: string;
  readonly busName: string;
  readonly pattern: unknown;
  readonly state: string;
  readonly targets: readonly Record<string, unknown>[];
}

export interface Delivery {
  readonly rule: RuleView;
  readonly targetArn: string;
  readonly payload: string;
}

export interface Replay {
  /** Rules in the event's Region that forwarded it. */
  readonly forwardedBy: RuleView[];
  /** Central rules that matched, with each target's rendered payload. */
  readonly delivered: Delivery[];
}

const ALL = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

function rulesOf(stackName: string, t: ResolvedTemplate): RuleView[] {
  const out: RuleView[] = [];
  for (const r of t.resources.values()) {
    if (r.type !== 'AWS::Events::Rule') continue;
    const p = r.properties;
    out.push({
      stack: stackName,
      logicalId: r.logicalId,
      busName: typeof p['EventBusName'] === 'string' ? p['EventBusName'] : 'default',
      pattern: p['EventPattern'],
      state: typeof p['State'] === 'string' ? p['State'] : 'ENABLED',
      targets: Array.isArray(p['Targets']) ? (p['Targets'] as Record<string, unknown>[]) : [],
    });
  }
  return out;
}

function delivers(rule: RuleView, event: EventBridgeEvent, record: CloudTrailRecord): boolean {
  if (rule.state !== 'ENABLED' && rule.state !== ALL) return false;
  if (rule.state !== ALL && needsAllManagementEvents(record)) return false;
  return matchesPattern(rule.pattern, event);
}

function render(target: Record<string, unknown>, event: EventBridgeEvent, rule: RuleView): string {
  const it = target['InputTransformer'] as
    { InputPathsMap?: Record<string, string>; InputTemplate: string } | undefined;
  return renderTargetInput(
    {
      Input: target['Input'] as string | undefined,
      InputPath: target['InputPath'] as string | undefined,
      InputTransformer: it ? { inputPathsMap: it.InputPathsMap, inputTemplate: it.InputTemplate } : undefined,
    },
    event,
    {
      ruleArn: `arn:aws:events:::rule/${rule.logicalId}`,
      ruleName: rule.logicalId,
      ingestionTime: event.time,
    },
  );
}

export class AlertingWorld {
  readonly templates = new Map<string, ResolvedTemplate>();
  readonly raw = new Map<string, Record<string, unknown>>();
  private readonly regionStacks = new Map<string, string>();

  constructor(
    stacks: readonly Stack[],
    readonly centralBusName: string,
  ) {
    for (const s of stacks) {
      const json = Template.fromStack(s).toJSON() as Record<string, unknown>;
      this.raw.set(s.stackName, json);
      this.templates.set(
        s.stackName,
        resolveTemplate(json, { stackName: s.stackName, account: s.account, region: s.region }),
      );
      this.regionStacks.set(s.region, s.stackName);
    }
  }

  static fromApp(app: App, stacks: readonly Stack[], centralBusName: string): AlertingWorld {
    void app;
    return new AlertingWorld(stacks, centralBusName);
  }

  rules(stackName: string): RuleView[] {
    const t = this.templates.get(stackName);
    return t ? rulesOf(stackName, t) : [];
  }

  /** Main-stack name (the stack holding the central bus). */
  get mainStackName(): string {
    for (const [name, t] of this.templates) {
      for (const r of t.resources.values()) if (r.type === 'AWS::Events::EventBus') return name;
    }
    throw new Error('no central bus');
  }

  replay(record: CloudTrailRecord): Replay {
    const event = toEventBridgeEvent(record);
    const stackName = this.regionStacks.get(event.region);
    const forwardedBy = stackName
      ? this.rules(stackName).filter(
          (r) =>
            r.busName === 'default' &&
            r.targets.some((t) => String(t['Arn']).includes(`event-bus/${this.centralBusName}`)) &&
            delivers(r, event, record),
        )
      : [];
    const delivered: Delivery[] = [];
    if (forwardedBy.length > 0) {
      for (const rule of this.rules(this.mainStackName)) {
        if (rule.busName !== this.centralBusName || !delivers(rule, event, record)) continue;
        for (const t of rule.targets)
          delivered.push({ rule, targetArn: String(t['Arn']), payload: render(t, event, rule) });
      }
    }
    return { forwardedBy, delivered };
  }
}
