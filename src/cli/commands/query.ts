import type { CommandModule } from '../command.js';
import { CliUsageError } from '../errors.js';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ReportError } from '../../report/errors.js';

/** Renders rows as an aligned text table. */
export function textTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const show = (v: unknown): string =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const cells = rows.map((r) => columns.map((c) => show(r[c]).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i]!.length))));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (xs: readonly string[]) =>
    xs
      .map((x, i) => fit(x, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** `breakglass query "<SQL>" --db FILE`: SQL over the trail kept by `report --db`. */
export const queryCommand: CommandModule = {
  register(program, run) {
    program
      .command('query')
      .description('Run SQL on a trail kept by `breakglass report --db FILE` (table: events)')
      .argument('<sql>', 'SQL, e.g. "SELECT event_name, count(*) FROM events GROUP BY 1"')
      .option('--db <file>', 'DuckDB file written by `report --db`')
      .option('--json', 'print rows as JSON')
      .action(
        run(async (io, sql: string, opts: { db?: string; json?: boolean }) => {
          if (!opts.db)
            throw new CliUsageError(
              'query: --db FILE is required (the file `breakglass report --db FILE` wrote)',
            );
          const db = resolve(io.cwd, opts.db);
          if (!existsSync(db))
            throw new CliUsageError(
              `--db: ${JSON.stringify(opts.db)} does not exist; run breakglass report --db ${opts.db} first`,
            );
          const { TrailStore } = await import('../../report/store.js'); // DuckDB: not for --help
          if (!statSync(db).isFile() || statSync(db).size === 0)
            throw new CliUsageError(
              `--db: ${JSON.stringify(opts.db)} is ${statSync(db).isFile() ? 'empty' : 'not a file'}; pass the DuckDB file \`breakglass report --db FILE\` wrote`,
            );
          // Read-only (DuckDB access_mode READ_ONLY): the store is evidence; no query may change it.
          const store = await TrailStore.open({ dbPath: db, readOnly: true });
          try {
            const tables = await store.query(
              "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'events'",
            );
            if (tables.rows[0]?.['n'] !== 1)
              throw new CliUsageError(
                `--db: ${JSON.stringify(opts.db)} has no events table; pass the DuckDB file \`breakglass report --db FILE\` wrote`,
              );
            let result;
            try {
              result = await store.query(sql);
            } catch (e) {
              const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
              if (/read-only mode/i.test(msg))
                throw new CliUsageError(
                  `query: the store is opened read-only (it is the evidence of the incident); only reads are allowed — copy the file to change a copy (${msg})`,
                  { cause: e },
                );
              throw new ReportError(
                `query: ${msg}; the table is events (the README lists its columns under 'The embedded store')`,
                { cause: e },
              );
            }
            io.out(opts.json ? JSON.stringify(result.rows, null, 2) : textTable(result.columns, result.rows));
          } finally {
            await store.close();
          }
        }),
      );
  },
};
