/**
 * The packed package (`npm pack`) in two consumer apps, offline: a stock `cdk init app --language
 * typescript` shape (CommonJS, `tsc`, `require('breakglass')`) and an ESM app (`import`). Both synthesize,
 * and `breakglass verify --app` of the packed CLI passes on the result.
 *
 * Installing: the tarball is unpacked into each app's node_modules/breakglass, and what npm would add
 * next to it — the manifest's `dependencies` and required peers — is linked from this repository's
 * node_modules (no registry: CI is offline after `npm ci`). The construct-only install size is measured
 * on the same closure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const REPO_MODULES = join(REPO, 'node_modules');
/** Packages a construct-only consumer must not get (the report's and the AWS verbs' dependencies). */
const HEAVY = /^(@duckdb\/|@aws-sdk\/|@cloud-copilot\/iam-data$|cdk-nag$)/;

interface Manifest {
  name: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Bytes of the files under `path` (symlinks not followed). */
function sizeOf(path: string): number {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

/** Where `name` resolves from a package in `fromDir` (nested node_modules first, then hoisted). */
function resolvePackageDir(name: string, fromDir: string): string {
  for (let d = fromDir; d.startsWith(REPO_MODULES); d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  const hoisted = join(REPO_MODULES, name);
  if (!existsSync(join(hoisted, 'package.json'))) throw new Error(`${name} is not in ${REPO_MODULES}`);
  return hoisted;
}

/** The packages npm installs for `manifest`'s `dependencies` (+ `optionalDependencies`), transitively. */
function dependencyClosure(manifest: Manifest): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (deps: Record<string, string> | undefined, fromDir: string) => {
    for (const name of Object.keys(deps ?? {})) {
      const dir = resolvePackageDir(name, fromDir);
      if (found.has(dir)) continue;
      found.set(dir, name);
      const m = readManifest(dir);
      visit({ ...m.dependencies, ...m.optionalDependencies }, dir);
    }
  };
  visit({ ...manifest.dependencies, ...manifest.optionalDependencies }, REPO_MODULES);
  return found;
}

let work: string;
let packageDir: string;
let manifest: Manifest;

/** A consumer app directory with the packed breakglass installed and its dependencies linked. */
function makeApp(name: string, files: Record<string, string>, extraLinks: string[] = []): string {
  const app = join(work, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(app, file)), { recursive: true });
    writeFileSync(join(app, file), text);
  }
  const modules = join(app, 'node_modules');
  mkdirSync(modules, { recursive: true });
  cpSync(packageDir, join(modules, 'breakglass'), { recursive: true });
  const required = Object.keys(manifest.peerDependencies ?? {}).filter(
    (p) => !manifest.peerDependenciesMeta?.[p]?.optional,
  );
  for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...required, ...extraLinks]) {
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(join(REPO_MODULES, dep), join(modules, dep), 'dir');
  }
  return app;
}

