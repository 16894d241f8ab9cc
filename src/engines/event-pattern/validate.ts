/**
 * Parses an event pattern into sub-rules, rejecting what EventBridge rejects.
 *
 * The grammar and the error cases follow the EventBridge user guide ("Creating event patterns",
 * "Comparison operators", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html)
 * and aws/event-ruler's JsonRuleCompiler, the compiler EventBridge's matching is built on:
 *   - the pattern is a non-empty JSON object; every field is an object (nesting) or a non-empty array;
 *   - array elements are strings, numbers, booleans, null, or a one-key operator object;
 *   - `$or` is an array of at least two non-empty objects and is expanded into sub-rules (DNF), in
 *     document order: a field written after the `$or` applies to every branch, and a branch field
 *     with the same name as an outer field replaces it in that branch (event-ruler's map `put`);
 *   - inside `$or` no field may be named like an operator event-ruler reserves (its
 *     RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP: the operators, the numeric comparisons and names kept
 *     for later such as `regex`);
 *   - a pattern the `$or` grammar rejects (`$or` given an object, an operator name inside `$or`) is
 *     read once more with `$or` as an ordinary field name, as event-ruler's Machine.addRule falls back
 *     to its older compiler; if that fails too, the first error is reported. So
 *     `{"$or": {"a": ["x"]}}` matches the event `{"$or": {"a": "x"}}` (event-ruler README, "backward
 *     compatibility of using $or as field name");
 *   - keys are dotted names: `{"detail.state": […]}` is the field `detail` → `state` (see model.ts).
 */
import { parseCidr, parseIp } from './cidr.js';
import type { Condition, SubRule, ValueMatcher } from './model.js';
import { comparable, inNumericRange, NUMERIC_MAX, NUMERIC_MIN, type NumericRange } from './numeric.js';
import { PatternError } from './errors.js';
import { foldCase } from './fold.js';
import { parseWildcard, type WildcardPattern } from './wildcard.js';

export const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'cidr',
  'exists',
] as const;

/** Names event-ruler refuses as field names inside `$or` (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  ...OPERATORS,
  'exactly',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/** Nesting deeper than this is refused (a 4096-character pattern cannot nest this deep anyway). */
export const MAX_PATTERN_DEPTH = 256;
/** `$or` expansion is capped; EventBridge refuses overly complex patterns too. */
export const MAX_SUB_RULES = 1024;

type RuleMap = Map<string, Condition>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function fieldPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** How `$or` is read: as the OR primitive, or (the fallback) as an ordinary field name. */
type OrMode = 'primitive' | 'field';

function hasOrKey(v: unknown, depth = 0): boolean {
  if (depth > MAX_PATTERN_DEPTH) return false;
  if (Array.isArray(v)) return v.some((x) => hasOrKey(x, depth + 1));
  if (!isPlainObject(v)) return false;
  return Object.keys(v).some((k) => k === '$or' || hasOrKey(v[k], depth + 1));
}

/** Parses and validates; returns the sub-rules (each sorted by dotted key). */
export function parsePattern(pattern: unknown): SubRule[] {
  if (!isPlainObject(pattern)) {
    throw new PatternError(
      '',
      `event pattern must be a JSON object like {"source": ["aws.sts"]}; received ${describe(pattern)}`,
    );
  }
  try {
    return parseWith(pattern, 'primitive');
  } catch (e) {
    if (!(e instanceof PatternError) || !hasOrKey(pattern)) throw e;
    try {
      return parseWith(pattern, 'field');
    } catch {
      throw e;
    }
  }
}

