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
const { loadSystem } = await load<typeof import('../src/cli/system.js')>('cli/system');
const t1 = performance.now();

// loadSystem: config → cloud assembly (temp dir, removed) → stacks → model; CDK's own synth-time
// validation off, as verify has it (it runs the same validator itself).
const system = loadSystem({ config: file }, process.cwd(), { cdkValidation: false });
const t2 = performance.now();
const result = sim.verifyModel(system.model, { regions: ALL_REGIONS });
const t3 = performance.now();
const findings = sim.validateTemplates(
  system.stacks.map((s) => ({ name: s.stackName, body: s.template, account: s.account, region: s.region })),
);
const t4 = performance.now();

/** Templates of the stacks, and the member templates StackSets carry (TemplateBody). */
function templateBodies(): string[] {
  const bodies: string[] = [];
  for (const s of system.stacks) {
    bodies.push(JSON.stringify(s.template));
    const resources =
      isObject(s.template) && isObject(s.template['Resources']) ? s.template['Resources'] : {};
    for (const r of Object.values(resources)) {
      if (!isObject(r) || r['Type'] !== 'AWS::CloudFormation::StackSet') continue;
      const body = isObject(r['Properties']) ? r['Properties']['TemplateBody'] : undefined;
      bodies.push(typeof body === 'string' ? body : JSON.stringify(body));
    }
  }
  return bodies;
}
const bodies = templateBodies();
const distinct = new Set(bodies.map((b) => createHash('sha256').update(b).digest('hex'))).size;

console.log(
  JSON.stringify({
    loadMs: t1 - t0,
    synthMs: system.timings.synthMs,
    resolveMs: system.timings.resolveMs,
    replayMs: t3 - t2,
    validateMs: t4 - t3,
    stacks: system.stacks.length,
    templates: distinct,
    stackSetTemplates: bodies.length - system.stacks.length,
    roles: result.roles.length,
    scenarios: result.summary.total,
    scenarioGaps: result.summary.gaps,
    checks: result.checkSummary.total,
    checkGaps: result.checkSummary.gaps,
    cfnErrors: findings.filter((f) => f.severity === 'error').length,
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
