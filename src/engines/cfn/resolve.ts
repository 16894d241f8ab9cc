import { TemplateError } from './errors.js';
import { deterministicPhysicalName, stableUuid } from './names.js';
import { RESOURCE_TYPES, type Env, type Identity, type TypeInput } from './resource-types.js';
import { Unresolved, isUnresolved } from './unresolved.js';

/**
 * Offline resolution of a CloudFormation template: intrinsic functions, conditions, pseudo
 * parameters, and the Ref/GetAtt values of resources, for one stack in one account and Region.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
 */

export interface StackContext {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** Default: from the Region (`cn-*` → aws-cn, `us-gov-*` → aws-us-gov, else aws). */
  readonly partition?: string;
  /** Default: `amazonaws.com.cn` in aws-cn, else `amazonaws.com`. */
  readonly urlSuffix?: string;
  /** Parameter values by name; parameters without one use their Default. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Export name → value, for `Fn::ImportValue` (and CDK cross-Region reader attributes). */
  readonly imports?: ReadonlyMap<string, unknown>;
}

export interface ResolvedResource {
  readonly logicalId: string;
  readonly type: string;
  /** Properties with every intrinsic resolved; `AWS::NoValue` removed. */
  readonly properties: Record<string, unknown>;
  /** What `Ref` returns. */
  readonly ref: unknown;
  /** What `Fn::GetAtt` returns, by attribute name (only attributes known for the type). */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly arn?: string;
  readonly physicalName?: string;
}

export interface ResolvedTemplate {
  readonly context: StackContext;
  /** Resources whose Condition (if any) is true. */
  readonly resources: ReadonlyMap<string, ResolvedResource>;
  readonly outputs: Record<string, unknown>;
  /** Export name → value (Outputs with an Export). */
  readonly exports: ReadonlyMap<string, unknown>;
  /** Every value that could not be resolved, with its JSON path. */
  readonly unresolved: readonly Unresolved[];
  readonly conditions: Readonly<Record<string, boolean>>;
  /** Parameter values (given, default, or Unresolved for SSM-backed parameters such as BootstrapVersion). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Export names this template imports with `Fn::ImportValue`. */
  readonly importsUsed: readonly string[];
}

const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unresolved);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** CDK's cross-Region reference reader: GetAtt attribute names are SSM parameter names. */
const CROSS_REGION_READER = 'Custom::CrossRegionExportReader';

class Resolver {
  readonly env: Env;
  readonly unresolved: Unresolved[] = [];
  readonly importsUsed = new Set<string>();
  private readonly resourcesIn: Record<string, Record<string, unknown>>;
  private readonly parametersIn: Record<string, unknown>;
  private readonly mappings: Record<string, unknown>;
  private readonly conditionsIn: Record<string, unknown>;
  private readonly conditionValues = new Map<string, boolean>();
  private readonly conditionsInProgress = new Set<string>();
  private readonly parameterValues = new Map<string, unknown>();
  private readonly identities = new Map<string, Identity & { name: string | Unresolved }>();
  private readonly identitiesInProgress = new Set<string>();
  private readonly propCache = new Map<string, unknown>();