function parseWith(pattern: Record<string, unknown>, mode: OrMode): SubRule[] {
  const rules = parseObject([], pattern, [], '', false, 0, mode);
  return rules.map((r) => [...r.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
}

function parseObject(
  rules: RuleMap[],
  obj: Record<string, unknown>,
  segments: readonly string[],
  where: string,
  insideOr: boolean,
  depth: number,
  mode: OrMode,
): RuleMap[] {
  if (depth > MAX_PATTERN_DEPTH) {
    throw new PatternError(where, `pattern nests deeper than ${MAX_PATTERN_DEPTH} levels; flatten it`);
  }
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    throw new PatternError(where, 'empty objects are not allowed; remove the field or give it a value array');
  }
  for (const key of keys) {
    const value = obj[key];
    const path = fieldPath(where, key);
    if (key === '$or' && mode === 'primitive') {
      rules = parseOr(rules, value, segments, path, depth);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      const what = OPERATORS.includes(key as (typeof OPERATORS)[number])
        ? 'is an operator'
        : 'is a name EventBridge reserves for operators';
      throw new PatternError(
        path,
        `'${key}' ${what} and cannot be a field name inside $or; move the field out of the $or, or if it is an operator wrap it: {"field": [{"${key}": …}]}`,
      );
    }
    const keySegments = [...segments, ...key.split('.')];
    if (Array.isArray(value)) {
      const matchers = parseLeaf(value, path);
      const condition: Condition = {
        key: keySegments.join('.'),
        segments: keySegments,
        written: value,
        matchers: matchers.filter((m): m is ValueMatcher => m !== 'absent'),
        absent: matchers.includes('absent'),
      };
      if (rules.length === 0) rules = [new Map()];
      for (const r of rules) r.set(condition.key, condition);
    } else if (isPlainObject(value)) {
      rules = parseObject(rules, value, keySegments, path, insideOr, depth + 1, mode);
    } else {
      throw new PatternError(
        path,
        `must be an object or an array; received ${describe(value)} — wrap the value in an array: ${describe([value])}`,
      );
    }
  }
  return rules;
}

function parseOr(
  rules: RuleMap[],
  value: unknown,
  segments: readonly string[],
  where: string,
  depth: number,
): RuleMap[] {
  if (!Array.isArray(value)) {
    throw new PatternError(where, `$or must be an array of at least 2 objects; received ${describe(value)}`);
  }
  if (value.length < 2) {
    throw new PatternError(where, `$or needs at least 2 objects; received ${value.length}`);
  }
  const current = rules.map((r) => new Map(r));
  const out: RuleMap[] = [];
  value.forEach((branch, i) => {
    const path = `${where}[${i}]`;
    if (!isPlainObject(branch)) {
      throw new PatternError(path, `only JSON objects are allowed in $or; received ${describe(branch)}`);
    }
    let branchRules = current.map((r) => new Map(r));
    if (branchRules.length === 0) branchRules = [new Map()];
    out.push(...parseObject(branchRules, branch, segments, path, true, depth + 1, 'primitive'));
    if (out.length > MAX_SUB_RULES) {
      throw new PatternError(
        where,
        `$or expands to more than ${MAX_SUB_RULES} combinations; simplify the pattern`,
      );
    }
  });
  return out;
}

type LeafItem = ValueMatcher | 'absent';

function parseLeaf(values: unknown[], where: string): LeafItem[] {
  if (values.length === 0) {
    throw new PatternError(where, 'empty arrays are not allowed; list at least one value to match');
  }
  return values.map((v, i) => parseValue(v, `${where}[${i}]`));
}

function exactString(s: string): ValueMatcher {
  // event-ruler compiles a string that is an IP address into an IP range, so "::1" also matches
  // "0:0:0:0:0:0:0:1" (JsonRuleCompiler.writeRules, CIDR.ipToRangeIfPossible).
  const ip = parseIp(s);
  if (ip) return { kind: 'exact-ip', value: s, range: { v6: ip.v6, low: ip.value, high: ip.value } };
  return { kind: 'exact-string', value: s };
}

function parseValue(v: unknown, where: string): LeafItem {
  if (typeof v === 'string') return exactString(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new PatternError(where, `${describe(v)} is not a JSON number`);
    return { kind: 'exact-number', value: v, comparable: comparable(v) };
  }
  if (typeof v === 'boolean' || v === null) return { kind: 'exact-literal', value: v };
  if (isPlainObject(v)) return parseOperator(v, where);
  throw new PatternError(
    where,
    `match value must be a string, number, true, false, null or an operator object; received ${describe(v)}`,
  );
}

function onlyKey(v: Record<string, unknown>, where: string): [string, unknown] {
  const keys = Object.keys(v);
  if (keys.length === 0) {
    throw new PatternError(where, `empty operator object; expected one of ${OPERATORS.join(', ')}`);
  }
  if (keys.length > 1) {
    throw new PatternError(
      where,
      `only one key allowed in a match expression; received ${keys.map((k) => `'${k}'`).join(', ')}`,
    );
  }
  const key = keys[0] as string;
  return [key, v[key]];
}

function requireString(v: unknown, where: string, what: string): string {
  if (typeof v !== 'string')
    throw new PatternError(where, `${what} must be a string; received ${describe(v)}`);
  return v;
}

function wildcardOf(text: string, where: string): WildcardPattern {
  const w = parseWildcard(text);
  if (typeof w === 'string') throw new PatternError(where, `${w}; received ${describe(text)}`);
  return w;
}

function parseOperator(v: Record<string, unknown>, where: string): LeafItem {
  const [op, arg] = onlyKey(v, where);
  const at = `${where}.${op}`;
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (isPlainObject(arg)) {
        const [inner, text] = onlyKey(arg, at);
        if (inner !== 'equals-ignore-case') {
          throw new PatternError(
            `${at}.${inner}`,
            `unsupported ${op} modifier '${inner}'; only {"${op}": {"equals-ignore-case": "…"}} is allowed`,
          );
        }
        const s = requireString(text, `${at}.${inner}`, `${op} equals-ignore-case value`);
        return { kind: op, value: foldCase(s), ignoreCase: true };
      }
      return { kind: op, value: requireString(arg, at, `${op} value`), ignoreCase: false };
    }
    case 'equals-ignore-case':
      return {
        kind: 'equals-ignore-case',
        value: foldCase(requireString(arg, at, 'equals-ignore-case value')),
      };
    case 'wildcard':
      return { kind: 'wildcard', value: wildcardOf(requireString(arg, at, 'wildcard value'), at) };
    case 'cidr': {
      const r = parseCidr(requireString(arg, at, 'cidr value'));
      if (typeof r === 'string') throw new PatternError(at, r);
      return { kind: 'cidr', range: r };
    }
    case 'exists':
      if (typeof arg !== 'boolean') {
        throw new PatternError(at, `exists must be true or false; received ${describe(arg)}`);
      }
      return arg ? { kind: 'exists' } : 'absent';
    case 'numeric':
      return { kind: 'numeric', range: parseNumeric(arg, at) };
    case 'anything-but':
      return parseAnythingBut(arg, at);
    default:
      throw new PatternError(
        at,
        `unknown operator '${op}'; expected one of ${OPERATORS.join(', ')} (or an exact string/number/boolean/null)`,
      );
  }
}

