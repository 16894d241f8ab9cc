/**
 * One measurement of the organization scale bench, in a fresh process: a config file → synth (cloud
 * assembly in a temp dir, removed) → verify (model, every way in × Region, the checks, CloudFormation's
 * validator on every template), the way `breakglass verify --config` runs them, one after the other.
 * Prints one JSON line: the phase times (ms), the counts and the peak RSS.
 *
 * Run by organization.bench.ts: node --import tsx bench/organization-child.ts <config> [--from src|dist]
 */
import { createHash } from 'node:crypto';
import { isObject } from '../src/simulator/json.js';

const [file] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: organization-child.ts <config file> [--from src|dist]');
const fromArg = process.argv.indexOf('--from');
const from = fromArg > 0 ? process.argv[fromArg + 1] : 'dist';
const ext = from === 'src' ? 'ts' : 'js';
// The shipped build by default (what users run); the sources through tsx while developing.
const load = async <T>(path: string): Promise<T> =>
  (await import(new URL(`../${from}/${path}.${ext}`, import.meta.url).href)) as T;

const t0 = performance.now();
const { ALL_REGIONS } = await load<typeof import('../src/engines/regions.js')>('engines/regions');
const sim = await load<typeof import('../src/simulator/index.js')>('simulator/index');
const orgSim = await load<typeof import('../src/simulator/organization/index.js')>(
  'simulator/organization/index',
);
const { loadSystem } = await load<typeof import('../src/cli/system.js')>('cli/system');
const { organizationExpander } =
  await load<typeof import('../src/cli/organization-source.js')>('cli/organization-source');
const t1 = performance.now();
const cpu1 = process.cpuUsage();
/** CPU ms (user + system, every thread) since `cpu1`. */
const cpuSince = () => {
  const u = process.cpuUsage(cpu1);
  return (u.user + u.system) / 1000;
};

// As `breakglass verify --config` does: config → cloud assembly (temp dir, removed) → stacks → StackSets
// expanded into member stacks → model; CDK's own synth-time validation off (verify runs the same validator
// itself). The expansion is timed apart from synth.
const org = organizationExpander(undefined, process.cwd());
let expandMs = 0;
let assemblyStacks = 0;
const system = loadSystem({ config: file }, process.cwd(), { cdkValidation: false }, (stacks, from) => {
  assemblyStacks = stacks.length;
  const e0 = performance.now();
  const out = org.expand(stacks, from);
  expandMs = performance.now() - e0;
  return out;
});
const organization = org.plan();
const t2 = performance.now();
const result = sim.verifyModel(system.model, {
  regions: ALL_REGIONS,
  ...(organization ? { organization } : {}),
});
const t3 = performance.now();
const cpu3 = cpuSince();
const findings = sim.validateTemplates(
  system.stacks.map((s) => ({ name: s.stackName, body: s.template, account: s.account, region: s.region })),
);
const t4 = performance.now();
const cpu4 = cpuSince();
// What `verify --json` prints: the per-account view and the whole result as JSON.
const view =
  organization && organization.stackSets.length > 0
    ? orgSim.organizationView(organization, result.checks, ALL_REGIONS)
    : undefined;
const json = JSON.stringify({ ...result, ...(view ? { organization: view } : {}), findings }, null, 2);
const t5 = performance.now();
const cpu5 = cpuSince();

/** A JSON text as `JSON.stringify` writes it (the text itself when it is not JSON). */
function normalized(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Distinct templates: of the stacks modelled, and the member templates StackSets carry (TemplateBody). */
function distinctTemplates(): number {
  const texts = new Set<string>();
  for (const s of system.stacks) {
    texts.add(JSON.stringify(s.template));
    const resources =
      isObject(s.template) && isObject(s.template['Resources']) ? s.template['Resources'] : {};
    for (const r of Object.values(resources)) {
      if (!isObject(r) || r['Type'] !== 'AWS::CloudFormation::StackSet') continue;
      const body = isObject(r['Properties']) ? r['Properties']['TemplateBody'] : undefined;
      texts.add(typeof body === 'string' ? normalized(body) : JSON.stringify(body));
    }
  }
  return new Set([...texts].map((t) => createHash('sha256').update(t).digest('hex'))).size;
}

console.log(
  JSON.stringify({
    loadMs: t1 - t0,
    synthMs: system.timings.synthMs - expandMs,
    expandMs,
    resolveMs: system.timings.resolveMs,
    replayMs: t3 - t2,
    validateMs: t4 - t3,
    outputMs: t5 - t4,
    outputBytes: json.length,
    stacks: assemblyStacks || system.stacks.length,
    modelledStacks: system.stacks.length,
    instances: organization?.stackSets.reduce((n, p) => n + p.instances.length, 0) ?? 0,
    accounts: organization?.accounts.length ?? 0,
    templates: distinctTemplates(),
    roles: result.roles.length,
    scenarios: result.summary.total,
    scenarioGaps: result.summary.gaps,
    checks: result.checkSummary.total,
    checkGaps: result.checkSummary.gaps,
    cfnErrors: findings.filter((f) => f.severity === 'error').length,
    // CPU time (user + system, every thread) of synth + verify: moves far less than wall time on a
    // shared machine.
    cpuMs: cpu5,
    // ... and of the CloudFormation validator alone (engine + templates; run on this thread here).
    validateCpuMs: cpu4 - cpu3,
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