  constructor(
    template: Record<string, unknown>,
    readonly ctx: StackContext,
  ) {
    const partition = ctx.partition ?? partitionOf(ctx.region);
    this.env = {
      partition,
      region: ctx.region,
      account: ctx.account,
      urlSuffix: ctx.urlSuffix ?? (partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'),
      stackName: ctx.stackName,
    };
    const section = (name: string, required = false): Record<string, unknown> => {
      const v = template[name];
      if (v === undefined) {
        if (required) throw new TemplateError(name, 'is missing; a template needs at least one resource');
        return {};
      }
      if (!isRecord(v)) throw new TemplateError(name, `must be an object, got ${show(v)}`);
      return v;
    };
    const resources = section('Resources', true);
    this.resourcesIn = {};
    for (const [id, r] of Object.entries(resources)) {
      const path = `Resources.${id}`;
      if (!isRecord(r)) throw new TemplateError(path, `must be an object with a Type, got ${show(r)}`);
      if (typeof r['Type'] !== 'string' || r['Type'] === '')
        throw new TemplateError(`${path}.Type`, `must be a resource type string, got ${show(r['Type'])}`);
      if (r['Properties'] !== undefined && !isRecord(r['Properties']))
        throw new TemplateError(`${path}.Properties`, `must be an object, got ${show(r['Properties'])}`);
      if (r['Condition'] !== undefined && typeof r['Condition'] !== 'string')
        throw new TemplateError(`${path}.Condition`, `must be a condition name, got ${show(r['Condition'])}`);
      this.resourcesIn[id] = r;
    }
    this.parametersIn = section('Parameters');
    this.mappings = section('Mappings');
    this.conditionsIn = section('Conditions');
  }

  unres(reason: string, path: string): Unresolved {
    const u = new Unresolved(reason, path);
    this.unresolved.push(u);
    return u;
  }

  // ---- parameters ---------------------------------------------------------------------------

  parameter(name: string, path: string): unknown {
    if (this.parameterValues.has(name)) return this.parameterValues.get(name);
    const decl = this.parametersIn[name];
    if (!isRecord(decl))
      throw new TemplateError(`Parameters.${name}`, `must be an object, got ${show(decl)}`);
    const type = typeof decl['Type'] === 'string' ? decl['Type'] : 'String';
    const given = this.ctx.parameters?.[name];
    let value: unknown;
    if (type.startsWith('AWS::SSM::Parameter::Value<')) {
      // e.g. CDK's BootstrapVersion (`/cdk-bootstrap/hnb659fds/version`): read from SSM at deploy time.
      value =
        given ??
        new Unresolved(
          `parameter ${name} is read from SSM parameter ${show(decl['Default'])} at deploy time`,
          `Parameters.${name}`,
        );
    } else {
      const raw = given ?? decl['Default'];
      if (raw === undefined) value = new Unresolved(`parameter ${name} has no value and no Default`, path);
      else if (type === 'CommaDelimitedList' || type.startsWith('List<'))
        value = String(raw)
          .split(',')
          .map((s) => s.trim());
      else value = typeof raw === 'number' ? String(raw) : raw;
    }
    this.parameterValues.set(name, value);
    return value;
  }

  parameterSnapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(this.parametersIn)) out[name] = this.parameter(name, `Parameters.${name}`);
    return out;
  }

  // ---- conditions ---------------------------------------------------------------------------

  condition(name: string, path: string): boolean {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    if (!(name in this.conditionsIn))
      throw new TemplateError(path, `condition ${show(name)} is not defined in Conditions`);
    if (this.conditionsInProgress.has(name))
      throw new TemplateError(`Conditions.${name}`, 'refers to itself (circular condition)');
    this.conditionsInProgress.add(name);
    const v = this.conditionExpr(this.conditionsIn[name], `Conditions.${name}`);
    this.conditionsInProgress.delete(name);
    let result: boolean;
    if (isUnresolved(v)) {
      // Cannot decide: treat as false (resources under it are absent) and record why.
      this.unres(`condition ${name} depends on an unresolved value (${v.reason}); treated as false`, v.path);
      result = false;
    } else result = v;
    this.conditionValues.set(name, result);
    return result;
  }

  conditionExpr(v: unknown, path: string): boolean | Unresolved {
    if (!isRecord(v) || Object.keys(v).length !== 1)
      throw new TemplateError(path, `expected a condition function (Fn::Equals, Fn::And, …), got ${show(v)}`);
    const [fn, arg] = Object.entries(v)[0] as [string, unknown];
    const p = `${path}.${fn}`;
    switch (fn) {
      case 'Condition':
        if (typeof arg !== 'string')
          throw new TemplateError(p, `expected a condition name, got ${show(arg)}`);
        return this.condition(arg, p);
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2)
          throw new TemplateError(p, `expected [value1, value2], got ${show(arg)}`);
        const a = this.value(arg[0], `${p}[0]`);
        const b = this.value(arg[1], `${p}[1]`);
        if (isUnresolved(a)) return a;
        if (isUnresolved(b)) return b;
        return canonical(a) === canonical(b);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10)
          throw new TemplateError(p, `expected a list of 2 to 10 conditions, got ${show(arg)}`);
        const parts = arg.map((c, i) => this.conditionExpr(c, `${p}[${i}]`));
        const known = parts.filter((x): x is boolean => typeof x === 'boolean');
        if (fn === 'Fn::And' && known.includes(false)) return false;
        if (fn === 'Fn::Or' && known.includes(true)) return true;
        const u = parts.find(isUnresolved);
        return u ?? fn === 'Fn::And';
      }
      case 'Fn::Not': {
        if (!Array.isArray(arg) || arg.length !== 1)
          throw new TemplateError(p, `expected a list of exactly one condition, got ${show(arg)}`);
        const x = this.conditionExpr(arg[0], `${p}[0]`);
        return isUnresolved(x) ? x : !x;
      }
      default:
        throw new TemplateError(
          p,
          `not a condition function; use Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition`,
        );
    }
  }

  allConditions(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const name of Object.keys(this.conditionsIn)) out[name] = this.condition(name, `Conditions.${name}`);
    return out;
  }

  isIncluded(logicalId: string): boolean {
    const c = this.resourcesIn[logicalId]?.['Condition'];
    return typeof c !== 'string' || this.condition(c, `Resources.${logicalId}.Condition`);
  }

  // ---- resources ----------------------------------------------------------------------------

  resourceIds(): string[] {
    return Object.keys(this.resourcesIn);
  }

  typeOf(logicalId: string): string {
    return (this.resourcesIn[logicalId] as Record<string, unknown>)['Type'] as string;
  }

  /** One resolved property of a resource (cached; NoValue → undefined). */
  prop(logicalId: string, key: string): unknown {
    const cacheKey = `${logicalId}\u0000${key}`;
    if (this.propCache.has(cacheKey)) return this.propCache.get(cacheKey);
    const props = this.resourcesIn[logicalId]?.['Properties'];
    const raw = isRecord(props) ? props[key] : undefined;
    const v = raw === undefined ? undefined : this.value(raw, `Resources.${logicalId}.Properties.${key}`);
    const out = v === NO_VALUE ? undefined : v;
    this.propCache.set(cacheKey, out);
    return out;
  }

  identity(logicalId: string, path: string): (Identity & { name: string | Unresolved }) | Unresolved {
    const known = this.identities.get(logicalId);
    if (known) return known;
    if (!this.resourcesIn[logicalId]) throw new TemplateError(path, `no resource named ${show(logicalId)}`);
    if (!this.isIncluded(logicalId))
      return this.unres(
        `resource ${logicalId} is not created: its condition ${show(this.resourcesIn[logicalId]?.['Condition'])} is false`,
        path,
      );
    if (this.identitiesInProgress.has(logicalId))
      return this.unres(`resource ${logicalId}'s name depends on itself (circular reference)`, path);
    this.identitiesInProgress.add(logicalId);
    try {
      const type = this.typeOf(logicalId);
      const spec = RESOURCE_TYPES[type];
      const rpath = `Resources.${logicalId}`;
      const seed = `${this.env.partition}/${this.env.account}/${this.env.region}/${this.env.stackName}/${logicalId}`;
      if (!spec) {
        const custom = type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
        const reason = custom
          ? `custom resource ${logicalId} (${type}) returns its physical id at deploy time`
          : `resource type ${type} is not in the resolver's Ref/GetAtt table`;
        const id: Identity & { name: string | Unresolved } = {
          name: new Unresolved(reason, rpath),
          ref: new Unresolved(reason, `${rpath}.Ref`),
          attributes: {},
        };
        this.identities.set(logicalId, id);
        return id;
      }
      let name: string | Unresolved;
      const given = spec.nameProp ? this.prop(logicalId, spec.nameProp) : undefined;
      const input = (n: string | Unresolved): TypeInput => ({
        env: this.env,
        logicalId,
        name: n,
        prop: (k) => this.prop(logicalId, k),
        path: rpath,
        seed,
      });
      if (given === undefined) {
        const suffix = spec.nameSuffix?.(input('')) ?? '';
        let generated = deterministicPhysicalName(
          this.env.stackName,
          logicalId,
          (spec.maxLength ?? 128) - suffix.length,
        );
        if (spec.lowercase) generated = generated.toLowerCase();
        name = generated + suffix;
      } else if (typeof given === 'string') name = given;
      else if (isUnresolved(given)) name = given;
      else
        name = this.unres(
          `${spec.nameProp} is not a string: ${show(given)}`,
          `${rpath}.Properties.${spec.nameProp}`,
        );
      const id = { ...spec.identity(input(name)), name };
      this.identities.set(logicalId, id);
      return id;
    } finally {
      this.identitiesInProgress.delete(logicalId);
    }
  }

  getAtt(logicalId: string, attribute: string, path: string): unknown {
    const id = this.identity(logicalId, path);
    if (isUnresolved(id)) return id;
    if (attribute in id.attributes) {
      const v = id.attributes[attribute];
      if (isUnresolved(v) && !this.unresolved.includes(v)) this.unresolved.push(v);
      return v;
    }
    const type = this.typeOf(logicalId);
    if (type === CROSS_REGION_READER) {
      this.importsUsed.add(attribute);
      const v = this.ctx.imports?.get(attribute);
      if (v !== undefined) return v;
      return this.unres(`cross-Region reference ${show(attribute)} is not written by any stack given`, path);
    }
    if (RESOURCE_TYPES[type])
      return this.unres(`GetAtt ${logicalId}.${attribute}: attribute not known offline for ${type}`, path);
    return this.unres(
      `GetAtt ${logicalId}.${attribute}: ${type} attributes are known only at deploy time`,
      path,
    );
  }

  ref(name: string, path: string): unknown {
    switch (name) {
      case 'AWS::AccountId':
        return this.env.account;
      case 'AWS::Region':
        return this.env.region;
      case 'AWS::Partition':
        return this.env.partition;
      case 'AWS::URLSuffix':
        return this.env.urlSuffix;
      case 'AWS::StackName':
        return this.env.stackName;
      case 'AWS::StackId':
        return `arn:${this.env.partition}:cloudformation:${this.env.region}:${this.env.account}:stack/${this.env.stackName}/${stableUuid(`${this.env.account}/${this.env.region}/${this.env.stackName}`)}`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    if (name in this.parametersIn) {
      const v = this.parameter(name, path);
      if (isUnresolved(v) && !this.unresolved.includes(v)) this.unresolved.push(v);
      return v;
    }
    if (name in this.resourcesIn) {
      const id = this.identity(name, path);
      if (isUnresolved(id)) return id;
      if (isUnresolved(id.ref) && !this.unresolved.includes(id.ref)) this.unresolved.push(id.ref);
      return id.ref;
    }
    throw new TemplateError(
      path,
      `Ref to ${show(name)}: no parameter, resource or pseudo parameter has that name`,
    );
  }

  // ---- values -------------------------------------------------------------------------------

  /** Resolves a template value; returns NO_VALUE for AWS::NoValue (callers drop it). */
  value(v: unknown, path: string): unknown {
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      v.forEach((x, i) => {
        const r = this.value(x, `${path}[${i}]`);
        if (r !== NO_VALUE) out.push(r);
      });
      return out;
    }
    if (typeof v === 'string') {
      // Dynamic references are resolved by CloudFormation at deploy time.
      if (v.includes('{{resolve:')) {
        // `{{resolve:ssm:NAME}}` as a whole value can be answered from the imports (CDK cross-Region
        // references are SSM parameters); anything else is known only at deploy time.
        const m = /^\{\{resolve:ssm:([^:}]+)\}\}$/.exec(v);
        if (m?.[1] !== undefined) this.importsUsed.add(m[1]);
        const known = m?.[1] !== undefined ? this.ctx.imports?.get(m[1]) : undefined;
        if (known !== undefined) return known;
        return this.unres(`dynamic reference ${show(v)} is resolved by CloudFormation at deploy time`, path);
      }
      return v;
    }
    if (!isRecord(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const k = keys[0] as string;
      if (k === 'Ref' || k.startsWith('Fn::')) return this.intrinsic(k, v[k], `${path}.${k}`);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const r = this.value(v[k], `${path}.${k}`);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private str(v: unknown, path: string, what: string): string | Unresolved {
    const r = this.value(v, path);
    if (isUnresolved(r)) return r;
    if (typeof r === 'number' || typeof r === 'boolean') return String(r);
    if (typeof r !== 'string')
      throw new TemplateError(path, `${what} must resolve to a string, got ${show(r)}`);
    return r;
  }

  private list(v: unknown, path: string, what: string): unknown[] | Unresolved {
    const r = this.value(v, path);
    if (isUnresolved(r)) return r;
    if (!Array.isArray(r)) throw new TemplateError(path, `${what} must resolve to a list, got ${show(r)}`);
    return r;
  }

  intrinsic(fn: string, arg: unknown, path: string): unknown {
    const args = (n: number, shape: string): unknown[] => {
      if (!Array.isArray(arg) || arg.length !== n)
        throw new TemplateError(path, `expected ${shape}, got ${show(arg)}`);
      return arg;
    };
    switch (fn) {
      case 'Ref':
        if (typeof arg !== 'string')
          throw new TemplateError(path, `expected a logical id or parameter name, got ${show(arg)}`);
        return this.ref(arg, path);
      case 'Fn::GetAtt': {
        let id: unknown;
        let attr: unknown;
        if (typeof arg === 'string') {
          const dot = arg.indexOf('.');
          if (dot <= 0) throw new TemplateError(path, `expected "LogicalId.Attribute", got ${show(arg)}`);
          id = arg.slice(0, dot);
          attr = arg.slice(dot + 1);
        } else [id, attr] = args(2, '[logicalId, attributeName] or "LogicalId.Attribute"');
        if (typeof id !== 'string')
          throw new TemplateError(`${path}[0]`, `expected a logical id, got ${show(id)}`);
        const attrName = this.str(attr, `${path}[1]`, 'the attribute name');
        if (isUnresolved(attrName)) return attrName;
        return this.getAtt(id, attrName, path);
      }
      case 'Fn::Join': {
        const [delim, items] = args(2, '[delimiter, [values…]]');
        if (typeof delim !== 'string')
          throw new TemplateError(`${path}[0]`, `delimiter must be a string, got ${show(delim)}`);
        const list = this.list(items, `${path}[1]`, 'the values to join');
        if (isUnresolved(list)) return list;
        const parts: string[] = [];
        for (const [i, x] of list.entries()) {
          if (isUnresolved(x)) return x;
          if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean')
            throw new TemplateError(`${path}[1][${i}]`, `Fn::Join values must be strings, got ${show(x)}`);
          parts.push(String(x));
        }
        return parts.join(delim);
      }
      case 'Fn::Sub':
        return this.sub(arg, path);
      case 'Fn::Select': {
        const [index, items] = args(2, '[index, [values…]]');
        const i = this.str(index, `${path}[0]`, 'the index');
        if (isUnresolved(i)) return i;
        const list = this.list(items, `${path}[1]`, 'the list');
        if (isUnresolved(list)) return list;
        const n = Number(i);
        if (!Number.isInteger(n) || n < 0 || n >= list.length)
          throw new TemplateError(
            `${path}[0]`,
            `index ${show(i)} is out of range for a list of ${list.length}`,
          );
        return list[n];
      }
      case 'Fn::Split': {
        const [delim, source] = args(2, '[delimiter, string]');
        if (typeof delim !== 'string')
          throw new TemplateError(`${path}[0]`, `delimiter must be a string, got ${show(delim)}`);
        const s = this.str(source, `${path}[1]`, 'the string to split');
        return isUnresolved(s) ? s : s.split(delim);
      }
      case 'Fn::If': {
        const [cond, a, b] = args(3, '[conditionName, valueIfTrue, valueIfFalse]');
        if (typeof cond !== 'string')
          throw new TemplateError(`${path}[0]`, `expected a condition name, got ${show(cond)}`);
        return this.condition(cond, `${path}[0]`) ? this.value(a, `${path}[1]`) : this.value(b, `${path}[2]`);
      }
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
        return this.conditionExpr({ [fn]: arg }, path.slice(0, -fn.length - 1));
      case 'Fn::ImportValue': {
        const name = this.str(arg, path, 'the export name');
        if (isUnresolved(name)) return name;
        this.importsUsed.add(name);
        const v = this.ctx.imports?.get(name);
        if (v === undefined)
          return this.unres(`Fn::ImportValue ${show(name)}: no stack given exports it`, path);
        if (isUnresolved(v) && !this.unresolved.includes(v)) this.unresolved.push(v);
        return v;
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || (arg.length !== 3 && arg.length !== 4))
          throw new TemplateError(
            path,
            `expected [mapName, topKey, secondKey] (+ {DefaultValue}), got ${show(arg)}`,
          );
        const keys = arg.slice(0, 3).map((x, i) => this.str(x, `${path}[${i}]`, 'a map key'));
        const u = keys.find(isUnresolved);
        if (u) return u;
        const [mapName, top, second] = keys as string[];
        const map = this.mappings[mapName as string];
        const hit =
          isRecord(map) && isRecord(map[top as string])
            ? (map[top as string] as Record<string, unknown>)[second as string]
            : undefined;
        if (hit !== undefined) return this.value(hit, `Mappings.${mapName}.${top}.${second}`);
        const dflt = arg[3];
        if (isRecord(dflt) && 'DefaultValue' in dflt)
          return this.value(dflt['DefaultValue'], `${path}[3].DefaultValue`);
        throw new TemplateError(path, `Mappings has no ${show(mapName)} → ${show(top)} → ${show(second)}`);
      }
      case 'Fn::GetAZs': {
        const r = this.str(arg, path, 'the Region');
        if (isUnresolved(r)) return r;
        const region = r === '' ? this.env.region : r;
        // The real list depends on the account; three AZs is what most Regions offer every account.
        return ['a', 'b', 'c'].map((z) => `${region}${z}`);
      }
      case 'Fn::Base64': {
        const s = this.str(arg, path, 'the value to encode');
        return isUnresolved(s) ? s : base64(s);
      }
      case 'Fn::Length': {
        const list = this.list(arg, path, 'the argument of Fn::Length');
        return isUnresolved(list) ? list : list.length;
      }
      case 'Fn::ToJsonString': {
        const r = this.value(arg, path);
        if (isUnresolved(r)) return r;
        const u = firstUnresolved(r);
        return u ?? JSON.stringify(r);
      }
      case 'Fn::Cidr':
      case 'Fn::Transform':
      case 'Fn::ForEach':
        return this.unres(`${fn} is not evaluated offline`, path);
      default:
        throw new TemplateError(path, `unknown intrinsic function ${fn}`);
    }
  }

  /** Fn::Sub, both forms; `${!Literal}` is the literal `${Literal}`. */
  private sub(arg: unknown, path: string): unknown {
    let text: unknown;
    let vars: Record<string, unknown> = {};
    if (typeof arg === 'string') text = arg;
    else if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && isRecord(arg[1])) {
      text = arg[0];
      vars = arg[1];
    } else throw new TemplateError(path, `expected "string" or ["string", {Var: value}], got ${show(arg)}`);
    const s = text as string;
    let out = '';
    let i = 0;
    while (i < s.length) {
      const start = s.indexOf('${', i);
      if (start < 0) {
        out += s.slice(i);
        break;
      }
      out += s.slice(i, start);
      const end = s.indexOf('}', start + 2);
      if (end < 0) {
        out += s.slice(start);
        break;
      }
      const inner = s.slice(start + 2, end);
      i = end + 1;
      if (inner.startsWith('!')) {
        out += `\${${inner.slice(1)}}`;
        continue;
      }
      const name = inner.trim();
      let r: unknown;
      if (name in vars) r = this.value(vars[name], `${path}[1].${name}`);
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.');
        r = this.getAtt(name.slice(0, dot), name.slice(dot + 1), path);
      } else r = this.ref(name, path);
      if (isUnresolved(r)) return r;
      if (typeof r !== 'string' && typeof r !== 'number' && typeof r !== 'boolean')
        throw new TemplateError(path, `\${${name}} must resolve to a string, got ${show(r)}`);
      out += String(r);
    }
    return out;
  }
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'number' || typeof x === 'boolean' ? String(x) : x,
  );
}

