import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isCloudTrailRecord, toEventBridgeEvent } from '../../engines/cloudtrail/index.js';
import {
  compilePattern,
  describeMismatch,
  explainMismatch,
  MatchLimitError,
  PatternError,
  type CompiledPattern,
} from '../../engines/event-pattern/index.js';
import { CliUsageError } from '../errors.js';
import { EXIT_OK, type CliIO } from '../io.js';
import type { CommandModule } from '../command.js';

/** Reads a flag value that is inline JSON text or `@path` (relative to the CLI's cwd). */
export function readJsonText(io: CliIO, flag: string, value: string): { text: string; from: string } {
  if (!value.startsWith('@')) return { text: value, from: flag };
  const path = value.slice(1);
  if (path === '')
    throw new CliUsageError(`${flag}: '@' must be followed by a file path, e.g. ${flag} @pattern.json`);
  try {
    return { text: readFileSync(resolve(io.cwd, path), 'utf8'), from: `${flag} ${path}` };
  } catch (e) {
    throw new CliUsageError(
      `${flag}: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}

/** Parses inline JSON or `@file` JSON; the error names the flag (and file). */
export function readJsonFlag(io: CliIO, flag: string, value: string): unknown {
  const { text, from } = readJsonText(io, flag, value);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliUsageError(
      `${from}: not valid JSON (${(e as Error).message}); pass inline JSON in single quotes or @file`,
      { cause: e },
    );
  }
}

function snippet(line: string): string {
  return JSON.stringify(line.length > 40 ? `${line.slice(0, 37)}...` : line);
}

interface TestPatternFlags {
  readonly pattern: string;
  readonly event?: string;
  readonly events?: string;
  readonly cloudtrail?: boolean;
  readonly json?: boolean;
  readonly explain?: boolean;
}

/** Each event to test, with where it came from (for messages). */
function loadEvents(io: CliIO, flags: TestPatternFlags): { where: string; event: unknown }[] {
  if ((flags.event === undefined) === (flags.events === undefined)) {
    throw new CliUsageError(
      'test-pattern: give exactly one of --event <json|@file> or --events <file.jsonl>',
    );
  }
  if (flags.event !== undefined)
    return [{ where: '--event', event: readJsonFlag(io, '--event', flags.event) }];
  const file = (flags.events as string).replace(/^@/, '');
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new CliUsageError(
      `--events: cannot read '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  const out: { where: string; event: unknown }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `--events ${file} line ${i + 1}`;
    try {
      out.push({ where, event: JSON.parse(line) as unknown });
    } catch (e) {
      throw new CliUsageError(
        `${where}: not valid JSON (${(e as Error).message}); each line must hold one JSON event, received ${snippet(line)}`,
        { cause: e },
      );
    }
  });
  if (out.length === 0)
    throw new CliUsageError(`--events: '${file}' holds no event (empty); give one JSON event per line`);
  return out;
}

function asEvent(where: string, event: unknown, cloudtrail: boolean): unknown {
  if (!cloudtrail) return event;
  if (!isCloudTrailRecord(event)) {
    throw new CliUsageError(
      `${where}: --cloudtrail expects CloudTrail records (eventTime, eventSource, eventName, awsRegion); drop --cloudtrail for EventBridge events`,
    );
  }
  return toEventBridgeEvent(event);
}

function compile(io: CliIO, value: string): CompiledPattern {
  const pattern = readJsonFlag(io, '--pattern', value);
  try {
    return compilePattern(pattern);
  } catch (e) {
    if (e instanceof PatternError) throw new CliUsageError(`--pattern: ${e.message}`, { cause: e });
    throw e;
  }
}

/** `breakglass test-pattern`: does an EventBridge event pattern match these events? */
export const testPatternCommand: CommandModule = {
  register(program, run) {
    program
      .command('test-pattern')
      .description('test an EventBridge event pattern against events offline (prints true/false per event)')
      .requiredOption('--pattern <json|@file>', 'the event pattern (inline JSON or @file)')
      .option('--event <json|@file>', 'one event (inline JSON or @file)')
      .option('--events <file.jsonl>', 'events, one JSON object per line')
      .option(
        '--cloudtrail',
        'the events are CloudTrail records; test the EventBridge events AWS makes of them',
      )
      .option('--json', 'print a JSON array of results instead of one true/false per line')
      .option(
        '--explain',
        'for each event that does not match, print the first pattern field that failed and the event value there',
      )
      .addHelpText(
        'after',
        `
Examples:
  breakglass test-pattern --pattern '{"source":["aws.sts"]}' --event @event.json
  breakglass test-pattern --pattern @rule.json --events trail.jsonl --cloudtrail`,
      )
      .action(
        run((io, flags: TestPatternFlags) => {
          const pattern = compile(io, flags.pattern);
          const events = loadEvents(io, flags);
          const tested = events.map(({ where, event }) => {
            const e = asEvent(where, event, flags.cloudtrail === true);
            try {
              return { event: e, matches: pattern.matches(e) };
            } catch (err) {
              if (err instanceof MatchLimitError) {
                throw new CliUsageError(`${where}: --pattern field ${err.message}`, { cause: err });
              }
              throw err;
            }
          });
          if (!flags.explain) {
            const results = tested.map((t) => t.matches);
            if (flags.json) io.out(JSON.stringify(results));
            else for (const r of results) io.out(String(r));
            return EXIT_OK;
          }
          const explained = tested.map((t) => ({
            matches: t.matches,
            failed: t.matches ? [] : explainMismatch(pattern.source, t.event),
          }));
          if (flags.json) {
            io.out(JSON.stringify(explained.map((x) => (x.matches ? { matches: true } : x))));
            return EXIT_OK;
          }
          for (const x of explained) {
            io.out(String(x.matches));
            x.failed.forEach((f, i) => {
              const branch = x.failed.length > 1 ? `$or branch ${i + 1}: ` : '';
              io.out(`  ${branch}${describeMismatch(f)}`);
            });
          }
          return EXIT_OK;
        }),
      );
  },
};
