import type { Command } from 'commander';
import type { CliIO, CommandResult } from './io.js';

/**
 * What each `commands/<verb>.ts` exports. Kept apart from `program.ts` so that the command modules
 * depend on this contract only, and `program.ts` depends on them: imports go one way.
 */
export interface CommandModule {
  /** Adds the verb to `program`; the action must go through `run`. */
  register(program: Command, run: ActionRunner): void;
}

/** Wraps an action so its result becomes the exit code and its `io` is the CLI's. */
export type ActionRunner = <A extends unknown[]>(
  action: (io: CliIO, ...args: A) => Promise<CommandResult> | CommandResult,
) => (...args: A) => Promise<void>;
