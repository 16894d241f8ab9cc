/**
 * The summary hop: rule → log group → metric filter → alarm → topic → person. EventBridge writes the
 * matched event, as JSON, to a CloudWatch Logs target; a metric filter on that log group whose JSON
 * filter pattern matches the event publishes a metric value (with dimensions read from the event); an
 * alarm on exactly that metric goes into ALARM when the value breaches its threshold and notifies its
 * actions. An event that travels this hop is *summarised*: a person is told once per burst, not once
 * per event (see ../flood.ts for the alarm's behaviour over time).
 *
 * Filter patterns: only the JSON form is read, and of it the subset these constructs write and a
 * reader can check by eye — `{ $.a.b = "x" }`, `!=`, the numeric comparisons, `IS NULL`,
 * `NOT EXISTS`, `*` wildcards in string values, `&&` / `||` with parentheses (mixing the two without
 * parentheses is refused rather than guessed). Anything else is reported, never silently matched.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import type { EventBridgeEvent } from '../../engines/cloudtrail/index.js';
import { isObject } from '../json.js';
import type { SystemModel } from '../model.js';
import type { AlarmModel, MetricFilterModel } from './resources.js';

// ---------------------------------------------------------------------------------------------
// JSON filter patterns

type Op = '=' | '!=' | '<' | '>' | '<=' | '>=';
type Value =
  { readonly kind: 'string'; readonly text: string } | { readonly kind: 'number'; readonly n: number };
type Expr =
  | { readonly t: 'cmp'; readonly path: readonly (string | number)[]; readonly op: Op; readonly value: Value }
  | { readonly t: 'null'; readonly path: readonly (string | number)[] }
  | { readonly t: 'absent'; readonly path: readonly (string | number)[] }
  | { readonly t: 'and' | 'or'; readonly parts: readonly Expr[] };

export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

const TOKEN =
  /\s*(\$(?:\.[A-Za-z_][\w-]*|\[\d+\])+|&&|\|\||\(|\)|!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|IS\s+NULL\b|NOT\s+EXISTS\b|[^\s()"&|=!<>]+)/y;

function tokenize(body: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < body.length) {
    if (/^\s*$/.test(body.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(body);
    if (!m || m[1] === undefined) throw new FilterPatternError(`cannot read '${body.slice(i).trim()}'`);
    out.push(m[1]);
    i = TOKEN.lastIndex;
  }
  return out;
}

function selector(tok: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const m of tok.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) {
    path.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  return path;
}

function value(tok: string | undefined): Value {
  if (tok === undefined) throw new FilterPatternError('a comparison has no value');
  if (tok.startsWith('"')) return { kind: 'string', text: JSON.parse(tok) as string };
  const n = Number(tok);
  return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(tok) && Number.isFinite(n)
    ? { kind: 'number', n }
    : { kind: 'string', text: tok };
}

/** Parses a JSON metric filter pattern (`{ … }`); throws {@link FilterPatternError} outside the subset. */
export function parseFilterPattern(pattern: string): Expr | 'all' {
  const text = pattern.trim();
  if (text === '') return 'all'; // An empty pattern matches every log event.
  if (!text.startsWith('{') || !text.endsWith('}'))
    throw new FilterPatternError('only JSON filter patterns ({ $.field = "value" }) are understood offline');
  const toks = tokenize(text.slice(1, -1));
  let i = 0;
  const peek = () => toks[i];
  const next = () => toks[i++];
  const primary = (): Expr => {
    const tok = next();
    if (tok === '(') {
      const e = expr();
      if (next() !== ')') throw new FilterPatternError('missing )');
      return e;
    }
    if (tok === undefined || !tok.startsWith('$'))
      throw new FilterPatternError(`expected a $.selector, got '${tok ?? 'end'}'`);
    const path = selector(tok);
    const op = next();
    if (op !== undefined && /^IS\s+NULL$/.test(op)) return { t: 'null', path };
    if (op !== undefined && /^NOT\s+EXISTS$/.test(op)) return { t: 'absent', path };
    if (op === '=' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=')
      return { t: 'cmp', path, op, value: value(next()) };
    throw new FilterPatternError(`unsupported operator '${op ?? 'end'}' after ${tok}`);
  };
  const expr = (): Expr => {
    const parts = [primary()];
    let joiner: '&&' | '||' | undefined;
    while (peek() === '&&' || peek() === '||') {
      const j = next() as '&&' | '||';
      if (joiner && j !== joiner)
        throw new FilterPatternError(
          '&& and || mixed without parentheses; add parentheses to say which binds first',
        );
      joiner = j;
      parts.push(primary());
    }
    if (parts.length === 1) return parts[0] as Expr;
    return { t: joiner === '&&' ? 'and' : 'or', parts };
  };
  const e = expr();
  if (i !== toks.length) throw new FilterPatternError(`unexpected '${toks[i]}'`);
  return e;
}

const MISSING = Symbol('missing');
function at(event: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = event;
  for (const k of path) {
    if (typeof k === 'number') {
      if (!Array.isArray(v) || k >= v.length) return MISSING;
      v = v[k];
    } else {
      if (!isObject(v) || !(k in v)) return MISSING;
      v = v[k];
    }
  }
  return v;
}

/** `*` in a filter-pattern string matches any run of characters (linear scan, no regex). */
function wildcardEquals(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (!text.startsWith(first) || !text.endsWith(last) || text.length < first.length + last.length)
    return false;
  let pos = first.length;
  for (const mid of parts.slice(1, -1)) {
    const found = text.indexOf(mid, pos);
    if (found < 0 || found + mid.length > text.length - last.length) return false;
    pos = found + mid.length;
  }
  return true;
}

function compare(v: unknown, op: Op, want: Value): boolean {
  if (v === MISSING) return false;
  if (want.kind === 'number') {
    if (typeof v !== 'number') return op === '!=' ? true : false;
    switch (op) {
      case '=':
        return v === want.n;
      case '!=':
        return v !== want.n;
      case '<':
        return v < want.n;
      case '>':
        return v > want.n;
      case '<=':
        return v <= want.n;
      case '>=':
        return v >= want.n;
    }
  }
  if (op !== '=' && op !== '!=') return false;
  if (typeof v !== 'string') return op === '!=';
  const eq = wildcardEquals(want.text, v);
  return op === '=' ? eq : !eq;
}

function evaluate(e: Expr, event: unknown): boolean {
  switch (e.t) {
    case 'cmp':
      return compare(at(event, e.path), e.op, e.value);
    case 'null':
      return at(event, e.path) === null;
    case 'absent':
      return at(event, e.path) === MISSING;
    case 'and':
      return e.parts.every((p) => evaluate(p, event));
    case 'or':
      return e.parts.some((p) => evaluate(p, event));
  }
}

const parsed = new Map<string, Expr | 'all' | FilterPatternError>();

/** Does the filter pattern match the JSON log event? `undefined` when the pattern is outside the subset. */
export function filterMatches(pattern: string, event: unknown): boolean | undefined {
  let e = parsed.get(pattern);
  if (e === undefined) {
    try {
      e = parseFilterPattern(pattern);
    } catch (err) {
      if (!(err instanceof FilterPatternError)) throw err;
      e = err;
    }
    parsed.set(pattern, e);
  }
  if (e instanceof FilterPatternError) return undefined;
  return e === 'all' ? true : evaluate(e, event);
}

// ---------------------------------------------------------------------------------------------
// Metric → alarm

export interface PublishedMetric {
  readonly filter: MetricFilterModel;
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The metric a filter publishes for `event` (dimension and value fields read from it), if any. */
export function publishedMetric(filter: MetricFilterModel, event: unknown): PublishedMetric | undefined {
  const read = (ref: string): unknown => (ref.startsWith('$') ? at(event, selector(ref)) : ref);
  const dimensions: Record<string, string> = {};
  for (const d of filter.dimensions) {
    const v = read(d.value);
    // No value for a dimension: nothing is published for this event.
    if (v === MISSING || v === null || typeof v === 'object') return undefined;
    dimensions[d.key] = String(v);
  }
  const raw = read(filter.metricValue);
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(value)) return undefined;
  return { filter, namespace: filter.namespace, name: filter.metricName, dimensions, value };
}

/** Alarms watching exactly this metric (namespace, name and the same dimension set). */
export function alarmsOn(model: SystemModel, m: PublishedMetric): AlarmModel[] {
  const keys = Object.keys(m.dimensions);
  return model.delivery.alarms.filter(
    (a) =>
      !a.metricMath &&
      a.account === m.filter.account &&
      a.region === m.filter.region &&
      a.namespace === m.namespace &&
      a.metricName === m.name &&
      a.dimensions.length === keys.length &&
      a.dimensions.every((d) => m.dimensions[d.name] === d.value),
  );
}

/** Does one datapoint of `value` breach the alarm's threshold? */
export function breaches(alarm: AlarmModel, value: number): boolean {
  const t = alarm.threshold;
  if (t === undefined) return false;
  switch (alarm.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= t;
    case 'GreaterThanThreshold':
      return value > t;
    case 'LessThanThreshold':
      return value < t;
    case 'LessThanOrEqualToThreshold':
      return value <= t;
    default:
      return false;
  }
}

/** Filters on the log group a Logs target ARN names, in its account and Region. */
export function filtersOn(model: SystemModel, logTargetArn: string): MetricFilterModel[] {
  const m = /^arn:[^:]+:logs:([^:]*):([^:]*):log-group:(.+?)(:\*)?$/.exec(logTargetArn);
  if (!m) return [];
  const [, region, account, name] = m;
  return model.delivery.metricFilters.filter(
    (f) => f.region === region && f.account === account && f.logGroupName === name,
  );
}

export interface Summary {
  readonly filter: MetricFilterModel;
  readonly alarm: AlarmModel;
}

/**
 * The alarm that tells a person about `event` written to the log group `logTargetArn`: a metric
 * filter there matches it, an alarm on the published metric goes into ALARM on that one datapoint
 * (it needs a single breaching period), and `tellsPerson` says its notification reaches someone.
 */
export function summaryOf(
  model: SystemModel,
  logTargetArn: string,
  event: EventBridgeEvent,
  tellsPerson: (alarm: AlarmModel) => boolean,
): Summary | undefined {
  for (const filter of filtersOn(model, logTargetArn)) {
    if (filterMatches(filter.filterPattern, event) !== true) continue;
    const metric = publishedMetric(filter, event);
    if (!metric) continue;
    for (const alarm of alarmsOn(model, metric)) {
      const needed = alarm.datapointsToAlarm ?? alarm.evaluationPeriods ?? 1;
      if (needed <= 1 && breaches(alarm, metric.value) && tellsPerson(alarm)) return { filter, alarm };
    }
  }
  return undefined;
}