function node(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The packed CLI of an app. */
const cli = (app: string) => join(app, 'node_modules', 'breakglass', manifest.bin!['breakglass']!);

const STACK_PROPS = `{ env: { account: '111122223333', region: 'eu-west-1' } }`;
const ROLE_PROPS = `{
  usernames: ['alice'],
  loginAlertEmails: ['security@example.com'],
  regions: ['eu-west-1', 'us-east-1'],
}`;

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'cjs', 'index.js')) || !existsSync(join(REPO, 'dist', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  work = mkdtempSync(join(tmpdir(), 'breakglass-pkg-'));
  // --ignore-scripts: pack the build `npm test` just made, without rebuilding the shared dist/.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string }[];
  execFileSync('tar', ['-xzf', join(work, packed[0]!.filename), '-C', work]);
  packageDir = join(work, 'package');
  manifest = readManifest(packageDir);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships a LICENSE, no source maps, and no install-time build script', () => {
    expect(existsSync(join(packageDir, 'LICENSE'))).toBe(true);
    const files: string[] = [];
    const walk = (d: string) =>
      readdirSync(d, { withFileTypes: true }).forEach((e) =>
        e.isDirectory() ? walk(join(d, e.name)) : files.push(join(d, e.name)),
      );
    walk(join(packageDir, 'dist'));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => readFileSync(f, 'utf8').includes('sourceMappingURL'))).toEqual([]);
    const scripts = (readManifest(packageDir) as { scripts?: Record<string, string> }).scripts ?? {};
    expect(Object.keys(scripts)).not.toContain('prepare');
    expect(Object.keys(scripts)).not.toContain('postinstall');
  });

  it('installs light for a construct-only app: no DuckDB, AWS SDK or iam-data, ≤ 10 MB besides aws-cdk-lib and constructs', () => {
    for (const heavy of Object.keys(manifest.peerDependencies ?? {}).filter((p) => HEAVY.test(p)))
      expect(manifest.peerDependenciesMeta?.[heavy]?.optional, heavy).toBe(true);
    const closure = dependencyClosure(manifest);
    const names = [...closure.values()];
    expect(names.filter((n) => HEAVY.test(n))).toEqual([]);
    const own = sizeOf(packageDir);
    const deps = [...closure.keys()].reduce((n, dir) => n + sizeOf(dir), 0);
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    console.log(
      `construct-only install (besides aws-cdk-lib, constructs): ${mb(own + deps)} MB — breakglass ${mb(own)} MB + ${names.length} dependencies ${mb(deps)} MB (${names.sort().join(', ')})`,
    );
    expect(own + deps).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  it('loads with require() in a stock `cdk init` (CommonJS TypeScript) app, synthesizes, and passes verify --app', () => {
    const app = makeApp(
      'cdk-app',
      {
        'package.json': JSON.stringify({
          name: 'cdk-app',
          version: '0.1.0',
          bin: { 'cdk-app': 'bin/cdk-app.js' },
        }),
        // The tsconfig `cdk init app --language typescript` writes (CommonJS, no skipLibCheck).
        'tsconfig.json': JSON.stringify({
          compilerOptions: {
            target: 'ES2020',
            module: 'commonjs',
            lib: ['es2020', 'dom'],
            declaration: true,
            strict: true,
            noImplicitAny: true,
            strictNullChecks: true,
            noImplicitThis: true,
            alwaysStrict: true,
            noImplicitReturns: true,
            inlineSourceMap: true,
            inlineSources: true,
            experimentalDecorators: true,
            strictPropertyInitialization: false,
            typeRoots: ['./node_modules/@types'],
          },
          exclude: ['node_modules', 'cdk.out'],
        }),
        'bin/cdk-app.ts': `#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { CdkAppStack } from '../lib/cdk-app-stack';

const app = new cdk.App();
new CdkAppStack(app, 'CdkAppStack', ${STACK_PROPS});
`,
        'lib/cdk-app-stack.ts': `import * as cdk from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BreakGlassRole } from 'breakglass';
import { BreakGlassMonitoring } from 'breakglass/constructs';

export class CdkAppStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const bg = new BreakGlassRole(this, 'BreakGlass', ${ROLE_PROPS});
    if (!(bg.monitoring instanceof BreakGlassMonitoring)) throw new Error('two copies of the constructs');
  }
}
`,
      },
      ['@types/node'],
    );
    const tsc = node([join(REPO_MODULES, 'typescript', 'bin', 'tsc'), '-p', '.'], app);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    const synth = node(['bin/cdk-app.js'], app, { CDK_OUTDIR: join(app, 'cdk.out') });
    expect(synth.stderr).toBe('');
    expect(synth.code).toBe(0);
    const verify = node([cli(app), 'verify', '--app', 'cdk.out', '--regions', 'eu-west-1,us-east-1'], app);
    expect(verify.stdout).toMatch(/ 0 gap\(s\)/);
    expect(verify.code).toBe(0);
  }, 300_000);

  it('loads with import in an ESM app, synthesizes, and passes verify --app', () => {
    const app = makeApp('esm-app', {
      'package.json': JSON.stringify({ name: 'esm-app', version: '0.1.0', type: 'module' }),
      'app.js': `import { App, Stack } from 'aws-cdk-lib';
import { BreakGlassRole } from 'breakglass';
import * as constructs from 'breakglass/constructs';

if (constructs.BreakGlassRole !== BreakGlassRole) throw new Error('two copies of BreakGlassRole');
const app = new App();
const stack = new Stack(app, 'CdkAppStack', ${STACK_PROPS});
new BreakGlassRole(stack, 'BreakGlass', ${ROLE_PROPS});
`,
    });
    const synth = node(['app.js'], app, { CDK_OUTDIR: join(app, 'cdk.out') });
    expect(synth.stderr).toBe('');
    expect(synth.code).toBe(0);
    const verify = node([cli(app), 'verify', '--app', 'cdk.out', '--regions', 'eu-west-1,us-east-1'], app);
    expect(verify.stdout).toMatch(/ 0 gap\(s\)/);
    expect(verify.code).toBe(0);
  }, 300_000);

  it('synthesizes the same template from the CommonJS and the ESM build', () => {
    const template = (dir: string) =>
      readFileSync(join(work, dir, 'cdk.out', 'CdkAppStack.template.json'), 'utf8');
    expect(template('esm-app')).toBe(template('cdk-app'));
  });

  it('runs the CLI in a construct-only install: --help works, report names the dependency to install (exit 2)', () => {
    const app = makeApp('cli-only', {
      'package.json': JSON.stringify({ name: 'cli-only', version: '0.1.0' }),
    });
    mkdirSync(join(app, 'trail'));
    expect(node([cli(app), 'report', '--help'], app).code).toBe(0);
    const r = node([cli(app), 'report', '--trail', 'trail', '--role-arn', 'BreakGlass', '--out', 'out'], app);
    expect(r.stderr.trim()).toMatch(
      /^error: this command needs (@duckdb\/node-api|@cloud-copilot\/iam-data|@aws-sdk\/client-\w+), which is not installed .*npm install --save-dev '/,
    );
    expect(r.code).toBe(2);
  });
});
