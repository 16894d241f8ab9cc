/**
 * Base class of every error that is the user's to fix (bad pattern, bad config, bad input file).
 * The CLI prints `message` as one line and exits with `exitCode`; anything that is not a
 * `BreakGlassError` is a bug and is printed with its stack only under `--debug`.
 *
 * Message shape (house style): `<where>: <what is wrong>; <what is allowed / how to fix>`.
 */
export class BreakGlassError extends Error {
  override readonly name: string = 'BreakGlassError';
  /** Exit code the CLI uses: 2 = usage or input error. */
  readonly exitCode: number = 2;
}
