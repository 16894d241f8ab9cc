/**
 * JSON bodies for API destinations (Slack, webhooks) that stay valid JSON whatever a caller puts in the
 * fields they control (user agent, error message, request parameters such as the session name).
 *
 * EventBridge input templates (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
 * - a value placed inside quotes (`"Who: <username>"`) is inserted raw: "EventBridge doesn't escape
 *   values extracted by Input Path", so a `"` or `\` in it breaks the JSON;
 * - a value placed outside quotes (`{"who": <username>}`) is rendered as a JSON value: a string is
 *   quoted and escaped ("Simple JSON" example: `{"instance": <instance>}` → `{"instance": "i-0123456789"}`);
 * - a variable whose path is not in the event "isn't created and won't appear in the output": outside
 *   quotes that would leave `{"who": }`.
 * So every event value sits outside quotes, on its own, and only where it cannot be absent:
 * - webhook: `"<name>": [<name>]`, an array of zero or one value (`[]` when the event lacks it);
 * - Slack (Block Kit): one rich-text element per value, `{"type": "text", "text": <name>}`, for values
 *   every matching event has (CloudTrail's own fields, or fields the rule's pattern requires); other
 *   values would make Slack reject the message when absent (Slack answers HTTP 200 with `ok: false`,
 *   which EventBridge counts as delivered), so Slack shows "(in the email alert)" for them.
 * Fixed text (our literals, the `message` template's own words) is written JSON-escaped at synth time.
 */
import type { Field, FieldMap, Placeholder } from './alert-placeholders.js';
import { PLACEHOLDERS } from './alert-placeholders.js';
import type { PatternJson } from './alert-ways.js';

export interface JsonBody {
  readonly template: string;
  readonly inputPathsMap: Record<string, string>;
}

/**
 * Paths every CloudTrail event delivered by EventBridge carries, set by AWS (not by the caller) and
 * short: the envelope's account and Region, and the record's time, name, id, Region and source.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
const ALWAYS_PRESENT = new Set([
  '$.account',
  '$.region',
  '$.time',
  '$.detail.eventTime',
  '$.detail.eventName',
  '$.detail.eventID',
  '$.detail.awsRegion',
  '$.detail.eventSource',
]);

/** Matchers that only match when the field is present (not `exists: false`, not `anything-but`). */
function requiresPresence(matchers: unknown): boolean {
  if (!Array.isArray(matchers) || matchers.length === 0) return false;
  return matchers.every((m) => {
    if (m === null) return false;
    if (typeof m !== 'object') return true;
    const o = m as Record<string, unknown>;
    if ('exists' in o) return o['exists'] === true;
    return ['prefix', 'suffix', 'wildcard', 'equals-ignore-case', 'numeric'].some((k) => k in o);
  });
}

/** JSON paths (`$.detail.a.b`) a pattern requires to be present; `$or` branches are not relied on. */
export function requiredPaths(pattern: PatternJson): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === '$or') continue;
      const key = k === 'detailType' ? 'detail-type' : k;
      const p = `${path}.${key}`;
      if (Array.isArray(v)) {
        if (requiresPresence(v)) out.add(p);
      } else walk(v, p);
    }
  };
  walk(pattern, '$');
  return out;
}

type Part = { readonly text: string } | { readonly value: Placeholder; readonly field: Field };

/** `message` split into fixed text and placeholders. */
function parts(message: string, fields: FieldMap): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of message.matchAll(/<([A-Za-z0-9_.-]+)>/g)) {
    const name = m[1] as Placeholder;
    const field = fields[name] as Field | undefined;
    if (field === undefined) continue;
    if (m.index > last) out.push({ text: message.slice(last, m.index) });
    out.push({ value: name, field });
    last = m.index + m[0].length;
  }
  if (last < message.length) out.push({ text: message.slice(last) });
  return out;
}

/** Webhook body: every placeholder under its own key, as an array of zero or one values. */
export function webhookBody(fields: FieldMap): JsonBody {
  const inputPathsMap: Record<string, string> = {};
  const entries = PLACEHOLDERS.map((name) => {
    const field = fields[name];
    if ('literal' in field) return `${JSON.stringify(name)}:[${JSON.stringify(field.literal)}]`;
    inputPathsMap[name] = field.path;
    return `${JSON.stringify(name)}:[<${name}>]`;
  });
  return { template: `{${entries.join(',')}}`, inputPathsMap };
}

/** Shown in Slack for a value that may be absent from the event. */
export const SLACK_OMITTED = '(in the email alert)';

/**
 * Slack `chat.postMessage` body (https://api.slack.com/methods/chat.postMessage): a header and the
 * `message` as one rich-text section, each value its own element (https://api.slack.com/reference/block-kit/blocks#rich_text).
 * `present` holds the JSON paths every event reaching the rule has.
 */
export function slackBody(
  channel: string,
  message: string,
  fields: FieldMap,
  present: ReadonlySet<string>,
): JsonBody {
  const inputPathsMap: Record<string, string> = {};
  const text = (t: string, style?: object) =>
    `{"type":"text","text":${JSON.stringify(t)}${style ? `,"style":${JSON.stringify(style)}` : ''}}`;
  const elements = parts(message, fields).map((p) => {
    if ('text' in p) return text(p.text);
    if ('literal' in p.field) return text(p.field.literal);
    if (!present.has(p.field.path) && !ALWAYS_PRESENT.has(p.field.path))
      return text(SLACK_OMITTED, { italic: true });
    inputPathsMap[p.value] = p.field.path;
    return `{"type":"text","text":<${p.value}>}`;
  });
  const wayIn = 'literal' in fields.wayIn ? fields.wayIn.literal : 'way in';
  const summary = `Break-glass access: ${wayIn}`;
  // Block Kit: header text is at most 150 characters.
  const header = `{"type":"header","text":{"type":"plain_text","text":${JSON.stringify(summary.slice(0, 150))}}}`;
  const body =
    `{"channel":${JSON.stringify(channel)},"text":${JSON.stringify(summary)},"blocks":[${header},` +
    `{"type":"rich_text","elements":[{"type":"rich_text_section","elements":[${elements.join(',')}]}]}]}`;
  return { template: body, inputPathsMap };
}
