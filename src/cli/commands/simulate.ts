import { resolve } from 'node:path';
import type { InputEvent } from '../../simulator/index.js';
import { CliUsageError } from '../errors.js';
import { EXIT_OK, type CliIO } from '../io.js';
import type { CommandModule } from '../command.js';
import { addSourceOptions, collect, type SourceOptions } from '../source-options.js';

interface SimulateFlags extends SourceOptions {
  readonly events: string[];
  readonly json?: boolean;
  /** An Organizations export (with `--app` / `--template`): the accounts StackSets deploy to. */
  readonly organization?: string;
}

/** `breakglass simulate`: replay real CloudTrail against the model, one result per input record. */
export const simulateCommand: CommandModule = {
  register(program, run) {
    addSourceOptions(
      program
        .command('simulate')
        .description(
          'replay CloudTrail records (log files, JSON Lines, EventBridge events) against the templates',
        ),
    )
      .option(
        '--events <file>',
        'events file: CloudTrail log (.json/.json.gz), JSON Lines, EventBridge events (repeatable)',
        collect,
        [],
      )
      .option('--json', 'print results as JSON')
      .option(
        '--organization <file>',
        "with --app/--template: the organization's accounts for its StackSets (the JSON of 'aws organizations list-accounts', with ParentId per account for OU targets)",
      )
      .action(
        run(async (io: CliIO, flags: SimulateFlags) => {
          if (flags.events.length === 0) throw new CliUsageError('--events: give at least one events file');
          // Imported here, not above: `simulate --help` must not load aws-cdk-lib.
          const { readEventsFile, simulateEvents } = await import('../../simulator/index.js');
          const { loadSystem } = await import('../system.js');
          const inputs: InputEvent[] = [];
          for (const f of flags.events) {
            const { events, skipped } = readEventsFile(resolve(io.cwd, f));
            for (const s of skipped) io.err(`warning: skipped ${s.file}: ${s.reason}`);
            inputs.push(...events);
          }
          if (inputs.length === 0)
            throw new CliUsageError(
              `--events: nothing could be read — no CloudTrail record or EventBridge event in ${flags.events.join(', ')}`,
            );
          // Across an organization: the StackSet instances of every account the records come from.
          const { organizationExpander } = await import('../organization-source.js');
          const org = organizationExpander(flags.organization, io.cwd, {
            modelAccounts: new Set(inputs.map((i) => i.event.account)),
          });
          const system = loadSystem(flags, io.cwd, {}, org.expand);
          for (const w of org.plan()?.warnings ?? []) io.err(`warning: ${w}`);
          const results = simulateEvents(system.model, inputs);
          if (flags.json) {
            io.out(JSON.stringify({ events: results }, null, 2));
            return EXIT_OK;
          }
          const rows = results.map((r) => [
            r.eventID.slice(0, 12),
            r.eventName,
            r.region,
            r.principal.length > 60 ? `…${r.principal.slice(-59)}` : r.principal,
            r.trust,
            r.alerted ? 'alerted' : '-',
            r.logged ? 'logged' : r.notRecorded ? 'not recorded' : '-',
            String(r.deliveries.length),
          ]);
          const header = ['event', 'name', 'region', 'principal', 'trust', 'alert', 'log', 'deliveries'];
          const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
          const fmt = (r: string[]) =>
            r
              .map((c, i) => c.padEnd(widths[i] ?? 0))
              .join('  ')
              .trimEnd();
          io.out(fmt(header));
          for (const r of rows) io.out(fmt(r));
          const alerted = results.filter((r) => r.alerted).length;
          const unrecorded = results.filter((r) => r.notRecorded);
          io.out(
            `\n${results.length} event(s): ${alerted} alerted, ${results.filter((r) => r.logged).length} logged` +
              (unrecorded.length > 0 ? `, ${unrecorded.length} not recorded by CloudTrail` : ''),
          );
          for (const r of unrecorded.slice(0, 5))
            io.out(`  not recorded: ${r.eventName} ${r.eventID}: ${r.notRecorded}`);
          return EXIT_OK;
        }),
      );
  },
};
