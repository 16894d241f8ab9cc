import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TemplateError,
  isUnresolved,
  resolveTemplate,
  type ResolvedTemplate,
  type StackContext,
} from '../../../src/engines/cfn/index.js';

interface Expected {
  refs?: Record<string, unknown>;
  arns?: Record<string, unknown>;
  /** `"LogicalId.Attribute"` → value. */
  getAtt?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  exports?: Record<string, unknown>;
  conditions?: Record<string, boolean>;
  present?: string[];
  absent?: string[];
  properties?: Record<string, unknown>;
  /** Exactly these, in order: reason is a substring, path is exact. */
  unresolved?: { reason: string; path: string }[];
  parametersUnresolved?: string[];
  importsUsed?: string[];
  refUnresolved?: string[];
}
interface Fixture {
  name: string;
  template: unknown;
  context?: Omit<StackContext, 'imports'> & { imports?: Record<string, unknown> };
  expected: Expected;
}
interface ErrorFixture {
  name: string;
  template: unknown;
  expected: string;
}

const load = <T>(name: string): T[] =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as T[];

const DEFAULT_CONTEXT: StackContext = {
  stackName: 'BreakGlass',
  account: '111122223333',
  region: 'us-east-1',
};

/** `{"$match": "re"}` in expected values means "a string matching re". */
function matcher(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(matcher);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (typeof o['$match'] === 'string' && Object.keys(o).length === 1)
      return expect.stringMatching(o['$match']);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, matcher(x)]));
  }
  return v;
}

function check(r: ResolvedTemplate, e: Expected) {
  const res = (id: string) => {
    const x = r.resources.get(id);
    expect(x, `resource ${id}`).toBeDefined();
    return x as NonNullable<typeof x>;
  };
  for (const [id, v] of Object.entries(e.refs ?? {})) expect(res(id).ref, `Ref ${id}`).toEqual(matcher(v));
  for (const [id, v] of Object.entries(e.arns ?? {})) expect(res(id).arn, `arn of ${id}`).toEqual(matcher(v));
  for (const [k, v] of Object.entries(e.getAtt ?? {})) {
    const [id, attr] = k.split('.') as [string, string];
    expect(res(id).attributes[attr], `GetAtt ${k}`).toEqual(matcher(v));
  }
  for (const [id, v] of Object.entries(e.properties ?? {})) expect(res(id).properties).toEqual(matcher(v));
  if (e.outputs) expect(r.outputs).toEqual(matcher(e.outputs));
  if (e.exports) expect(Object.fromEntries(r.exports)).toEqual(matcher(e.exports));
  if (e.conditions) expect(r.conditions).toEqual(e.conditions);
  for (const id of e.present ?? []) expect(r.resources.has(id), `${id} present`).toBe(true);
  for (const id of e.absent ?? []) expect(r.resources.has(id), `${id} absent`).toBe(false);
  if (e.unresolved)
    expect(r.unresolved.map((u) => ({ reason: u.reason, path: u.path }))).toEqual(
      e.unresolved.map((u) => ({ reason: expect.stringContaining(u.reason), path: u.path })),
    );
  for (const p of e.parametersUnresolved ?? [])
    expect(isUnresolved(r.parameters[p]), `parameter ${p}`).toBe(true);
  if (e.importsUsed) expect(r.importsUsed).toEqual(e.importsUsed);
  for (const id of e.refUnresolved ?? [])
    expect(isUnresolved(res(id).ref), `Ref ${id} unresolved`).toBe(true);
}

describe('resolveTemplate (fixtures/resolve.json)', () => {
  it.each(load<Fixture>('resolve.json').map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const ctx: StackContext = f.context
      ? { ...f.context, imports: new Map(Object.entries(f.context.imports ?? {})) }
      : DEFAULT_CONTEXT;
    check(resolveTemplate(f.template, ctx), f.expected);
  });
});

describe('resolveTemplate on malformed templates (fixtures/errors.json)', () => {
  it.each(load<ErrorFixture>('errors.json').map((f) => [f.name, f] as const))('%s', (_name, f) => {
    let caught: unknown;
    try {
      resolveTemplate(f.template, DEFAULT_CONTEXT);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    expect((caught as TemplateError).message).toContain(f.expected);
  });
});
