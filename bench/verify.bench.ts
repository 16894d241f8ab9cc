/**
 * verify's time split on the bundled 17+-Region example: synth (config → cloud assembly) vs resolve
 * (templates → model) vs replay (every scenario through the model). Target: replay < 25% of synth.
 * Run: npm run build && node --import tsx bench/verify.bench.ts [--rounds N]
 */
// The shipped build (dist/, made by `npm run bench`), not the sources through tsx: what users run.
const built = async <T>(path: string): Promise<T> =>
  (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;
const { ALL_REGIONS } = await built<typeof import('../src/engines/regions.js')>('engines/regions.js');
const { buildModel, verifyModel } =
  await built<typeof import('../src/simulator/index.js')>('simulator/index.js');
const { DEFAULT_CONFIG, stacksFromConfig } =
  await built<typeof import('../src/cli/system.js')>('cli/system.js');

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const synth: number[] = [];
const resolve: number[] = [];
const replay: number[] = [];
let scenarios = 0;
let stacks = 0;
for (let i = 0; i < rounds; i++) {
  const t0 = performance.now();
  const inputs = stacksFromConfig(DEFAULT_CONFIG);
  const t1 = performance.now();
  const model = buildModel(inputs);
  const t2 = performance.now();
  const result = verifyModel(model, { regions: ALL_REGIONS });
  const t3 = performance.now();
  synth.push(t1 - t0);
  resolve.push(t2 - t1);
  replay.push(t3 - t2);
  scenarios = result.summary.total;
  stacks = inputs.length;
}
const s = median(synth);
const r = median(resolve);
const p = median(replay);
console.log(
  `verify bench: ${stacks} stacks, ${scenarios} scenarios, ${ALL_REGIONS.length} Regions, median of ${rounds}`,
);
console.log(`  synth    ${s.toFixed(0)} ms`);
console.log(`  resolve  ${r.toFixed(0)} ms   (${((r / s) * 100).toFixed(1)}% of synth)`);
console.log(
  `  replay   ${p.toFixed(0)} ms   (${((p / s) * 100).toFixed(1)}% of synth; target < 25%: ${p / s < 0.25 ? 'met' : 'NOT met'})`,
);
