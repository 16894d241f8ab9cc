/**
 * The body an API destination (Slack, a webhook) receives must be JSON whatever a caller puts in the
 * fields they control. EventBridge inserts a value placed inside quotes in the template as it is,
 * without escaping; a value placed outside quotes is rendered as a JSON value
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html, "Common
 * issues with transforming input"). So a `"` in the user agent breaks `"ua":"<userAgent>"`, and the
 * caller chooses to silence that channel.
 */
import type { EventBridgeEvent } from '../../engines/cloudtrail/index.js';
import { renderTargetInput, type RuleContext } from '../../engines/input-transformer/index.js';
import type { TargetModel } from '../model.js';
import type { HopFailure } from './hops.js';

const DOC = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html';

/**
 * Event fields a caller sets: the user agent, the error message (it quotes what was asked for), the
 * request parameters and additional event data (CloudTrail records them as sent).
 */
const CALLER_CONTROLLED = [
  ['detail', 'userAgent'],
  ['detail', 'errorMessage'],
  ['detail', 'requestParameters'],
  ['detail', 'additionalEventData'],
] as const;

/** Values that break naive string insertion, each with how a message names it. */
export const ADVERSARIAL_VALUES: readonly { readonly what: string; readonly value: string }[] = [
  { what: 'a double quote', value: 'curl/8.0 "x"' },
  { what: 'a backslash', value: 'C:\\temp\\' },
  { what: 'a newline', value: 'line one\nline two' },
  { what: 'a tab', value: 'a\tb' },
  { what: 'a 4,096-character string', value: 'A'.repeat(4096) },
];

function pathOf(jsonPath: string): string[] | undefined {
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(jsonPath)) return undefined;
  return jsonPath.slice(2).split('.');
}

function isCallerControlled(path: readonly string[]): boolean {
  return CALLER_CONTROLLED.some((prefix) => prefix.every((p, i) => path[i] === p));
}

/** A copy of `event` with `value` at `path` (objects on the way created as needed). */
function withValue(event: EventBridgeEvent, path: readonly string[], value: string): EventBridgeEvent {
  const copy = structuredClone(event) as unknown as Record<string, unknown>;
  let node = copy;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = value;
    else {
      const next = node[key];
      const obj =
        typeof next === 'object' && next !== null && !Array.isArray(next)
          ? (next as Record<string, unknown>)
          : {};
      node[key] = obj;
      node = obj;
    }
  });
  return copy as unknown as EventBridgeEvent;
}

function parses(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Renders the target's body for `event` and for variants of it where each caller-controlled field the
 * transformer reads holds an adversarial value, and checks every rendering is JSON.
 */
export function checkBody(
  target: TargetModel,
  event: EventBridgeEvent,
  rule: Omit<RuleContext, 'ingestionTime'>,
): HopFailure | undefined {
  const contentType = Object.entries(target.httpHeaders ?? {}).find(
    ([k]) => k.toLowerCase() === 'content-type',
  )?.[1];
  // API destinations send application/json unless the target sets another content type.
  if (contentType !== undefined && !/json/i.test(contentType)) return undefined;
  const it = target.inputTransformer;
  if (!it) return undefined; // The whole event or an InputPath selection is always JSON.
  const ctx: RuleContext = { ...rule, ingestionTime: event.time };
  const render = (e: EventBridgeEvent) => renderTargetInput({ InputTransformer: it }, e, ctx);
  const where = `the body of target ${target.id} of rule ${rule.ruleName}`;
  const base = parses(render(event));
  if (base) return { hop: 'body', message: `${where} is not valid JSON (${base})`, doc: DOC };
  for (const [name, jsonPath] of Object.entries(it.inputPathsMap ?? {})) {
    const path = pathOf(jsonPath);
    if (!path || !isCallerControlled(path)) continue;
    for (const { what, value } of ADVERSARIAL_VALUES) {
      const err = parses(render(withValue(event, path, value)));
      if (err)
        return {
          hop: 'body',
          message: `${where} is not valid JSON when a caller puts ${what} in ${jsonPath} (${err}); place <${name}> outside quotes so EventBridge renders it as a JSON string`,
          doc: DOC,
        };
    }
  }
  return undefined;
}
