/**
 * EventBridge input transformation: InputPathsMap + InputTemplate → the exact payload a target gets.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
 *
 * Substitution rules. From the user guide's examples and "Common issues with transforming input":
 *  - A JSON template (one that starts with `{` or `[`): a string placeholder outside quotes becomes
 *    a JSON string (`{"instance": <instance>}` → `{"instance":"i-0123456789"}`); inside quotes it is
 *    inserted as it is — "EventBridge doesn't escape values extracted by Input Path"; the JSON passed
 *    to the target is minified.
 *  - A text template (anything else, e.g. `"<instance> is in state <state>"`): strings as they are.
 *  - Numbers, booleans and null as JSON text; objects and arrays as compact JSON, with their internal
 *    quotes removed when the placeholder sits inside a quoted string.
 *  - "If you specify a variable to match a JSON path that doesn't exist in the event, that variable
 *    isn't created and won't appear in the output": it renders as nothing (AWS delivers
 *    `"… from detail "` and `{"command": ""}`, as recorded against AWS in localstack's
 *    test_events_inputs snapshots).
 *  - A placeholder that is neither in InputPathsMap nor predefined is rejected by PutTargets
 *    ("InputTemplate for target … contains invalid placeholder notdefinedkey").
 *  - Predefined: `<aws.events.rule-arn>`, `<aws.events.rule-name>`, `<aws.events.event.ingestion-time>`,
 *    `<aws.events.event>` (the envelope without `detail`, with `detailType` and the ingestion time, as
 *    AWS renders it) and `<aws.events.event.json>` (the whole event). The two event variables are not
 *    escaped and belong in a JSON value position.
 */
import { InputTransformerError } from './errors.js';
import { evaluateJsonPath, parseJsonPath, type PathStep } from './json-path.js';
import { memoizeByIdentity } from '../memo.js';

export interface InputTransformer {
  /** Variable name → JSON path (`$.detail.userIdentity.arn`). At most 100. */
  inputPathsMap?: Record<string, string>;
  /** The template, with `<name>` placeholders. 1–8192 characters. */
  inputTemplate: string;
}

/** What EventBridge knows when it delivers: the rule, and when it received the event. */
export interface RuleContext {
  ruleArn: string;
  ruleName: string;
  /** ISO 8601 time EventBridge received the event. */
  ingestionTime: string;
}

export const MAX_INPUT_PATHS = 100;
export const MAX_TEMPLATE_LENGTH = 8192;
export const MAX_PATH_LENGTH = 256;
export const MAX_KEY_LENGTH = 256;

export const PREDEFINED_VARIABLES = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
] as const;
const PREDEFINED: ReadonlySet<string> = new Set(PREDEFINED_VARIABLES);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The received value as JSON, shortened. */
function quote(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
}

interface Placeholder {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  /** Inside a double-quoted string of the template. */
  readonly quoted: boolean;
}

/** Finds `<name>` placeholders (name = letters, digits, `-`, `_`, `.`) and whether they sit inside quotes. */
function scanTemplate(template: string): Placeholder[] {
  const out: Placeholder[] = [];
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '\\' && inString) {
      i++;
      continue;
    }
    if (c === '"') {
      inString = !inString;
      continue;
    }
    if (c === '<') {
      let j = i + 1;
      while (j < template.length) {
        const cc = template.charCodeAt(j);
        if (isKeyChar(cc) || cc === 46) j++;
        else break;
      }
      if (j > i + 1 && template[j] === '>') {
        out.push({ start: i, end: j + 1, name: template.slice(i + 1, j), quoted: inString });
        i = j;
      }
    }
  }
  return out;
}

interface ParsedTransformer {
  readonly paths: ReadonlyMap<string, PathStep[]>;
  readonly template: string;
  readonly placeholders: readonly Placeholder[];
  /** The template is JSON (starts with `{` or `[`). */
  readonly json: boolean;
}

