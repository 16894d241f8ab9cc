/**
 * Organization scale: synth + verify of generated organizations of 1, 10, 50 and 200 member accounts ×
 * the 17 Regions enabled by default, each size in its own process (fresh heap), against the 1-account
 * organization measured in the same run. Targets: 200 accounts ≤ 3 × the 1-account time (synth + verify)
 * and ≤ 2 × its peak memory (RSS): verify exploits that the member stacks are instances of one template.
 *
 * Ratios, not absolute times, are the figures to read: the machine may be shared.
 * Run: npm run build && node --import tsx bench/organization.bench.ts
 *        [--rounds K] [--accounts 1,10,50,200] [--shape organization|member-accounts] [--from dist|src]
 *        [--cpu-prof DIR] [--cli]
 * --cli also times `breakglass verify --config <generated> --json` as a whole process (wall, peak RSS).
 * --shape member-accounts measures the older path (one role stack per account and Region) for comparison.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigShape, organizationBenchConfig } from './organization-config.js';

const TIME_TARGET = 3;
const MEMORY_TARGET = 2;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const sizes = (flag('--accounts') ?? '1,10,50,200').split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`--accounts: whole numbers ≥ 1, comma-separated (got ${flag('--accounts')})`);
if (!sizes.includes(1)) sizes.unshift(1); // the baseline
const shape = (flag('--shape') ?? 'organization') as ConfigShape;
if (shape !== 'organization' && shape !== 'member-accounts')
  throw new Error(`--shape: organization or member-accounts (got ${shape})`);
const from = flag('--from') ?? 'dist';
// --cpu-prof DIR: a V8 CPU profile of every measuring process in DIR (open it in Chrome DevTools).
const profileDir = flag('--cpu-prof');
const roundsFlag = flag('--rounds');
// Best of 3 (best of 2 from 200 accounts up, where one run takes long) unless --rounds is given.
const roundsFor = (n: number) => (roundsFlag !== undefined ? Number(roundsFlag) : n >= 200 ? 2 : 3);

/** What organization-child.ts prints. */
interface Measure {
  loadMs: number;
  synthMs: number;
  expandMs: number;
  resolveMs: number;
  replayMs: number;
  validateMs: number;
  outputMs: number;
  outputBytes: number;
  stacks: number;
  modelledStacks: number;
  instances: number;
  accounts: number;
  templates: number;
  roles: number;
  scenarios: number;
  scenarioGaps: number;
  checks: number;
  checkGaps: number;
  cfnErrors: number;
  cpuMs: number;
  validateCpuMs: number;
  maxRssKiB: number;
}
interface Row {
  accounts: number;
  regions: number;
  best: Measure;
  total: number;
  peakMiB: number;
  processMs: number;
  /** `breakglass verify --config … --json` as a whole process (--cli): wall ms, peak RSS MiB, exit code. */
  cli?: { ms: number; peakMiB: number; exit: number };
}

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'bg-org-bench-'));
const child = join(import.meta.dirname, 'organization-child.ts');
/** verify: StackSets expanded, templates resolved, every way in replayed + the checks, the validator, the output. */
const verifyMs = (m: Measure) => m.expandMs + m.resolveMs + m.replayMs + m.validateMs + m.outputMs;
const withCli = process.argv.includes('--cli');

