import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionPrincipals } from '../../src/engines/cloudtrail/sessions.js';
import { ingestTrail, sessionsFrom, type Report } from '../../src/report/build.js';
import { renderJson } from '../../src/report/render-json.js';
import { LocalTrailSource } from '../../src/report/sources.js';
import { TrailStore } from '../../src/report/store.js';

/**
 * The report as the CLI builds it: `fast` is the default run (pre-filter, temporary store), `db` is
 * `--db FILE` (every record ingested into a kept database file).
 */
export async function buildReport(
  root: string,
  principals: SessionPrincipals,
  mode: 'fast' | 'db',
): Promise<{ report: Report; json: string }> {
  const dbDir = mode === 'db' ? mkdtempSync(join(tmpdir(), 'bg-db-')) : undefined;
  const store = await TrailStore.open(dbDir ? { dbPath: join(dbDir, 'trail.duckdb') } : {});
  try {
    const r = await ingestTrail({
      source: new LocalTrailSource(root),
      sourceName: 'trail/',
      store,
      ...(mode === 'fast' ? { prefilter: principals } : {}),
    });
    const report: Report = {
      title: 'Break-glass post-incident report',
      generatedAt: '2026-03-04T00:00:00.000Z',
      principals,
      window: {},
      inputs: r.inputs,
      sessions: await sessionsFrom({ records: store, principals }),
    };
    return { report, json: renderJson(report) };
  } finally {
    await store.close();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  }
}
