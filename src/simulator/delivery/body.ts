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
import type { HopFailure } from './hop.js';

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

/**
 * Values that break naive string insertion, each with how a message names it. `undefined` leaves the
 * field out (a caller may omit an optional request parameter): "if you specify a variable to match a JSON
 * path that doesn't exist in the event, that variable isn't created and won't appear in the output", so
 * a value position such as `"sourceIdentity": <sourceIdentity>` renders as `"sourceIdentity": `.
 */
export const ADVERSARIAL_VALUES: readonly { readonly what: string; readonly value: string | undefined }[] = [
  { what: 'a double quote', value: 'curl/8.0 "x"' },
  { what: 'a backslash', value: 'C:\\temp\\' },
  { what: 'a newline', value: 'line one\nline two' },
  { what: 'a tab', value: 'a\tb' },
  { what: 'a 4,096-character string', value: 'A'.repeat(4096) },
  { what: 'nothing (leaves the field out)', value: undefined },
];

function pathOf(jsonPath: string): string[] | undefined {
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(jsonPath)) return undefined;
  return jsonPath.slice(2).split('.');
}

/** Parameters a caller may leave out of a request (CloudTrail then records no such field). */
function isOmittable(path: readonly string[]): boolean {
  return path[0] === 'detail' && (path[1] === 'requestParameters' || path[1] === 'additionalEventData');
}

function isCallerControlled(path: readonly string[]): boolean {
  return CALLER_CONTROLLED.some((prefix) => prefix.every((p, i) => path[i] === p));
}

/** A copy of `event` with `value` at `path` (objects on the way created as needed; `undefined` removes it). */
function withValue(
  event: EventBridgeEvent,
  path: readonly string[],
  value: string | undefined,
): EventBridgeEvent {
  const copy = structuredClone(event) as unknown as Record<string, unknown>;
  let node = copy;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      if (value === undefined) delete node[key];
      else node[key] = value;
    } else {
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

function valueAt(event: EventBridgeEvent, path: readonly string[]): unknown {
  let node: unknown = event;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function parses(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A body an API destination sends as JSON (no content type, or one naming JSON). */
export function expectsJson(target: TargetModel): boolean {
  const contentType = Object.entries(target.httpHeaders ?? {}).find(
    ([k]) => k.toLowerCase() === 'content-type',
  )?.[1];
  // API destinations send application/json unless the target sets another content type.
  return contentType === undefined || /json/i.test(contentType);
}

/** The rendered body of one delivery, checked as JSON (every event, not only the first one). */
export function bodyProblem(target: TargetModel, input: string, ruleName: string): HopFailure | undefined {
  if (!expectsJson(target)) return undefined;
  const err = parses(input);
  return err
    ? {
        hop: 'body',
        message: `the body of target ${target.id} of rule ${ruleName} is not valid JSON for this event (${err}); a placeholder outside quotes whose field is missing renders as nothing`,
        doc: DOC,
      }
    : undefined;
}

/**
 * Renders the target's body for `event` and for variants of it where each caller-controlled field the
 * transformer reads holds an adversarial value (or is left out), and checks every rendering that the
 * rule would still deliver (`stillMatches`) is JSON.
 */
export function checkBody(
  target: TargetModel,
  event: EventBridgeEvent,
  rule: Omit<RuleContext, 'ingestionTime'>,
  stillMatches: (e: EventBridgeEvent) => boolean = () => true,
): HopFailure | undefined {
  if (!expectsJson(target)) return undefined;
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
    const original = valueAt(event, path);
    for (const { what, value } of ADVERSARIAL_VALUES) {
      if (value === undefined && !isOmittable(path)) continue;
      // Around what the caller would send anyway, so a pattern on a prefix or suffix still matches.
      const candidates =
        value === undefined
          ? [undefined]
          : typeof original === 'string'
            ? [value + original, original + value]
            : [value];
      const err = candidates
        .map((v) => withValue(event, path, v))
        .filter(stillMatches)
        .map((e) => parses(render(e)))
        .find((x) => x !== undefined);
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
