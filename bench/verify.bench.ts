/**
 * `breakglass verify`, whole process, against the floor every CDK tool pays: a one-stack, one-resource
 * CDK app synthesized in a child process (Node start, aws-cdk-lib load, CDK's synth-time template
 * validation), measured in the same run. Two inputs: the bundled example (role + users, every Region)
 * and a single-role config watching every Region. Target: bundled example ≤ 1.5 × the floor.
 * Then the phases of verify measured in this process (where the time goes).
 *
 * Ratios, not absolute times, are the figures to read: the machine may be shared.
 * Run: npm run build && node --import tsx bench/verify.bench.ts [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// The shipped build (dist/, made by `npm run bench`), not the sources through tsx: what users run.
const built = async <T>(path: string): Promise<T> =>
  (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const work = mkdtempSync(join(tmpdir(), 'bg-verify-bench-'));

// The floor: one stack, one SNS topic, synthesized by aws-cdk-lib with its defaults (validation on).
const cdkLib = createRequire(join(root, 'package.json')).resolve('aws-cdk-lib');
const floorApp = join(work, 'floor.cjs');
writeFileSync(
  floorApp,
  `const cdk = require(${JSON.stringify(cdkLib)});
const app = new cdk.App({ outdir: ${JSON.stringify(join(work, 'floor.out'))}, analyticsReporting: false });
const stack = new cdk.Stack(app, 'Floor', { env: { account: '111122223333', region: 'eu-west-1' } });
new cdk.aws_sns.Topic(stack, 'Topic');
app.synth();
`,
);
const singleRole = join(work, 'single-role.yaml');
writeFileSync(
  singleRole,
  [
    "account: '111122223333'",
    'region: eu-west-1',
    'role:',
    '  usernames: [alice]',
    "  regions: ['*']",
    '  loginAlertEmails: [security@example.com]',
    '',
  ].join('\n'),
);
const bin = join(root, 'dist', 'cli', 'bin.js');
const example = join(root, 'examples', 'breakglass.config.yaml');

// CPU time (user + system, all threads) of each child too, through GNU time where there is one: on a
// shared machine it moves far less than wall time.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
function timed(args: string[]): { wall: number; cpu: number } {
  const cpuFile = join(work, 'cpu.txt');
  const t0 = performance.now();
  const r = gnuTime
    ? spawnSync(gnuTime, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args], {
        cwd: work,
        encoding: 'utf8',
      })
    : spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8' });
  const wall = performance.now() - t0;
  const verified = args[1] !== 'verify' || / scenarios in \d+ Regions/.test(r.stdout);
  if ((r.status !== 0 && r.status !== 1) || !verified)
    throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const cpu = gnuTime
    ? readFileSync(cpuFile, 'utf8')
        .trim()
        .split('\n')
        .pop()!
        .split(' ')
        .reduce((a, x) => a + Number(x) * 1000, 0)
    : NaN;
  return { wall, cpu };
}

const runs: Record<'floor' | 'bundled' | 'single', { wall: number; cpu: number }[]> = {
  floor: [],
  bundled: [],
  single: [],
};
for (let i = 0; i < rounds; i++) {
  runs.floor.push(timed([floorApp]));
  runs.bundled.push(timed([bin, 'verify', '--config', example]));
  runs.single.push(timed([bin, 'verify', '--config', singleRole]));
}
const wall = (k: keyof typeof runs) => median(runs[k].map((x) => x.wall));
const cpu = (k: keyof typeof runs) => median(runs[k].map((x) => x.cpu));
const f = wall('floor');
const b = wall('bundled');
const s = wall('single');
console.log(`verify bench (whole process), median of ${rounds}; wall time, and CPU time (all threads):`);
console.log(
  `  floor: one-stack, one-resource CDK app synth   ${f.toFixed(0)} ms   cpu ${cpu('floor').toFixed(0)} ms`,
);
console.log(
  `  verify, bundled example                        ${b.toFixed(0)} ms   ratio ${(b / f).toFixed(2)} (target ≤ 1.5: ${b / f <= 1.5 ? 'met' : 'NOT met'})   cpu ratio ${(cpu('bundled') / cpu('floor')).toFixed(2)}`,
);
console.log(
  `  verify, single role, every Region              ${s.toFixed(0)} ms   ratio ${(s / f).toFixed(2)}   cpu ratio ${(cpu('single') / cpu('floor')).toFixed(2)}`,
);
// Phases, in this process (main thread only; verify itself runs the CloudFormation check on a worker).
const t0 = performance.now();
const { ALL_REGIONS } = await built<typeof import('../src/engines/regions.js')>('engines/regions.js');
const sim = await built<typeof import('../src/simulator/index.js')>('simulator/index.js');
const { stacksFromConfig } = await built<typeof import('../src/cli/system.js')>('cli/system.js');
const t1 = performance.now();
const phase: Record<string, number[]> = { synth: [], resolve: [], replay: [], engine: [], validate: [] };
let stacks = 0;
let scenarios = 0;
for (let i = 0; i < rounds; i++) {
  const a = performance.now();
  const inputs = stacksFromConfig(example, { cdkValidation: false });
  const b2 = performance.now();
  const model = sim.buildModel(inputs);
  const c = performance.now();
  const result = sim.verifyModel(model, { regions: ALL_REGIONS });
  const d = performance.now();
  sim.validateTemplates([]);
  const e = performance.now();
  sim.validateTemplates(inputs.map((x) => ({ name: x.stackName, body: x.template, region: x.region })));
  const g = performance.now();
  phase['synth']!.push(b2 - a);
  phase['resolve']!.push(c - b2);
  phase['replay']!.push(d - c);
  phase['engine']!.push(e - d);
  phase['validate']!.push(g - e - (e - d));
  stacks = inputs.length;
  scenarios = result.summary.total;
}
// The validator's first engine in a fresh process (WebAssembly compile + rules): what verify's worker pays.
const validatorApp = join(work, 'validator.cjs');
writeFileSync(
  validatorApp,
  `const m = require(${JSON.stringify(sim.validatorModulePath())});\nnew m.CompositeEngine().free();\n`,
);
const nodeStart = median([0, 1, 2].map(() => timed(['-e', '0']).cpu));
const validatorFresh = median([0, 1, 2].map(() => timed([validatorApp]).cpu)) - nodeStart;
writeFileSync(
  join(work, 'no-validation.cjs'),
  `process.env.CDK_VALIDATION = 'false';\nrequire(${JSON.stringify(floorApp)});\n`,
);
const floorOnly = timed([join(work, 'no-validation.cjs')]).cpu;
console.log(
  `phases of verify on the bundled example (${stacks} stacks, ${scenarios} scenarios), median of ${rounds}:`,
);
console.log(`  load (aws-cdk-lib + breakglass modules, once)    ${(t1 - t0).toFixed(0)} ms`);
for (const [name, label] of [
  ['synth', 'synth, CDK validation off              '],
  ['resolve', 'resolve templates → model              '],
  ['replay', 'replay every way in × Region           '],
  ['engine', 'validator engine (2nd+ in a process)    '],
  ['validate', `validate ${stacks} templates (one engine)     `],
] as const) {
  console.log(`  ${label}  ${median(phase[name]!).toFixed(0)} ms`);
}
const synthMs = median(phase['synth']!);
const replayMs = median(phase['replay']!);
console.log(
  `  replay is ${((replayMs / synthMs) * 100).toFixed(1)}% of synth (target < 25%: ${replayMs / synthMs < 0.25 ? 'met' : 'NOT met'})`,
);
console.log(
  `  CloudFormation validator: first engine in a fresh process (verify's worker thread)  cpu ${validatorFresh.toFixed(0)} ms = ${((validatorFresh / cpu('floor')) * 100).toFixed(0)}% of the floor's CPU`,
);
console.log(
  `  verify's main thread ≲ cpu ${(cpu('bundled') - validatorFresh).toFixed(0)} ms = ${((cpu('bundled') - validatorFresh) / cpu('floor')).toFixed(2)} × the floor (all CPU but the validator engine): the wall-time bound on two free cores`,
);
console.log(
  `  floor without CDK's synth-time validation: cpu ${floorOnly.toFixed(0)} ms, i.e. that validation is ${(((cpu('floor') - floorOnly) / cpu('floor')) * 100).toFixed(0)}% of the floor's CPU`,
);
rmSync(work, { recursive: true, force: true });
