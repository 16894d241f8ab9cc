import { Command, CommanderError } from 'commander';
import { BreakGlassError } from '../engines/errors.js';
import { EXIT_USAGE, type CliIO, type CommandResult } from './io.js';
import { COMMANDS } from './commands/registry.js';
import type { ActionRunner } from './command.js';

function version(): string {
  return '0.1.0';
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code.
 * Never calls `process.exit`; only `bin.ts` does.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode = 0;
  const program = new Command('breakglass')
    .description(
      'Emergency (break-glass) access for AWS: constructs, offline verifier, post-incident report.',
    )
    .version(version())
    .option('--debug', 'print stack traces for errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    })
    .showHelpAfterError('(run with --help for usage)');

  const run: ActionRunner =
    (action) =>
    async (...args) => {
      const result = await action(io, ...args);
      exitCode = typeof result === 'number' ? result : 0;
    };

  for (const mod of COMMANDS) mod.register(program, run);
  // Commander copies the exitOverride/output settings to sub-commands created after them.
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with code 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof BreakGlassError) {
      io.err(`error: ${e.message}`);
      if (debug && e.stack) io.err(e.stack);
      return e.exitCode;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`internal error: ${err.message}${debug ? '' : ' (run with --debug for details)'}`);
    if (debug && err.stack) io.err(err.stack);
    return 70;
  }
}