function isJsonTemplate(template: string): boolean {
  const t = template.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

/**
 * Parsed transformers are cached by object identity: a rule's transformer is rendered for every event
 * it matches. Callers treat transformer objects as immutable once handed over.
 */
const parseTransformer: (t: unknown) => ParsedTransformer = memoizeByIdentity((t) =>
  parseTransformerUncached(t),
);

function parseTransformerUncached(t: unknown): ParsedTransformer {
  if (!isObject(t)) {
    throw new InputTransformerError(
      `input transformer must be an object {"inputPathsMap": {...}, "inputTemplate": "..."}; received ${quote(t)}`,
    );
  }
  // Accept both the API's PascalCase and this library's camelCase.
  const template = t['inputTemplate'] ?? t['InputTemplate'];
  const map = t['inputPathsMap'] ?? t['InputPathsMap'];
  if (typeof template !== 'string') {
    throw new InputTransformerError(`inputTemplate: required string; received ${quote(template)}`);
  }
  if (template.length < 1 || template.length > MAX_TEMPLATE_LENGTH) {
    throw new InputTransformerError(
      `inputTemplate: length must be 1-${MAX_TEMPLATE_LENGTH} characters; received ${template.length}`,
    );
  }
  const paths = new Map<string, PathStep[]>();
  if (map !== undefined) {
    if (!isObject(map)) {
      throw new InputTransformerError(
        `inputPathsMap: must be an object of name → JSON path; received ${quote(map)}`,
      );
    }
    const keys = Object.keys(map);
    if (keys.length > MAX_INPUT_PATHS) {
      throw new InputTransformerError(
        `inputPathsMap: at most ${MAX_INPUT_PATHS} variables are allowed; received ${keys.length}`,
      );
    }
    for (const key of keys) {
      const where = `inputPathsMap.${key}`;
      if (PREDEFINED.has(key) || key.toLowerCase().startsWith('aws.')) {
        throw new InputTransformerError(
          `${where}: '${key}' is reserved (names starting with "aws." are predefined); rename the variable`,
        );
      }
      if (
        key.length === 0 ||
        key.length > MAX_KEY_LENGTH ||
        ![...key].every((ch) => isKeyChar(ch.charCodeAt(0)))
      ) {
        throw new InputTransformerError(
          `${where}: variable names may use only letters, digits, '-' and '_' (1-${MAX_KEY_LENGTH} characters); received ${quote(key)}`,
        );
      }
      const path = map[key];
      if (typeof path !== 'string') {
        throw new InputTransformerError(`${where}: must be a JSON path string; received ${quote(path)}`);
      }
      if (path.length > MAX_PATH_LENGTH) {
        throw new InputTransformerError(
          `${where}: JSON path longer than ${MAX_PATH_LENGTH} characters (${path.length})`,
        );
      }
      const steps = parseJsonPath(path);
      if (typeof steps === 'string') throw new InputTransformerError(`${where}: invalid JSON path: ${steps}`);
      paths.set(key, steps);
    }
  }
  const placeholders = scanTemplate(template);
  for (const p of placeholders) {
    if (!paths.has(p.name) && !PREDEFINED.has(p.name)) {
      throw new InputTransformerError(
        `inputTemplate: contains invalid placeholder <${p.name}>; define it in inputPathsMap or use one of ${PREDEFINED_VARIABLES.map((v) => `<${v}>`).join(', ')}`,
      );
    }
  }
  const json = isJsonTemplate(template);
  if (template.trimStart().startsWith('{')) checkJsonTemplate(template, placeholders);
  return { paths, template, placeholders, json };
}

/**
 * A template that is a JSON object must be valid JSON once placeholders are filled, and a
 * placeholder cannot be an object key (API reference, InputTemplate).
 */
function checkJsonTemplate(template: string, placeholders: readonly Placeholder[]): void {
  let probe = '';
  let last = 0;
  for (const p of placeholders) {
    probe += template.slice(last, p.start) + (p.quoted ? 'x' : 'null');
    last = p.end;
  }
  probe += template.slice(last);
  // A placeholder used as an object key: `{<name>: 1}` or `{"a": 1, <name>: 2}`.
  for (const p of placeholders) {
    if (p.quoted) continue;
    let k = p.start - 1;
    while (k >= 0 && /\s/.test(template[k] as string)) k--;
    const before = template[k];
    let j = p.end;
    while (j < template.length && /\s/.test(template[j] as string)) j++;
    if ((before === '{' || before === ',') && template[j] === ':') {
      throw new InputTransformerError(
        `inputTemplate: placeholder <${p.name}> cannot be used as an object key; use it as a value`,
      );
    }
  }
  try {
    JSON.parse(probe);
  } catch (e) {
    throw new InputTransformerError(
      `inputTemplate: starts with '{' but is not valid JSON once placeholders are filled (${(e as Error).message}); quote string placeholders: "<name>"`,
    );
  }
}

/** @throws InputTransformerError for what PutTargets would reject. */
export function validateInputTransformer(t: unknown): void {
  parseTransformer(t);
}

/**
 * `<aws.events.event>`: the envelope without `detail`. AWS renders it with `detailType` (not
 * `detail-type`) and the ingestion time as `time` (recorded against AWS in localstack's
 * test_input_transformer_predefined_variables snapshot).
 */
function envelopeOf(event: unknown, ingestionTime: string): unknown {
  if (!isObject(event)) return event;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (k === 'detail') continue;
    if (k === 'detail-type') out['detailType'] = v;
    else if (k === 'time') out['time'] = ingestionTime;
    else out[k] = v;
  }
  return out;
}