/** The CLI itself, once: wall time and peak RSS through GNU time (`%e %M`: seconds, KiB). */
function cliRun(file: string): { ms: number; peakMiB: number; exit: number } {
  const stats = join(work, 'time.txt');
  const bin =
    from === 'src'
      ? ['--import', 'tsx', join(root, 'src', 'cli', 'bin.ts')]
      : [join(root, 'dist', 'cli', 'bin.js')];
  const args = ['verify', '--config', file, '--json'];
  const r = existsSync('/usr/bin/time')
    ? spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', stats, process.execPath, ...bin, ...args], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      })
    : undefined;
  if (r === undefined) return { ms: NaN, peakMiB: NaN, exit: NaN };
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`breakglass ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  JSON.parse(r.stdout); // a whole result, not an error
  const [sec, kib] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { ms: sec! * 1000, peakMiB: kib! / 1024, exit: r.status };
}

function measure(n: number): Row {
  const config = organizationBenchConfig({ accounts: n, shape });
  const file = join(work, `org-${n}.json`);
  writeFileSync(file, JSON.stringify(config, null, 1));
  const runs: { m: Measure; processMs: number }[] = [];
  for (let i = 0; i < roundsFor(n); i++) {
    const t0 = performance.now();
    const prof = profileDir
      ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `org-${n}-${i}.cpuprofile`]
      : [];
    const r = spawnSync(process.execPath, [...prof, '--import', 'tsx', child, file, '--from', from], {
      cwd: root, // where tsx resolves
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const processMs = performance.now() - t0;
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{'))
      throw new Error(`${n} accounts: the measuring process exited ${r.status}\n${r.stderr.slice(-4000)}`);
    runs.push({ m: JSON.parse(line) as Measure, processMs });
  }
  // Best of the rounds: the least time (the one least slowed by other work) and the least peak RSS.
  const best = runs.reduce((a, b) => (a.m.synthMs + verifyMs(a.m) <= b.m.synthMs + verifyMs(b.m) ? a : b));
  const regions = (
    shape === 'organization'
      ? (config['organization'] as { regions: string[] }).regions
      : (config['role'] as { regions: string[] }).regions
  ).length;
  // Measuring something else than an organization of n accounts would be silent: fail instead.
  if (shape === 'organization' && best.m.instances !== n * regions)
    throw new Error(
      `${n} accounts: verify modelled ${best.m.instances} StackSet instance(s), expected ${n} × ${regions} Regions`,
    );
  return {
    accounts: n,
    regions,
    best: best.m,
    total: best.m.synthMs + verifyMs(best.m),
    peakMiB: Math.min(...runs.map((r) => r.m.maxRssKiB)) / 1024,
    processMs: Math.min(...runs.map((r) => r.processMs)),
    ...(withCli ? { cli: cliRun(file) } : {}),
  };
}

const rows: Row[] = [];
try {
  for (const n of sizes) {
    rows.push(measure(n));
    process.stderr.write(`  measured ${n} account(s)\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const base = rows.find((r) => r.accounts === 1)!;
const s = (ms: number) => (ms / 1000).toFixed(2);
const label =
  shape === 'organization'
    ? 'one StackSet (member template × accounts × Regions)'
    : 'memberAccounts: one role stack per account (older path, for comparison)';

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(line(header));
  for (const row of body) console.log(line(row));
}
const verdict = (tr: number, mr: number) =>
  tr <= TIME_TARGET && mr <= MEMORY_TARGET
    ? 'yes'
    : `no${tr > TIME_TARGET ? ' (time)' : ''}${mr > MEMORY_TARGET ? ' (memory)' : ''}`;

console.log(
  `organization scale bench, ${label}; ${base.regions} Regions; best of ${[...new Set(sizes.map(roundsFor))].join('/')} per size, each in a fresh process; from ${from}/`,
);
printTable(
  [
    'accounts',
    'stacks',
    'instances',
    'templates',
    'synth s',
    'verify s',
    'total s',
    'peak MiB',
    'time ×1',
    'cpu ×1',
    'memory ×1',
    `target (≤ ${TIME_TARGET}× / ≤ ${MEMORY_TARGET}×)`,
  ],
  rows.map((r) => {
    const tr = r.total / base.total;
    const mr = r.peakMiB / base.peakMiB;
    const cr = r.best.cpuMs / base.best.cpuMs;
    return [
      String(r.accounts),
      String(r.best.stacks),
      shape === 'organization' ? String(r.best.instances) : '-',
      String(r.best.templates),
      s(r.best.synthMs),
      s(verifyMs(r.best)),
      s(r.total),
      r.peakMiB.toFixed(0),
      tr.toFixed(2),
      cr.toFixed(2),
      mr.toFixed(2),
      verdict(tr, mr),
    ];
  }),
);
console.log(
  '  stacks: in the cloud assembly; instances: StackSet stack instances (accounts × Regions); templates: distinct (stacks + StackSet member templates)',
);
console.log(
  '  total = synth + verify in the measuring process, one after the other (Node start and module load apart, below); cpu: its CPU time (user + system, all threads), steadier than wall time on a shared machine; peak = maxRSS of that process; target judged on wall time and peak',
);

