import { toEventBridgeEvent, type EventBridgeEvent } from '../../engines/cloudtrail/index.js';
import { compileRuleSet, type CompiledRuleSet } from '../../engines/event-pattern/index.js';
import type { CheckContext, CheckFamily, CheckResult } from '../check-types.js';
import type { BusModel, RuleModel, SystemModel } from '../model.js';
import {
  evaluatePolicy,
  parsePolicyDocument,
  PolicyError,
  type PolicyDocument,
} from '../../engines/iam-policy/index.js';
import type { OrganizationPlan, TemplatePlan } from './types.js';

export const ORGANIZATION_FAMILY = 'organization';

/**
 * A made-up account standing for one the StackSet auto-deploys to later (an account added to a target
 * OU): the central bus policy and rules must take it with no change in the security account.
 */
export const ADDED_LATER = '000000000000';

/** One forwarding of the representative: a member rule whose target is a bus of another account. */
interface Forwarder {
  readonly rule: RuleModel;
  readonly roleArn?: string;
  readonly dest: BusModel;
}

/**
 * A way-in event of the representative that rules of a central bus matched, with those rules; `text`: the
 * event as JSON, only the fields the bus's patterns look at.
 */
interface Forwarded {
  readonly wayIn: string;
  readonly busArn: string;
  readonly text: string;
  /** The same for the same (bus, text) in every Region: per-account results are kept by it. */
  readonly id: number;
  readonly matched: ReadonlySet<number>;
}

/** What is worked out once per (template, Region) and reused for every account. */
interface RegionBasis {
  readonly forwarders: readonly Forwarder[];
  readonly forwarded: readonly Forwarded[];
}

const ruleSets = new WeakMap<BusModel, { rules: RuleModel[]; set: CompiledRuleSet }>();
function ruleSetOf(bus: BusModel): { rules: RuleModel[]; set: CompiledRuleSet } {
  let entry = ruleSets.get(bus);
  if (!entry) {
    const rules = bus.rules.filter((r) => r.pattern !== undefined && r.state !== 'DISABLED');
    entry = { rules, set: compileRuleSet(rules.map((r) => r.pattern?.source)) };
    ruleSets.set(bus, entry);
  }
  return entry;
}

/** Does the bus policy use `aws:SourceArn` (then each forwarding rule is its own question)? */
const sourceArnPolicies = new WeakMap<BusModel, boolean>();
function mentionsSourceArn(bus: BusModel): boolean {
  let v = sourceArnPolicies.get(bus);
  if (v === undefined) {
    v = JSON.stringify(bus.policyStatements).toLowerCase().includes('aws:sourcearn');
    sourceArnPolicies.set(bus, v);
  }
  return v;
}

/** A bus's resource policy, parsed once (null: none, or one the evaluator cannot read — it denies). */
const busPolicies = new WeakMap<BusModel, PolicyDocument | null>();
function busPolicyOf(bus: BusModel): PolicyDocument | null {
  let doc = busPolicies.get(bus);
  if (doc === undefined) {
    try {
      doc =
        bus.policyStatements.length === 0
          ? null
          : parsePolicyDocument({ Version: '2012-10-17', Statement: bus.policyStatements });
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      doc = null;
    }
    busPolicies.set(bus, doc);
  }
  return doc;
}

/** The field paths a bus's rule patterns look at, as a tree (`true`: the whole value). */
type PathTree = { [key: string]: PathTree | true };
const pathTrees = new WeakMap<BusModel, PathTree>();
function pathTreeOf(bus: BusModel): PathTree {
  let tree = pathTrees.get(bus);
  if (!tree) {
    const root: PathTree = {};
    const add = (node: PathTree, pattern: unknown): void => {
      if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) return;
      for (const [key, value] of Object.entries(pattern)) {
        if (key === '$or' && Array.isArray(value)) {
          for (const alt of value) add(node, alt);
          continue;
        }
        const leaf = typeof value !== 'object' || value === null || Array.isArray(value);
        const existing = node[key];
        if (leaf || existing === true) node[key] = true;
        else add(existing ?? (node[key] = {}), value);
      }
    };
    for (const { rules } of [ruleSetOf(bus)])
      for (const r of rules) {
        const src = r.pattern?.source;
        add(root, typeof src === 'string' ? (JSON.parse(src) as unknown) : src);
      }
    tree = root;
    pathTrees.set(bus, tree);
  }
  return tree;
}

