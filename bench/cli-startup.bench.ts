/**
 * CLI start-up: `breakglass --help` and `breakglass <verb> --help` of every verb, against `node -e 0`
 * measured in the same run. Target: each under 0.3 s (the registry imports only the verb it runs, and a
 * command module imports aws-cdk-lib, DuckDB or the AWS SDK only inside its action).
 * Run: npm run build && node --import tsx bench/cli-startup.bench.ts [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The shipped build (dist/, made by `npm run bench`): what users run.
const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const { COMMANDS } = (await import(
  new URL('../dist/cli/commands/registry.js', import.meta.url).href
)) as typeof import('../src/cli/commands/registry.js');

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function time(args: string[]): number {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    ms.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  }
  return median(ms);
}

const base = time(['-e', '0']);
console.log(`node -e 0 (baseline)            ${base.toFixed(0).padStart(5)} ms`);
const rows: [string, string[]][] = [
  ['breakglass --help', ['--help']],
  ...COMMANDS.map((c): [string, string[]] => [`breakglass ${c.name} --help`, [c.name, '--help']]),
];
let over = 0;
for (const [label, args] of rows) {
  const t = time([bin, ...args]);
  if (t > 300) over++;
  console.log(
    `${label.padEnd(32)} ${t.toFixed(0).padStart(5)} ms  ${(t / base).toFixed(2)}× baseline  +${(t - base).toFixed(0)} ms${t > 300 ? '  (over 0.3 s)' : ''}`,
  );
}
console.log(`${rows.length - over}/${rows.length} under 0.3 s (median of ${rounds})`);
