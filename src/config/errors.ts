import { BreakGlassError } from '../engines/errors.js';

/** One problem in a config file: `path` is the field path (`role.usernames[0]`), `message` says what and how to fix. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
  /** 1-based line in the file, when the issue comes from a file. */
  readonly line?: number;
}

/**
 * A config file that cannot be deployed. `message` has one line per problem, every problem at once:
 * `<file>[:<line>]: <field.path>: <what>; <allowed/fix> (got <value>)`.
 */
export class ConfigError extends BreakGlassError {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
    options?: { cause?: unknown }, // not ErrorOptions: CDK apps compile with lib es2020
  ) {
    super(
      issues
        .map((i) => `${source}${i.line ? `:${i.line}` : ''}: ${i.path || '<root>'}: ${i.message}`)
        .join('\n'),
      options,
    );
  }
}