/**
 * The part of `value` a pattern with these paths can see (arrays are projected element by element, as
 * EventBridge matches each element): matching the projection gives what matching the whole event gives,
 * and is much cheaper to copy for every account.
 */
function project(value: unknown, tree: PathTree | true): unknown {
  if (tree === true || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => project(v, tree));
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(tree)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = project(v, sub);
  }
  return out;
}

const swap = (text: string, from: string, to: string): string => text.split(from).join(to);

/** The representative's rules in one Region that forward to a bus in another account. */
function forwardersOf(model: SystemModel, plan: TemplatePlan, region: string): Forwarder[] {
  const mine = new Set(plan.stackNames);
  const out: Forwarder[] = [];
  for (const bus of model.buses.values()) {
    if (bus.account !== plan.representative || bus.region !== region) continue;
    for (const rule of bus.rules) {
      if (!mine.has(rule.stackName)) continue;
      for (const t of rule.targets) {
        if (t.kind !== 'event-bus') continue;
        const dest = model.buses.get(t.arn);
        if (!dest || dest.account === plan.representative) continue;
        out.push({ rule, dest, ...(t.roleArn !== undefined ? { roleArn: t.roleArn } : {}) });
      }
    }
  }
  return out;
}

/** The representative's way-in events (every break-glass role of its instances) that a central rule takes. */
function forwardedOf(
  context: CheckContext,
  plan: TemplatePlan,
  region: string,
  dests: readonly BusModel[],
  ids: Map<string, number>,
): { forwarded: Forwarded[]; admitted: boolean } {
  const mine = new Set(plan.stackNames);
  const forwarded: Forwarded[] = [];
  let admitted = false;
  for (const role of context.roles.filter((r) => mine.has(r.stackName))) {
    for (const { wayIn, actor, record } of context.wayInRecords?.(role, region) ?? []) {
      if (wayIn === 'AssumeRole' && actor === 'named' && record.errorCode === undefined) admitted = true;
      const event: EventBridgeEvent = toEventBridgeEvent(record);
      for (const d of dests) {
        const hits = ruleSetOf(d).set.matching(event);
        if (hits.length === 0) continue;
        const text = JSON.stringify(project(event, pathTreeOf(d)));
        const key = `${d.arn}\u0000${text}`;
        let id = ids.get(key);
        if (id === undefined) ids.set(key, (id = ids.size));
        forwarded.push({ wayIn, busArn: d.arn, text, id, matched: new Set(hits) });
      }
    }
  }
  return { forwarded, admitted };
}

/** Does the destination bus's policy let `account`'s forwarder put events? (`undefined`: yes.) */
function busPolicyProblem(
  f: Forwarder,
  rep: string,
  account: string,
  orgId: string | undefined,
): string | undefined {
  const principal = swap(f.roleArn ?? `arn:aws:iam::${rep}:root`, rep, account);
  const doc = busPolicyOf(f.dest);
  const decision = !doc
    ? 'ImplicitDeny'
    : evaluatePolicy(doc, {
        action: 'events:PutEvents',
        resource: f.dest.arn,
        principal: { type: 'AWS', id: principal },
        context: {
          'aws:PrincipalArn': principal,
          'aws:PrincipalAccount': account,
          'aws:SourceAccount': account,
          'aws:SourceArn': swap(f.rule.arn, rep, account),
          ...(orgId !== undefined ? { 'aws:PrincipalOrgID': orgId } : {}),
        },
      }).decision;
  // In the bus's own account the forwarder's role policy is enough; only an explicit Deny stops it.
  if (decision === 'Allow' || (account === f.dest.account && decision !== 'ExplicitDeny')) return undefined;
  return `the policy of ${f.dest.arn} does not let account ${account} put events (${decision}${orgId ? `, with aws:PrincipalOrgID ${orgId}` : ', the account is in no known organization'}): its forwarder ${f.rule.name} delivers nothing (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html)`;
}

