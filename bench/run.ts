/**
 * `npm run bench`: every benchmark, each in its own process, printing ratios against baselines measured
 * in the same run. Nothing here is asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const benches: { file: string; args: string[] }[] = [
  { file: 'cli-startup.bench.ts', args: [] },
  { file: 'patterns.bench.ts', args: [] },
  { file: 'verify.bench.ts', args: [] },
  { file: 'report.bench.ts', args: process.argv.slice(2) },
  { file: 'organization.bench.ts', args: [] },
];
let failed = 0;
for (const b of benches) {
  const path = join(here, b.file);
  if (!existsSync(path)) continue;
  console.log(`\n=== ${b.file}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path, ...b.args], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