function asText(value: unknown, quoted: boolean, jsonTemplate: boolean): string {
  if (typeof value === 'string') return quoted || !jsonTemplate ? value : JSON.stringify(value);
  const json = JSON.stringify(value) ?? '';
  if (quoted && typeof value === 'object' && value !== null) return json.replaceAll('"', '');
  return json;
}

/** A JSON template's output is minified when it is valid JSON; otherwise delivered as rendered. */
function finish(text: string, json: boolean): string {
  if (!json) return text;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** The exact payload string a target receives for `event` through transformer `t`. */
export function renderInput(t: InputTransformer, event: unknown, ctx: RuleContext): string {
  const parsed = parseTransformer(t);
  const values = new Map<string, unknown>();
  for (const [name, steps] of parsed.paths) {
    const v = evaluateJsonPath(steps, event);
    if (v !== undefined) values.set(name, v);
  }
  let out = '';
  let last = 0;
  for (const p of parsed.placeholders) {
    let text: string;
    switch (p.name) {
      case 'aws.events.rule-arn':
        text = asText(ctx.ruleArn, p.quoted, parsed.json);
        break;
      case 'aws.events.rule-name':
        text = asText(ctx.ruleName, p.quoted, parsed.json);
        break;
      case 'aws.events.event.ingestion-time':
        text = asText(ctx.ingestionTime, p.quoted, parsed.json);
        break;
      case 'aws.events.event':
        text = JSON.stringify(envelopeOf(event, ctx.ingestionTime));
        break;
      case 'aws.events.event.json':
        text = JSON.stringify(event);
        break;
      default:
        text = values.has(p.name) ? asText(values.get(p.name), p.quoted, parsed.json) : '';
    }
    out += parsed.template.slice(last, p.start) + text;
    last = p.end;
  }
  return finish(out + parsed.template.slice(last), parsed.json);
}

/** `InputPath`: the selected part of the event, as JSON; a path matching nothing selects nothing (""). */
export function renderInputPath(path: string, event: unknown): string {
  if (path.length > MAX_PATH_LENGTH) {
    throw new InputTransformerError(`InputPath: JSON path longer than ${MAX_PATH_LENGTH} characters`);
  }
  const steps = parseJsonPath(path);
  if (typeof steps === 'string') throw new InputTransformerError(`InputPath: invalid JSON path: ${steps}`);
  const v = evaluateJsonPath(steps, event);
  return v === undefined ? '' : JSON.stringify(v);
}

/**
 * What a target receives: `Input` verbatim, `InputPath`'s selection, the transformer's rendering, or
 * (none given) the whole event as JSON. At most one of the three may be set (PutTargets).
 */
export function renderTargetInput(
  target: { Input?: string; InputPath?: string; InputTransformer?: InputTransformer },
  event: unknown,
  ctx: RuleContext,
): string {
  const given = (['Input', 'InputPath', 'InputTransformer'] as const).filter((k) => target[k] !== undefined);
  if (given.length > 1) {
    throw new InputTransformerError(
      `target: only one of Input, InputPath, or InputTransformer may be provided; received ${given.join(', ')}`,
    );
  }
  if (target.Input !== undefined) {
    if (typeof target.Input !== 'string') {
      throw new InputTransformerError(`Input: must be a JSON text string; received ${quote(target.Input)}`);
    }
    try {
      JSON.parse(target.Input);
    } catch {
      throw new InputTransformerError(`Input: must be valid JSON text; received ${quote(target.Input)}`);
    }
    return target.Input;
  }
  if (target.InputPath !== undefined) return renderInputPath(target.InputPath, event);
  if (target.InputTransformer !== undefined) return renderInput(target.InputTransformer, event, ctx);
  return JSON.stringify(event);
}