console.log('where the time goes (ms), same runs:');
printTable(
  [
    'accounts',
    'node+load',
    'synth',
    'expand',
    'resolve',
    'replay+checks',
    'cfn validate',
    'output',
    'modelled',
    'scenarios',
    'checks',
    'gaps',
    'cpu s',
    'validator cpu s',
    'time ×1 w/o validator',
    'cpu ×1 w/o validator',
  ],
  rows.map((r) => {
    const rest = (x: Row) => x.total - x.best.validateMs;
    const restCpu = (x: Row) => x.best.cpuMs - x.best.validateCpuMs;
    return [
      String(r.accounts),
      String(Math.round(r.processMs - r.total)),
      String(Math.round(r.best.synthMs)),
      String(Math.round(r.best.expandMs)),
      String(Math.round(r.best.resolveMs)),
      String(Math.round(r.best.replayMs)),
      String(Math.round(r.best.validateMs)),
      String(Math.round(r.best.outputMs)),
      String(r.best.modelledStacks),
      String(r.best.scenarios),
      String(r.best.checks),
      String(r.best.scenarioGaps + r.best.checkGaps + r.best.cfnErrors),
      s(r.best.cpuMs),
      s(r.best.validateCpuMs),
      (rest(r) / rest(base)).toFixed(2),
      (restCpu(r) / restCpu(base)).toFixed(2),
    ];
  }),
);
console.log(
  "  w/o validator: without CloudFormation's validator, whose cost does not depend on the accounts; expand: StackSets → member stacks (one representative account per distinct template); output: the per-account view and the --json text; modelled: stacks resolved and replayed; cfn validate: CloudFormation's validator (engine + every modelled template; verify runs it on a worker thread meanwhile)",
);
const last = rows[rows.length - 1]!;
if (last !== base) {
  const per = (x: number, y: number) => ((x - y) / (last.accounts - base.accounts)).toFixed(1);
  console.log(
    `  each account more: +${per(last.best.cpuMs, base.best.cpuMs)} ms CPU, +${per(last.total, base.total)} ms wall (synth +${per(last.best.synthMs, base.best.synthMs)}, replay+checks +${per(last.best.replayMs, base.best.replayMs)}, expand+output +${per(last.best.expandMs + last.best.outputMs, base.best.expandMs + base.best.outputMs)}), +${per(last.peakMiB, base.peakMiB)} MiB`,
  );
}
const gapped = rows.filter((r) => r.best.scenarioGaps + r.best.checkGaps + r.best.cfnErrors > 0);
if (gapped.length > 0)
  console.log(
    `  note: verify found gaps in the generated organization (${gapped.map((r) => `${r.accounts}: ${r.best.scenarioGaps} scenario(s), ${r.best.checkGaps} check(s), ${r.best.cfnErrors} validator error(s)`).join('; ')}); the times are still those of a full verify`,
  );
if (withCli) {
  const b = base.cli!;
  console.log('breakglass verify --config <generated> --json, whole process (one run per size):');
  printTable(
    ['accounts', 'wall s', 'peak MiB', 'time ×1', 'memory ×1', 'exit', 'target'],
    rows.map((r) => {
      const c = r.cli!;
      return [
        String(r.accounts),
        s(c.ms),
        c.peakMiB.toFixed(0),
        (c.ms / b.ms).toFixed(2),
        (c.peakMiB / b.peakMiB).toFixed(2),
        String(c.exit),
        verdict(c.ms / b.ms, c.peakMiB / b.peakMiB),
      ];
    }),
  );
}
