import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, synthesizeConfig } from '../config/index.js';
import { isKnownRegion, unknownRegionMessage } from '../engines/regions.js';
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
  /** Set when no source flag was given: which source was picked and why (for stderr). */
  readonly picked?: string;
  /** Milliseconds spent synthesizing (config only), resolving templates and building the model. */
  readonly timings: { readonly synthMs: number; readonly resolveMs: number };
}

export interface SynthOptions {
  /**
   * Run aws-cdk-lib's synth-time template validation (it builds CloudFormation's validator engine,
   * a large share of synth). verify turns it off: it runs the same validator itself, once, on another
   * thread, and reports what it finds as gaps.
   * @default true
   */
  readonly cdkValidation?: boolean;
}

/** Synthesizes a config file into a temporary cloud assembly and reads its stacks. */
export function stacksFromConfig(file: string, opts: SynthOptions = {}): StackInput[] {
  const config = loadConfigFile(file);
  const out = mkdtempSync(join(tmpdir(), 'breakglass-synth-'));
  // aws-cdk-lib reads CDK_VALIDATION when the app synthesizes ("false" turns the built-in validation off).
  const saved = process.env['CDK_VALIDATION'];
  if (opts.cdkValidation === false) process.env['CDK_VALIDATION'] = 'false';
  try {
    synthesizeConfig(config, out);
    return loadCloudAssembly(out);
  } finally {
    if (saved === undefined) delete process.env['CDK_VALIDATION'];
    else process.env['CDK_VALIDATION'] = saved;
    rmSync(out, { recursive: true, force: true });
  }
}

/** Config file names looked for in the working folder when no source flag is given. */
export const CONFIG_FILE_NAMES = [
  'breakglass.config.yaml',
  'breakglass.config.yml',
  'breakglass.config.json',
];

/**
 * The source to read when no `--app` / `--config` / `--template` is given: `./cdk.out` when there is one
 * (the app the user just synthesized), else a `breakglass.config.*` of the folder, else the bundled
 * example.
 */
export function pickDefaultSource(cwd: string): {
  readonly app?: string;
  readonly config: string;
  readonly why: string;
} {
  const cdkOut = join(cwd, 'cdk.out');
  if (existsSync(cdkOut) && statSync(cdkOut).isDirectory()) {
    return {
      app: cdkOut,
      config: '',
      why: `no --app, --config or --template given: verifying the cloud assembly ${cdkOut}`,
    };
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = join(cwd, name);
    if (existsSync(file)) {
      return { config: file, why: `no --app, --config or --template given: verifying ${file}` };
    }
  }
  return {
    config: DEFAULT_CONFIG,
    why: `no --app, --config or --template given, and no cdk.out or ${CONFIG_FILE_NAMES[0]} here: verifying the bundled example ${DEFAULT_CONFIG}`,
  };
}

/**
 * Turns the stacks read into the stacks to model (verify/simulate across an organization: StackSet
 * instances); `config` is the config file read, when the source is one.
 */
export type ExpandStacks = (stacks: StackInput[], from: { readonly config?: string }) => StackInput[];

/** Reads `--config` / `--app` / `--template` (exactly one; none → `pickDefaultSource`). */
export function loadSystem(
  given0: SourceOptions,
  cwd: string,
  synth: SynthOptions = {},
  expand?: ExpandStacks,
): LoadedSystem {
  const given = [given0.config, given0.app, given0.template].filter((x) => x !== undefined);
  if (given.length > 1) throw new CliUsageError('--config, --app and --template: give only one of them');
  const picked = given.length === 0 ? pickDefaultSource(cwd) : undefined;
  const opts: SourceOptions = picked
    ? {
        ...given0,
        ...(picked.app !== undefined ? { app: picked.app } : { config: picked.config ?? DEFAULT_CONFIG }),
      }
    : given0;
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
    if (!isKnownRegion(opts.region))
      throw new CliUsageError(`--region: ${unknownRegionMessage(opts.region)}`);
    source = resolve(cwd, opts.template);
    stacks = [loadTemplateFile(source, opts.account, opts.region)];
  } else {
    source = opts.config !== undefined ? resolve(cwd, opts.config) : DEFAULT_CONFIG;
    stacks = stacksFromConfig(source, synth);
  }
  if (expand)
    stacks = expand(stacks, opts.app === undefined && opts.template === undefined ? { config: source } : {});
  const t1 = performance.now();
  const model = buildModel(stacks);
  const t2 = performance.now();
  return {
    source,
    stacks,
    model,
    ...(picked ? { picked: picked.why } : {}),
    timings: {
      synthMs: opts.app === undefined && opts.template === undefined ? t1 - t0 : 0,
      resolveMs: t2 - t1,
    },
  };
}

export { addSourceOptions, collect, type SourceOptions } from './source-options.js';
