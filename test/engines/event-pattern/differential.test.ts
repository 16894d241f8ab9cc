import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCloudTrailRecord, sourceOf, toEventBridgeEvent } from '../../../src/engines/cloudtrail/record.js';
import { compilePattern } from '../../../src/engines/event-pattern/index.js';

/**
 * Brute-force oracle for array-consistent matching, written from event-ruler's definition
 * ("refuse to recognize any match in which any two fields are within JSON objects that are in
 * different elements of the same array"): flatten the event into (path, value, [array id, index]…)
 * leaves, then try every combination of one leaf per pattern field.
 */
type Leaf = { path: string; value: unknown; members: [number, number][] };

function flatten(
  v: unknown,
  path: string,
  members: [number, number][],
  out: Leaf[],
  ids: { n: number },
): void {
  if (Array.isArray(v)) {
    const id = ids.n++;
    v.forEach((x, i) => flatten(x, path, [...members, [id, i]], out, ids));
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) flatten(x, path ? `${path}.${k}` : k, members, out, ids);
  } else out.push({ path, value: v, members });
}

function oracle(fields: [string, unknown[]][], event: unknown): boolean {
  const leaves: Leaf[] = [];
  flatten(event, '', [], leaves, { n: 0 });
  const choose = (i: number, chosen: Leaf[]): boolean => {
    if (i === fields.length) return true;
    const [path, values] = fields[i] as [string, unknown[]];
    for (const leaf of leaves) {
      if (leaf.path !== path || !values.includes(leaf.value)) continue;
      const ok = chosen.every((c) =>
        c.members.every(([id, idx]) => leaf.members.every(([id2, idx2]) => id !== id2 || idx === idx2)),
      );
      if (ok && choose(i + 1, [...chosen, leaf])) return true;
    }
    return false;
  };
  return choose(0, []);
}

const val = fc.constantFrom('1', '2', '3');
const item = fc.record(
  { x: val, y: val, z: fc.array(fc.record({ w: val }, { requiredKeys: [] }), { maxLength: 3 }) },
  {
    requiredKeys: [],
  },
);
const eventArb = fc.record({ a: fc.array(item, { maxLength: 4 }), b: val });
const paths = ['a.x', 'a.y', 'a.z.w', 'b'];
const patternArb = fc.uniqueArray(
  fc.tuple(fc.constantFrom(...paths), fc.uniqueArray(val, { minLength: 1, maxLength: 2 })),
  {
    minLength: 1,
    maxLength: 4,
    selector: ([p]) => p,
  },
);

function toPattern(fields: [string, unknown[]][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, values] of fields) {
    const segs = path.split('.');
    let node = out;
    segs.slice(0, -1).forEach((s) => {
      node = (node[s] ??= {}) as Record<string, unknown>;
    });
    node[segs[segs.length - 1] as string] = values;
  }
  return out;
}

describe('event-pattern differential', () => {
  it('agrees with a brute-force array-consistency oracle on random nested arrays', () => {
    fc.assert(
      fc.property(patternArb, eventArb, (fields, event) => {
        expect(compilePattern(toPattern(fields)).matches(event)).toBe(oracle(fields, event));
      }),
      { numRuns: 500 },
    );
  });

  // The real CloudTrail records copied from the shared data set, with their provenance (PROVENANCE.md).
  const dataDir = resolve(import.meta.dirname, '../../report/fixtures/shared');
  it('matches every shared CloudTrail record by its own source, name and Region, and not by another name', () => {
    const records = readdirSync(dataDir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(dataDir, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as unknown)
      .filter(isCloudTrailRecord);
    expect(records.length).toBeGreaterThan(100);
    for (const r of records) {
      const event = toEventBridgeEvent(r);
      const own = { source: [sourceOf(r)], region: [r.awsRegion], detail: { eventName: [r.eventName] } };
      expect(compilePattern(own).matches(event)).toBe(true);
      const other = { ...own, detail: { eventName: [`${r.eventName}X`] } };
      expect(compilePattern(other).matches(event)).toBe(false);
      const failed = compilePattern({ detail: { errorCode: [{ exists: true }] } }).matches(event);
      expect(failed).toBe(typeof r.errorCode === 'string');
    }
  });
});