/** Central rules that take the representative's event but not the same event from `account`. */
function centralRuleProblems(
  model: SystemModel,
  basis: RegionBasis,
  rep: string,
  account: string,
  memo: (readonly string[] | undefined)[],
): string[] {
  const out = new Set<string>();
  for (const f of basis.forwarded) {
    // The same projected event in another Region (patterns that do not look at the Region) is judged once.
    let found = memo[f.id];
    if (!found) {
      const bus = model.buses.get(f.busArn);
      const event = JSON.parse(swap(f.text, rep, account)) as EventBridgeEvent;
      const rules = bus ? ruleSetOf(bus).rules : [];
      found = [...f.matched]
        .map((i) => rules[i])
        .filter((r): r is RuleModel => r?.pattern?.matches(event) === false)
        .map(
          (r) =>
            `central rule ${r.name} on ${bus?.name ?? f.busArn} takes ${f.wayIn} from account ${rep} but not from account ${account}: its pattern names an account (central rules must match member events by role name, not account)`,
        );
      memo[f.id] = found;
    }
    for (const p of found) out.add(p);
  }
  return [...out];
}

const check = (
  account: string,
  name: string,
  region: string,
  problems: readonly string[],
  detail: string,
): CheckResult => ({
  family: ORGANIZATION_FAMILY,
  name: `account ${account}: ${name}`,
  account,
  region,
  ok: problems.length === 0,
  problems,
  ...(problems.length === 0 ? { detail } : {}),
});

/** Every per-account check of one distinct template. */
function templateChecks(context: CheckContext, org: OrganizationPlan, t: number): CheckResult[] {
  const plan = org.templates[t] as TemplatePlan;
  const rep = plan.representative;
  const stackSets = org.stackSets.filter((s) => s.template === t);
  const instances = new Set(stackSets.flatMap((s) => s.instances.map((i) => `${i.account}/${i.region}`)));
  const accounts = [...new Set(stackSets.flatMap((s) => s.instances.map((i) => i.account)))].sort();
  const orgId = org.org?.id;
  const out: CheckResult[] = [];

  // Once per Region: the representative's forwarders and forwarded events; Regions its role admits.
  const basis = new Map<string, RegionBasis>();
  const ids = new Map<string, number>();
  const expected: string[] = [];
  for (const region of context.regions) {
    const forwarders = forwardersOf(context.model, plan, region);
    const dests = [...new Map(forwarders.map((f) => [f.dest.arn, f.dest])).values()];
    const { forwarded, admitted } = forwardedOf(context, plan, region, dests, ids);
    basis.set(region, { forwarders, forwarded });
    if (admitted || plan.regions.includes(region)) expected.push(region);
  }

  // The member template must not name the representative's account: what resolves to the right value
  // there (its own id) is the wrong one in every other account. (Other ids, e.g. the security account's
  // central bus, are the same for every instance.)
  const literal = /(?<!\d)\d{12}(?!\d)/.test(plan.text)
    ? [...new Set(plan.text.match(/(?<!\d)\d{12}(?!\d)/g))].filter((a) => a === rep)
    : [];
  if (literal.length > 0 && accounts.length > 1)
    out.push(
      check(
        rep,
        'member template',
        expected[0] ?? 'global',
        [
          `the member template names account ${rep} literally: every instance gets that value, so what is checked on ${rep} does not hold for the other accounts; use \${AWS::AccountId}`,
        ],
        '',
      ),
    );

  let policyMemo = new Map<string, string | undefined>();
  let ruleMemo: (readonly string[] | undefined)[] = [];
  const wiring = (account: string, region: string, deployed: boolean): void => {
    if (!deployed) {
      out.push(
        check(
          account,
          'coverage',
          region,
          [
            `no stack instance of StackSet ${stackSets.map((s) => s.spec.name).join(', ')} in ${region}, where the break-glass role can be used (${plan.regions.includes(region) ? 'its instances group leaves this account out' : 'add the Region to the StackSet\u2019s Regions or lock the role out of it'})`,
          ],
          '',
        ),
      );
      return;
    }
    out.push(check(account, 'coverage', region, [], `stack instance in ${region}`));
    const b = basis.get(region) as RegionBasis;
    if (b.forwarders.length === 0) {
      out.push(
        check(
          account,
          'forwarding',
          region,
          [
            `the member template forwards nothing from ${region} to another account's bus (checked on ${rep})`,
          ],
          '',
        ),
      );
      return;
    }
    const policy = [
      ...new Set(
        b.forwarders
          .map((f) => {
            // What the decision depends on: the bus and the caller (and the rule, if the policy asks).
            const key = `${f.dest.arn}\u0000${f.roleArn ?? ''}${mentionsSourceArn(f.dest) ? `\u0000${f.rule.arn}` : ''}`;
            if (!policyMemo.has(key)) policyMemo.set(key, busPolicyProblem(f, rep, account, orgId));
            return policyMemo.get(key);
          })
          .filter((p): p is string => p !== undefined),
      ),
    ];
    const dests = [...new Set(b.forwarders.map((f) => f.dest.name))].join(', ');
    out.push(check(account, 'bus policy', region, policy, `admitted by ${dests}`));
    if (account !== rep)
      out.push(
        check(
          account,
          'central rules',
          region,
          centralRuleProblems(context.model, b, rep, account, ruleMemo),
          `${b.forwarded.length} forwarded event(s) matched as from ${rep}`,
        ),
      );
  };

  const forAccount = (account: string, deployed: (region: string) => boolean) => {
    policyMemo = new Map();
    ruleMemo = [];
    for (const region of expected) wiring(account, region, deployed(region));
  };
  for (const account of accounts) forAccount(account, (r) => instances.has(`${account}/${r}`));
  if (stackSets.some((s) => s.spec.autoDeployment && s.spec.permissionModel === 'SERVICE_MANAGED'))
    forAccount(ADDED_LATER, (r) => plan.regions.includes(r));
  return out;
}