function numericOperand(v: unknown, op: string, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new PatternError(where, `value after '${op}' must be a number; received ${describe(v)}`);
  }
  if (!inNumericRange(v)) {
    throw new PatternError(
      where,
      `${v} is outside the numeric range EventBridge supports (${NUMERIC_MIN} to ${NUMERIC_MAX})`,
    );
  }
  return comparable(v) as number;
}

function parseNumeric(arg: unknown, where: string): NumericRange {
  if (!Array.isArray(arg)) {
    throw new PatternError(
      where,
      `numeric must be an array like [">", 0, "<=", 5]; received ${describe(arg)}`,
    );
  }
  if (arg.length !== 2 && arg.length !== 4) {
    throw new PatternError(
      where,
      `numeric takes one comparison or a range of two (e.g. [">=", 0, "<", 10]); received ${describe(arg)}`,
    );
  }
  const op1 = arg[0];
  const ops = ['<', '<=', '=', '>', '>='];
  if (typeof op1 !== 'string' || !ops.includes(op1)) {
    throw new PatternError(
      `${where}[0]`,
      `unknown numeric operator ${describe(op1)}; expected one of ${ops.join(' ')}`,
    );
  }
  const v1 = numericOperand(arg[1], op1, `${where}[1]`);
  if (arg.length === 2) {
    switch (op1) {
      case '=':
        return { low: v1, lowOpen: false, high: v1, highOpen: false };
      case '>':
        return { low: v1, lowOpen: true, highOpen: false };
      case '>=':
        return { low: v1, lowOpen: false, highOpen: false };
      case '<':
        return { lowOpen: false, high: v1, highOpen: true };
      default:
        return { lowOpen: false, high: v1, highOpen: false };
    }
  }
  if (op1 !== '>' && op1 !== '>=') {
    throw new PatternError(
      `${where}[0]`,
      `a numeric range must start with '>' or '>=' and end with '<' or '<='; received ${describe(arg)}`,
    );
  }
  const op2 = arg[2];
  if (op2 !== '<' && op2 !== '<=') {
    throw new PatternError(
      `${where}[2]`,
      `the upper bound of a numeric range must use '<' or '<='; received ${describe(op2)}`,
    );
  }
  const v2 = numericOperand(arg[3], op2, `${where}[3]`);
  if (v1 >= v2) {
    throw new PatternError(
      where,
      `the lower bound must be less than the upper bound; received ${describe(arg)}`,
    );
  }
  return { low: v1, lowOpen: op1 === '>', high: v2, highOpen: op2 === '<' };
}

