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

/** Exit codes (house style): 0 ok, 1 findings/failure (e.g. a coverage gap), 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A command's result: an exit code (default 0). */
export type CommandResult = number | void;
