import { memoizeByIdentity } from '../memo.js';
import { PolicyError } from './errors.js';
import type {
  BaseOperator,
  ConditionClause,
  PolicyDocument,
  PolicyStatement,
  PrincipalSet,
} from './model.js';

const BASE_OPERATORS: readonly BaseOperator[] = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
];
const BY_LOWER = new Map(BASE_OPERATORS.map((o) => [o.toLowerCase(), o]));

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_KEYS = new Set(['AWS', 'Federated', 'Service', 'CanonicalUser']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * A placeholder the CloudFormation resolver leaves for a value it cannot know offline
 * (`{ reason, path }`, see engines/cfn Unresolved). Named in errors so the user sees why.
 */
function unresolvedNote(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const o = x as Record<string, unknown>;
  return typeof o['reason'] === 'string' && typeof o['path'] === 'string'
    ? `is a template value unknown offline (${o['reason']} at ${o['path']})`
    : undefined;
}

function stringList(v: unknown, path: string): string[] {
  const note = unresolvedNote(v);
  if (note) throw new PolicyError(path, `${note}; the policy cannot be evaluated`);
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new PolicyError(path, 'is an empty list; give at least one string');
  return list.map((x, i) => {
    if (typeof x !== 'string' || x === '')
      throw new PolicyError(
        Array.isArray(v) ? `${path}[${i}]` : path,
        unresolvedNote(x)
          ? `${unresolvedNote(x)}; the policy cannot be evaluated`
          : `expected a non-empty string, got ${show(x)}`,
      );
    return x;
  });
}

function parsePrincipal(v: unknown, path: string): PrincipalSet {
  if (v === '*') return { wildcard: true, aws: [], federated: [], service: [], canonicalUser: [] };
  const note = unresolvedNote(v);
  if (note) throw new PolicyError(path, `${note}; the policy cannot be evaluated`);
  if (!isRecord(v))
    throw new PolicyError(path, `expected "*" or an object with AWS/Federated/Service keys, got ${show(v)}`);
  for (const k of Object.keys(v))
    if (!PRINCIPAL_KEYS.has(k))
      throw new PolicyError(
        `${path}.${k}`,
        'unknown principal type; use AWS, Federated, Service or CanonicalUser',
      );
  const get = (k: string) => (v[k] === undefined ? [] : stringList(v[k], `${path}.${k}`));
  const aws = get('AWS');
  aws.forEach((a, i) => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    // "You cannot use a wildcard to match part of a principal name or ARN."
    if (a !== '*' && (a.includes('*') || a.includes('?')))
      throw new PolicyError(
        `${path}.AWS[${i}]`,
        `wildcards are not allowed in principal ARNs, got ${show(a)}; use "*" with an aws:PrincipalArn ArnLike condition`,
      );
  });
  return {
    wildcard: false,
    aws,
    federated: get('Federated'),
    service: get('Service'),
    canonicalUser: get('CanonicalUser'),
  };
}

function conditionValues(v: unknown, path: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((x, i) => {
    if (typeof x === 'string') return x;
    if (typeof x === 'boolean' || typeof x === 'number') return String(x);
    const note = unresolvedNote(x);
    throw new PolicyError(
      Array.isArray(v) ? `${path}[${i}]` : path,
      note
        ? `${note}; the policy cannot be evaluated`
        : `condition values are strings, numbers or booleans, got ${show(x)}`,
    );
  });
}

/** Splits `ForAllValues:StringLikeIfExists` into its parts; throws on unknown operators. */
export function parseOperator(op: string, path: string): Omit<ConditionClause, 'key' | 'values'> {
  let rest = op;
  let set: ConditionClause['set'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === 'forallvalues') set = 'ForAllValues';
    else if (q === 'foranyvalue') set = 'ForAnyValue';
    else
      throw new PolicyError(
        path,
        `unknown set operator '${rest.slice(0, colon)}'; use ForAllValues or ForAnyValue`,
      );
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = BY_LOWER.get(rest.toLowerCase());
  if (base === undefined)
    throw new PolicyError(
      path,
      `unknown condition operator '${op}'; expected one of ${BASE_OPERATORS.join(', ')} (optionally with IfExists and a ForAllValues:/ForAnyValue: prefix)`,
    );
  if (base === 'Null' && (ifExists || set))
    throw new PolicyError(path, `'${op}': Null takes neither IfExists nor a set operator`);
  return set ? { operator: op, base, set, ifExists } : { operator: op, base, ifExists };
}