function stringList(arg: unknown, where: string, what: string): string[] {
  const list = Array.isArray(arg) ? arg : [arg];
  if (list.length === 0) {
    throw new PatternError(where, `${what} list must not be empty; list at least one string`);
  }
  return list.map((x, i) => requireString(x, Array.isArray(arg) ? `${where}[${i}]` : where, `${what} value`));
}

function parseAnythingBut(arg: unknown, where: string): ValueMatcher {
  if (typeof arg === 'string') return { kind: 'anything-but-strings', values: new Set([arg]) };
  if (typeof arg === 'number') {
    return { kind: 'anything-but-numbers', values: new Set([numericOperand(arg, 'anything-but', where)]) };
  }
  if (Array.isArray(arg)) {
    if (arg.length === 0) {
      throw new PatternError(where, 'anything-but list must not be empty; list the values to exclude');
    }
    const allStrings = arg.every((x) => typeof x === 'string');
    const allNumbers = arg.every((x) => typeof x === 'number');
    if (!allStrings && !allNumbers) {
      const bad = arg.findIndex((x) => typeof x !== 'string' && typeof x !== 'number');
      if (bad >= 0) {
        throw new PatternError(
          `${where}[${bad}]`,
          `anything-but lists may hold only strings or only numbers; received ${describe(arg[bad])}`,
        );
      }
      throw new PatternError(
        where,
        `anything-but list mixes strings and numbers; use all strings or all numbers; received ${describe(arg)}`,
      );
    }
    if (allStrings) return { kind: 'anything-but-strings', values: new Set(arg as string[]) };
    return {
      kind: 'anything-but-numbers',
      values: new Set(arg.map((x, i) => numericOperand(x, 'anything-but', `${where}[${i}]`))),
    };
  }
  if (isPlainObject(arg)) {
    const [op, inner] = onlyKey(arg, where);
    const at = `${where}.${op}`;
    switch (op) {
      case 'prefix':
      case 'suffix': {
        // A list of prefixes/suffixes: event-ruler README "Anything-but prefix list"; LocalStack's
        // AWS-validated tests accept it, and reject the equals-ignore-case form.
        if (isPlainObject(inner)) {
          throw new PatternError(
            at,
            `anything-but ${op} cannot be combined with equals-ignore-case (EventBridge rejects it); use {"anything-but": {"${op}": "…"}} or a list of ${op}es`,
          );
        }
        const values = stringList(inner, at, `anything-but ${op}`);
        const empty = values.indexOf('');
        if (empty >= 0) {
          throw new PatternError(
            Array.isArray(inner) ? `${at}[${empty}]` : at,
            `anything-but ${op} must not be empty; give a non-empty string or a list of them`,
          );
        }
        return op === 'prefix'
          ? { kind: 'anything-but-prefix', values }
          : { kind: 'anything-but-suffix', values };
      }
      case 'equals-ignore-case':
        return {
          kind: 'anything-but-ignore-case',
          values: new Set(stringList(inner, at, 'anything-but equals-ignore-case').map(foldCase)),
        };
      case 'wildcard':
        return {
          kind: 'anything-but-wildcard',
          values: stringList(inner, at, 'anything-but wildcard').map((s, i) =>
            wildcardOf(s, Array.isArray(inner) ? `${at}[${i}]` : at),
          ),
        };
      default:
        throw new PatternError(
          at,
          `unsupported anything-but operator '${op}'; expected prefix, suffix, equals-ignore-case or wildcard`,
        );
    }
  }
  throw new PatternError(
    where,
    `anything-but must be a string, a number, a list of strings or numbers, or an object (prefix, suffix, equals-ignore-case, wildcard); received ${describe(arg)}`,
  );
}
