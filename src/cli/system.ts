import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, synthesizeConfig } from '../config/index.js';
import {
  buildModel,
  loadCloudAssembly,
  loadTemplateFile,
  type StackInput,
  type SystemModel,
} from '../simulator/index.js';
import type { SourceOptions } from './source-options.js';
import { CliUsageError } from './errors.js';

/** The package root (works from `src/cli` under tsx and from `dist/cli`). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CONFIG = join(PACKAGE_ROOT, 'examples', 'breakglass.config.yaml');

export interface LoadedSystem {
  readonly source: string;
  readonly stacks: readonly StackInput[];
  readonly model: SystemModel;
  /** Milliseconds spent synthesizing (config only), resolving templates and building the model. */
  readonly timings: { readonly synthMs: number; readonly resolveMs: number };
}

/** Synthesizes a config file into a temporary cloud assembly and reads its stacks. */
export function stacksFromConfig(file: string): StackInput[] {
  const config = loadConfigFile(file);
  const out = mkdtempSync(join(tmpdir(), 'breakglass-synth-'));
  try {
    synthesizeConfig(config, out);
    return loadCloudAssembly(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Reads `--config` / `--app` / `--template` (exactly one; none → the bundled example config). */
export function loadSystem(opts: SourceOptions, cwd: string): LoadedSystem {
  const given = [opts.config, opts.app, opts.template].filter((x) => x !== undefined);
  if (given.length > 1) throw new CliUsageError('--config, --app and --template: give only one of them');
  const t0 = performance.now();
  let stacks: StackInput[];
  let source: string;
  if (opts.app !== undefined) {
    source = resolve(cwd, opts.app);
    stacks = loadCloudAssembly(source);
  } else if (opts.template !== undefined) {
    if (!opts.account || !/^\d{12}$/.test(opts.account)) {
      throw new CliUsageError(
        `--account: a 12-digit account id is required with --template (got ${JSON.stringify(opts.account ?? '')})`,
      );
    }
    if (!opts.region) throw new CliUsageError('--region: required with --template (e.g. --region eu-west-1)');
    source = resolve(cwd, opts.template);
    stacks = [loadTemplateFile(source, opts.account, opts.region)];
  } else {
    source = opts.config !== undefined ? resolve(cwd, opts.config) : DEFAULT_CONFIG;
    stacks = stacksFromConfig(source);
  }
  const t1 = performance.now();
  const model = buildModel(stacks);
  const t2 = performance.now();
  return {
    source,
    stacks,
    model,
    timings: {
      synthMs: opts.app === undefined && opts.template === undefined ? t1 - t0 : 0,
      resolveMs: t2 - t1,
    },
  };
}

export { addSourceOptions, collect, type SourceOptions } from './source-options.js';