/** Identity Center assignments: the permission set's role is watched only where a StackSet deploys. */
function assignmentChecks(org: OrganizationPlan, regionOf: (stack: string) => string): CheckResult[] {
  const deployed = new Set(org.stackSets.flatMap((s) => s.instances.map((i) => i.account)));
  return org.assignments.map((a) =>
    check(
      a.account,
      'permission-set assignment',
      regionOf(a.stackName),
      deployed.has(a.account)
        ? []
        : [
            `assignment ${a.logicalId} (stack ${a.stackName}) gives the permission set in account ${a.account}, where no StackSet deploys the member template: using its AWSReservedSSO_* role there alerts nobody; add the account (or its OU) to the StackSet's targets`,
          ],
      'the account runs the member template',
    ),
  );
}

/**
 * Per-account wiring of an organization (see organization/expand.ts): every way in is replayed on each
 * distinct template's representative account by `verifyModel`; these checks show every other account
 * gets the same: a stack instance in each Region the role can be used in, a central bus policy that
 * admits it (`aws:PrincipalOrgID`, `aws:PrincipalAccount`), central rules that take its forwarded events
 * (the representative's events with its account id), and Identity Center assignments only in accounts
 * the StackSet covers. Cost: one pass per (template, Region), then a few policy and pattern
 * evaluations per account — no template is resolved again.
 */
export const ORGANIZATION_CHECKS: CheckFamily = {
  family: ORGANIZATION_FAMILY,
  title: 'Organization wiring',
  run(context) {
    const org = context.organization;
    if (!org) return [];
    const regionOf = (stackName: string) =>
      context.model.stacks.find((s) => s.stackName === stackName)?.region ?? 'global';
    return [
      ...org.templates.flatMap((_, t) => templateChecks(context, org, t)),
      ...assignmentChecks(org, regionOf),
    ];
  },
};