function firstUnresolved(v: unknown): Unresolved | undefined {
  if (isUnresolved(v)) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnresolved(x);
      if (u) return u;
    }
  } else if (typeof v === 'object' && v !== null)
    for (const x of Object.values(v)) {
      const u = firstUnresolved(x);
      if (u) return u;
    }
  return undefined;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63];
    out += B64[(n >> 12) & 63];
    out += b === undefined ? '=' : B64[(n >> 6) & 63];
    out += c === undefined ? '=' : B64[n & 63];
  }
  return out;
}

/**
 * Resolves one template for one stack. Never throws for values it cannot know (those become
 * `Unresolved`); throws `TemplateError` (with the JSON path) for templates CloudFormation would reject.
 */
export function resolveTemplate(template: unknown, ctx: StackContext): ResolvedTemplate {
  let doc = template;
  if (typeof template === 'string') {
    try {
      doc = JSON.parse(template) as unknown;
    } catch (e) {
      throw new TemplateError('', `is not valid JSON (${(e as Error).message})`, { cause: e });
    }
  }
  if (!isRecord(doc)) throw new TemplateError('', `expected a template object, got ${show(doc)}`);
  const r = new Resolver(doc, ctx);
  const conditions = r.allConditions();
  const resources = new Map<string, ResolvedResource>();
  for (const id of r.resourceIds()) {
    if (!r.isIncluded(id)) continue;
    const raw = (doc['Resources'] as Record<string, Record<string, unknown>>)[id] as Record<string, unknown>;
    const properties: Record<string, unknown> = {};
    for (const key of Object.keys((raw['Properties'] as Record<string, unknown> | undefined) ?? {})) {
      const v = r.prop(id, key);
      if (v !== undefined) properties[key] = v;
    }
    const ident = r.identity(id, `Resources.${id}`);
    const resolved: ResolvedResource = isUnresolved(ident)
      ? { logicalId: id, type: raw['Type'] as string, properties, ref: ident, attributes: {} }
      : {
          logicalId: id,
          type: raw['Type'] as string,
          properties,
          ref: ident.ref,
          attributes: ident.attributes,
          ...(typeof ident.arn === 'string' && { arn: ident.arn }),
          ...(typeof ident.name === 'string' && { physicalName: ident.name }),
        };
    resources.set(id, resolved);
  }
  const outputs: Record<string, unknown> = {};
  const exports = new Map<string, unknown>();
  const outputsIn = doc['Outputs'];
  if (outputsIn !== undefined) {
    if (!isRecord(outputsIn)) throw new TemplateError('Outputs', `must be an object, got ${show(outputsIn)}`);
    for (const [name, o] of Object.entries(outputsIn)) {
      const path = `Outputs.${name}`;
      if (!isRecord(o) || !('Value' in o))
        throw new TemplateError(path, `must be an object with a Value, got ${show(o)}`);
      if (typeof o['Condition'] === 'string' && !r.condition(o['Condition'], `${path}.Condition`)) continue;
      const value = r.value(o['Value'], `${path}.Value`);
      outputs[name] = value;
      const ex = o['Export'];
      if (isRecord(ex) && ex['Name'] !== undefined) {
        const exName = r.value(ex['Name'], `${path}.Export.Name`);
        if (typeof exName === 'string') exports.set(exName, value);
        else r.unres(`export name of output ${name} is not known offline`, `${path}.Export.Name`);
      }
    }
  }
  const parameters = r.parameterSnapshot();
  return {
    context: ctx,
    resources,
    outputs,
    exports,
    unresolved: dedupe(r.unresolved),
    conditions,
    parameters,
    importsUsed: [...r.importsUsed],
  };
}

/** One entry per distinct (reason, path): the same value may be needed through several routes. */
function dedupe(list: readonly Unresolved[]): Unresolved[] {
  const seen = new Set<string>();
  return list.filter((u) => {
    const k = `${u.reason}\u0000${u.path}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
