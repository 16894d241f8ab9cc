import { partitionOf, resolveTemplate, type ResolvedTemplate, type StackContext } from './resolve.js';
import { Unresolved } from './unresolved.js';

/**
 * Resolves several stacks together so that `Fn::ImportValue` sees the exports of the others.
 * Exports are scoped to partition/account/Region, as in CloudFormation. Stacks are resolved in
 * dependency order (producers first); stacks that import from each other in a loop get an
 * `Unresolved` ("circular") for those imports instead of a crash.
 *
 * CDK cross-Region references (`crossRegionReferences: true`) are also followed: a producer's
 * `Custom::CrossRegionExportWriter` writes SSM parameter names → values for a target Region, and a
 * consumer reads them with `Fn::GetAtt [<Custom::CrossRegionExportReader>, <parameter name>]`.
 */
export function resolveStacks(
  stacks: readonly { readonly template: unknown; readonly context: StackContext }[],
): ResolvedTemplate[] {
  const scopeOf = (c: StackContext, region = c.region) =>
    `${c.partition ?? partitionOf(region)}/${c.account}/${region}`;
  const key = (scope: string, name: string) => `${scope}\u0000${name}`;

  // Pass 0: each stack alone, to learn what it exports and imports.
  const first = stacks.map((s) => resolveTemplate(s.template, s.context));
  const producers = new Map<string, number>();
  const produced = (r: ResolvedTemplate, i: number): [string, unknown][] => {
    const ctx = (stacks[i] as { context: StackContext }).context;
    const out: [string, unknown][] = [...r.exports].map(([n, v]) => [key(scopeOf(ctx), n), v]);
    for (const res of r.resources.values()) {
      if (res.type !== 'Custom::CrossRegionExportWriter') continue;
      const wp = res.properties['WriterProps'];
      if (typeof wp !== 'object' || wp === null) continue;
      const target = (wp as Record<string, unknown>)['region'];
      const ex = (wp as Record<string, unknown>)['exports'];
      if (typeof target !== 'string' || typeof ex !== 'object' || ex === null) continue;
      for (const [n, v] of Object.entries(ex)) out.push([key(scopeOf(ctx, target), n), v]);
    }
    return out;
  };
  first.forEach((r, i) => {
    for (const [k] of produced(r, i)) if (!producers.has(k)) producers.set(k, i);
  });
  const wants = (r: ResolvedTemplate, i: number): string[] => {
    const ctx = (stacks[i] as { context: StackContext }).context;
    return r.importsUsed.map((n) => key(scopeOf(ctx), n));
  };
  const deps = first.map((r, i) => {
    const d = new Set<number>();
    for (const k of wants(r, i)) {
      const p = producers.get(k);
      if (p !== undefined && p !== i) d.add(p);
    }
    return d;
  });

  // Kahn's algorithm; what is left over sits on a cycle.
  const order: number[] = [];
  const done = new Set<number>();
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (let i = 0; i < stacks.length; i++) {
      if (done.has(i) || ![...(deps[i] as Set<number>)].every((d) => done.has(d))) continue;
      order.push(i);
      done.add(i);
      progressed = true;
    }
  }
  const cyclic = stacks.map((_, i) => i).filter((i) => !done.has(i));
  const cyclicNames = cyclic.map((i) => (stacks[i] as { context: StackContext }).context.stackName);

  const available = new Map<string, unknown>();
  const results: ResolvedTemplate[] = new Array<ResolvedTemplate>(stacks.length);
  const run = (i: number) => {
    const s = stacks[i] as { template: unknown; context: StackContext };
    const scope = scopeOf(s.context);
    const imports = new Map<string, unknown>(s.context.imports ?? []);
    for (const [k, v] of available)
      if (k.startsWith(`${scope}\u0000`)) imports.set(k.slice(scope.length + 1), v);
    if (cyclic.includes(i))
      for (const k of wants(first[i] as ResolvedTemplate, i)) {
        const p = producers.get(k);
        const name = k.slice(scope.length + 1);
        if (p !== undefined && cyclic.includes(p) && !imports.has(name))
          imports.set(
            name,
            new Unresolved(
              `circular Fn::ImportValue ${JSON.stringify(name)} between stacks ${cyclicNames.join(', ')}`,
              `Fn::ImportValue ${name}`,
            ),
          );
      }
    const r =
      (deps[i] as Set<number>).size === 0
        ? (first[i] as ResolvedTemplate)
        : resolveTemplate(s.template, { ...s.context, imports });
    results[i] = r;
    for (const [k, v] of produced(r, i)) if (!available.has(k)) available.set(k, v);
  };
  order.forEach(run);
  cyclic.forEach(run);
  return results;
}
