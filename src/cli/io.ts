/** Where a command writes. Tests pass a capturing implementation; `bin.ts` passes the process's. */
export interface CliIO {
  /** Results (the command's output proper). */
  readonly out: (text: string) => void;
  /** Diagnostics, warnings and progress. */
  readonly err: (text: string) => void;
  /** True when stderr is a terminal (progress is shown only then). */
  readonly isTTY: boolean;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

/**
 * Exit codes, the same for every command (README "Exit codes"): 0 ok / nothing found, 1 a finding (a
 * coverage gap, break-glass activity), 2 a usage or input error (including "nothing could be read"),
 * 70 a bug in breakglass (EX_SOFTWARE).
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
export const EXIT_BUG = 70;

/** A command's result: an exit code (default 0). */
export type CommandResult = number | void;
