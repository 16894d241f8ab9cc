import type { RequestContext } from './context.js';
import type { BaseOperator, ConditionClause, ContextValue } from './model.js';
import { ipInCidr } from './ip.js';
import { substitute, tokensToString } from './variables.js';
import { compileTokens, globMatches } from './wildcard.js';

/**
 * Condition evaluation, following the IAM User Guide:
 * - operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * - multivalued keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 *
 * Within one clause the policy values are OR-ed (negated operators: the request value must match
 * none of them); clauses (keys and operators) are AND-ed.
 */

const NEGATED = new Set<BaseOperator>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

export function isNegated(op: BaseOperator): boolean {
  return NEGATED.has(op);
}

/** The positive operator a negated one is the complement of. */
function positiveOf(op: BaseOperator): BaseOperator {
  switch (op) {
    case 'StringNotEquals':
      return 'StringEquals';
    case 'StringNotEqualsIgnoreCase':
      return 'StringEqualsIgnoreCase';
    case 'StringNotLike':
      return 'StringLike';
    case 'NumericNotEquals':
      return 'NumericEquals';
    case 'DateNotEquals':
      return 'DateEquals';
    case 'NotIpAddress':
      return 'IpAddress';
    case 'ArnNotEquals':
      return 'ArnEquals';
    case 'ArnNotLike':
      return 'ArnLike';
    default:
      return op;
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
function parseNumber(s: string): number | undefined {
  return NUMBER.test(s.trim()) ? Number(s) : undefined;
}

/** Dates: integer epoch seconds... or an ISO 8601 / W3C date-time. Returns milliseconds. */
function parseDate(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Splits an ARN into its six colon-separated parts (the resource part may itself contain colons). */
function arnParts(s: string): string[] | undefined {
  const parts = s.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

type Outcome = boolean | 'error';

/**
 * Does the request value match this one policy value under the (positive) operator?
 * 'error' = the policy value could not be used (unresolvable variable, not a number/date/ARN/IP).
 */
function matchOne(
  op: BaseOperator,
  requestValue: string,
  policyValue: string,
  ctx: RequestContext,
  variables: boolean,
): Outcome {
  const plain = () => {
    const s = substitute(policyValue, ctx, { variables, wildcards: false });
    return s.error ? undefined : tokensToString(s.tokens);
  };
  switch (op) {
    case 'StringEquals': {
      const p = plain();
      return p === undefined ? 'error' : p === requestValue;
    }
    case 'StringEqualsIgnoreCase': {
      const p = plain();
      return p === undefined ? 'error' : p.toLowerCase() === requestValue.toLowerCase();
    }
    case 'StringLike': {
      const s = substitute(policyValue, ctx, { variables, wildcards: true });
      return s.error ? 'error' : globMatches(compileTokens(s.tokens), requestValue);
    }
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals': {
      const p = parseNumber(policyValue);
      const r = parseNumber(requestValue);
      if (p === undefined || r === undefined) return 'error';
      return compare(op, r, p);
    }
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const p = parseDate(policyValue);
      const r = parseDate(requestValue);
      if (p === undefined || r === undefined) return 'error';
      return compare(op, r, p);
    }
    case 'Bool': {
      const p = plain()?.toLowerCase();
      const r = requestValue.toLowerCase();
      if ((p !== 'true' && p !== 'false') || (r !== 'true' && r !== 'false')) return 'error';
      return p === r;
    }
    case 'BinaryEquals':
      return policyValue === requestValue;
    case 'IpAddress': {
      const m = ipInCidr(requestValue, policyValue);
      return m === undefined ? 'error' : m;
    }
    case 'ArnEquals':
    case 'ArnLike': {
      // ArnEquals and ArnLike are the same: each of the six parts is matched separately, with wildcards.
      const pp = arnParts(policyValue);
      const rp = arnParts(requestValue);
      if (!pp || !rp) return 'error';
      for (let i = 0; i < 6; i++) {
        const s = substitute(pp[i] as string, ctx, { variables, wildcards: true });
        if (s.error) return 'error';
        if (!globMatches(compileTokens(s.tokens), rp[i] as string)) return false;
      }
      return true;
    }
    default:
      return 'error';
  }
}

function compare(op: BaseOperator, r: number, p: number): boolean {
  if (op.endsWith('LessThanEquals')) return r <= p;
  if (op.endsWith('LessThan')) return r < p;
  if (op.endsWith('GreaterThanEquals')) return r >= p;
  if (op.endsWith('GreaterThan')) return r > p;
  return r === p;
}

/** Does one request value satisfy the clause's operator against all its policy values? */
function valueSatisfies(
  clause: ConditionClause,
  requestValue: string,
  ctx: RequestContext,
  variables: boolean,
) {
  const negated = isNegated(clause.base);
  const positive = positiveOf(clause.base);
  const outcomes = clause.values.map((pv) => matchOne(positive, requestValue, pv, ctx, variables));
  // An unusable policy value never satisfies: not as a match, and not as a "does not match" either.
  return negated ? outcomes.every((o) => o === false) : outcomes.some((o) => o === true);
}

function toStrings(v: ContextValue): readonly string[] | string {
  return Array.isArray(v) ? (v as readonly string[]) : String(v);
}

export interface ClauseResult {
  readonly matches: boolean;
  /** Human-readable reason, e.g. `StringEquals aws:RequestedRegion: request value "x" does not match`. */
  readonly why: string;
}

/** Evaluates one condition clause against the request context. */
export function evaluateClause(
  clause: ConditionClause,
  ctx: RequestContext,
  variables: boolean,
): ClauseResult {
  const raw = ctx.get(clause.key);
  const label = `${clause.operator} ${clause.key}`;
  const present = raw !== undefined;
  if (clause.base === 'Null') {
    // "true" = the key must be absent; "false" = it must be present.
    const want = present ? 'false' : 'true';
    const matches = clause.values.some((v) => v.toLowerCase() === want);
    return { matches, why: `${label}: key is ${present ? 'present' : 'absent'}` };
  }
  const value = present ? toStrings(raw) : undefined;
  if (clause.set === 'ForAllValues') {
    // Missing key or empty list → true (the "empty set" gotcha: ForAllValues with Allow is permissive).
    const list = value === undefined ? [] : typeof value === 'string' ? [value] : value;
    const bad = list.filter((v) => !valueSatisfies(clause, v, ctx, variables));
    return {
      matches: bad.length === 0,
      why:
        bad.length === 0
          ? `${label}: ${list.length === 0 ? 'key absent or empty (ForAllValues of nothing is true)' : 'every request value matches'}`
          : `${label}: request value ${JSON.stringify(bad[0])} does not match`,
    };
  }
  if (clause.set === 'ForAnyValue') {
    // ...IfExists: "if the key is not present, evaluate the condition element as true" — whatever the qualifier.
    if (value === undefined && clause.ifExists)
      return { matches: true, why: `${label}: key absent (IfExists)` };
    // Missing key or empty list → false.
    const list = value === undefined ? [] : typeof value === 'string' ? [value] : value;
    const good = list.some((v) => valueSatisfies(clause, v, ctx, variables));
    return {
      matches: good,
      why: good
        ? `${label}: a request value matches`
        : `${label}: ${list.length === 0 ? 'key absent or empty (ForAnyValue of nothing is false)' : 'no request value matches'}`,
    };
  }
  if (value === undefined) {
    // A condition on a missing key is false, except ...IfExists and negated operators, which are true.
    const matches = clause.ifExists || isNegated(clause.base);
    return {
      matches,
      why: `${label}: key absent from the request (${matches ? 'satisfied' : 'not satisfied'})`,
    };
  }
  if (typeof value !== 'string') {
    // A multivalued key needs ForAllValues/ForAnyValue; a single-valued operator on it does not match.
    return { matches: false, why: `${label}: key is multivalued; a single-valued operator never matches it` };
  }
  const matches = valueSatisfies(clause, value, ctx, variables);
  return {
    matches,
    why: `${label}: request value ${JSON.stringify(value)} ${matches ? 'matches' : 'does not match'} ${JSON.stringify(clause.values.length === 1 ? clause.values[0] : clause.values)}`,
  };
}
