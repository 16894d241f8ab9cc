import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    out.push((m[1] ?? m[2]) as string);
  }
  return out;
}

const files = walk(src);
const area = (f: string) => relative(src, f).split(sep)[0] ?? '';

describe('module boundaries', () => {
  it('engines import nothing outside src/engines (no npm package, no node: module)', () => {
    const bad: string[] = [];
    for (const f of files.filter((f) => area(f) === 'engines')) {
      for (const spec of importsOf(f)) {
        if (!spec.startsWith('.')) bad.push(`${relative(root, f)} imports '${spec}'`);
        else if (!resolve(dirname(f), spec).startsWith(join(src, 'engines')))
          bad.push(`${relative(root, f)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('engines do not read the clock, the environment or randomness', () => {
    const bad = files
      .filter((f) => area(f) === 'engines')
      .filter((f) => /\bDate\.now\(|\bprocess\.|Math\.random\(|new Date\(\)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(bad).toEqual([]);
  });

  it('data flows one way: only cli imports cli; simulator/report/constructs/config never import cli', () => {
    const bad: string[] = [];
    for (const f of files.filter((f) => area(f) !== 'cli')) {
      for (const spec of importsOf(f).filter((s) => s.startsWith('.'))) {
        const target = resolve(dirname(f), spec);
        if (target.startsWith(join(src, 'cli') + sep)) bad.push(`${relative(root, f)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("nothing outside a private/ folder's parent imports from it, and no index re-exports it", () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const spec of importsOf(f).filter((s) => s.includes('/private/'))) {
        const target = resolve(dirname(f), spec);
        const privateParent = target.slice(0, target.indexOf(`${sep}private${sep}`));
        if (!f.startsWith(privateParent + sep) || f.endsWith(`${sep}index.ts`))
          bad.push(`${relative(root, f)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('index.ts files only re-export', () => {
    const bad = files
      .filter((f) => f.endsWith(`${sep}index.ts`))
      .filter((f) => {
        const code = readFileSync(f, 'utf8')
          .replace(/\/\/.*$/gm, '')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/export\s+(type\s+)?\{[^}]*\}(\s*from\s*['"][^'"]+['"])?;?/g, '')
          .trim();
        return code.length > 0;
      })
      .map((f) => relative(root, f));
    expect(bad).toEqual([]);
  });

  it('has no import cycle (type-only imports included)', () => {
    const graph = new Map<string, string[]>();
    for (const f of files) {
      const deps = importsOf(f)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolve(dirname(f), s).replace(/\.js$/, '.ts'))
        .filter((t) => graph.has(t) || files.includes(t));
      graph.set(f, deps);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open') {
          const loop = stack.slice(stack.indexOf(d)).concat(d);
          cycles.push(loop.map((x) => relative(src, x)).join(' → '));
        } else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