function parseCondition(v: unknown, path: string): ConditionClause[] {
  if (!isRecord(v))
    throw new PolicyError(path, `expected an object of operator → {key: values}, got ${show(v)}`);
  const out: ConditionClause[] = [];
  for (const [op, block] of Object.entries(v)) {
    const opPath = `${path}.${op}`;
    const parsed = parseOperator(op, opPath);
    if (!isRecord(block))
      throw new PolicyError(opPath, `expected an object of key → values, got ${show(block)}`);
    for (const [key, values] of Object.entries(block)) {
      const vals = conditionValues(values, `${opPath}.${key}`);
      if (parsed.base === 'Null')
        for (const x of vals)
          if (x.toLowerCase() !== 'true' && x.toLowerCase() !== 'false')
            throw new PolicyError(`${opPath}.${key}`, `Null takes "true" or "false", got ${show(x)}`);
      out.push({ ...parsed, key, values: vals });
    }
  }
  return out;
}

function parseStatement(v: unknown, index: number, path: string): PolicyStatement {
  if (!isRecord(v)) throw new PolicyError(path, `expected a statement object, got ${show(v)}`);
  for (const k of Object.keys(v))
    if (!STATEMENT_KEYS.has(k))
      throw new PolicyError(
        `${path}.${k}`,
        `unknown statement element; allowed: ${[...STATEMENT_KEYS].join(', ')}`,
      );
  const effect = v['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny')
    throw new PolicyError(`${path}.Effect`, `must be "Allow" or "Deny", got ${show(effect)}`);
  const both = (a: string, b: string) => {
    if (v[a] !== undefined && v[b] !== undefined)
      throw new PolicyError(path, `has both ${a} and ${b}; use one of them`);
  };
  both('Principal', 'NotPrincipal');
  both('Action', 'NotAction');
  both('Resource', 'NotResource');
  if (v['Action'] === undefined && v['NotAction'] === undefined)
    throw new PolicyError(path, 'has neither Action nor NotAction; every statement names its actions');
  const sid = v['Sid'];
  if (sid !== undefined && typeof sid !== 'string')
    throw new PolicyError(`${path}.Sid`, `must be a string, got ${show(sid)}`);
  const opt = <T>(k: string, f: (x: unknown, p: string) => T): T | undefined =>
    v[k] === undefined ? undefined : f(v[k], `${path}.${k}`);
  const st: PolicyStatement = {
    index,
    path,
    effect,
    conditions: v['Condition'] === undefined ? [] : parseCondition(v['Condition'], `${path}.Condition`),
    ...(sid !== undefined && { sid }),
  };
  const principal = opt('Principal', parsePrincipal);
  const notPrincipal = opt('NotPrincipal', parsePrincipal);
  const action = opt('Action', stringList);
  const notAction = opt('NotAction', stringList);
  const resource = opt('Resource', stringList);
  const notResource = opt('NotResource', stringList);
  return {
    ...st,
    ...(principal && { principal }),
    ...(notPrincipal && { notPrincipal }),
    ...(action && { action }),
    ...(notAction && { notAction }),
    ...(resource && { resource }),
    ...(notResource && { notResource }),
  };
}

/**
 * Validates an IAM policy document (object or JSON string) and normalizes it: single values become
 * lists, condition values become strings, operators are split into set/base/IfExists.
 * Throws `PolicyError` naming the JSON path of the first problem.
 */
/**
 * Parsed documents are cached by object identity: the simulator evaluates the same trust policy for
 * every scenario. Errors are not cached. Callers treat policy objects as immutable once handed over.
 */
export const parsePolicyDocument: (policy: unknown) => PolicyDocument = memoizeByIdentity((policy) =>
  parsePolicyDocumentUncached(policy),
);

function parsePolicyDocumentUncached(policy: unknown): PolicyDocument {
  let doc = policy;
  if (typeof policy === 'string') {
    try {
      doc = JSON.parse(policy) as unknown;
    } catch (e) {
      throw new PolicyError(
        '',
        `is not valid JSON (${(e as Error).message}); pass a policy object or JSON text`,
        {
          cause: e,
        },
      );
    }
  }
  if (!isRecord(doc)) throw new PolicyError('', `expected a policy object, got ${show(doc)}`);
  for (const k of Object.keys(doc))
    if (k !== 'Version' && k !== 'Id' && k !== 'Statement')
      throw new PolicyError(k, 'unknown policy element; allowed: Version, Id, Statement');
  const version = doc['Version'];
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17')
    throw new PolicyError('Version', `must be "2012-10-17" or "2008-10-17", got ${show(version)}`);
  const id = doc['Id'];
  if (id !== undefined && typeof id !== 'string')
    throw new PolicyError('Id', `must be a string, got ${show(id)}`);
  const raw = doc['Statement'];
  if (raw === undefined)
    throw new PolicyError('Statement', 'is missing; a policy needs at least one statement');
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((s, i) =>
    parseStatement(s, i, Array.isArray(raw) ? `Statement[${i}]` : 'Statement'),
  );
  return {
    statements,
    ...(version !== undefined && { version }),
    ...(id !== undefined && { id }),
  };
}
