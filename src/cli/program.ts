import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { BreakGlassError } from '../engines/errors.js';
import { EXIT_BUG, EXIT_USAGE, type CliIO } from './io.js';
import { COMMANDS, findCommand } from './commands/registry.js';
import type { ActionRunner } from './command.js';

function version(): string {
  return '0.1.0';
}

/** The verb argv names (first word that is not an option; `help <verb>` names `<verb>`). */
function verbOf(argv: readonly string[]): { verb?: string; viaHelp: boolean } {
  const words = argv.filter((a) => !a.startsWith('-'));
  if (words[0] === 'help') return { ...(words[1] !== undefined ? { verb: words[1] } : {}), viaHelp: true };
  return { ...(words[0] !== undefined ? { verb: words[0] } : {}), viaHelp: false };
}

/** "did you mean" for a mistyped verb: a verb sharing a prefix of 3 or starting the same way. */
function suggestion(verb: string): string {
  const near = COMMANDS.find((c) => c.name.startsWith(verb.slice(0, 3)) || verb.startsWith(c.name));
  return near ? ` (did you mean '${near.name}'?)` : '';
}

/**
 * The optional dependency a failed import names, with the range this package wants (the report, `query`
 * and the AWS verbs need packages a construct-only install leaves out; package.json `peerDependenciesMeta`).
 */
function missingOptionalDependency(e: unknown): { name: string; range: string } | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const name = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/']+)/.exec(
    String((e as Error).message),
  )?.[1];
  if (!name) return undefined;
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  if (!manifest.peerDependenciesMeta?.[name]?.optional) return undefined;
  return { name, range: manifest.peerDependencies?.[name] ?? 'latest' };
}

/** SDK v3 errors that mean "no usable AWS credentials" (not a bug: the user has to sign in). */
const NO_CREDENTIALS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenProviderError',
]);

/** One line for an error the user can fix that a command did not name itself, or undefined. */
function userFixable(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const first = e.message.split('\n')[0];
  if (NO_CREDENTIALS.has(e.name))
    return `no AWS credentials (${first}); provide them with AWS_PROFILE=<profile> (after aws configure or aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  const fsError = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EISDIR: 'is a folder, a file was expected',
    ENOTDIR: 'a part of the path is a file, a folder was expected',
    EEXIST: 'already exists and is not a folder',
    ENOENT: 'no such file or folder',
  };
  const reason = fsError.code ? reasons[fsError.code] : undefined;
  if (reason && fsError.path) return `${fsError.path}: ${reason} (${fsError.code}); check the path`;
  return undefined;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code.
 * Never calls `process.exit`; only `bin.ts` does. Imports only the module of the verb it runs
 * (see `commands/registry.ts`).
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode = 0;
  const output = {
    writeOut: (s: string) => io.out(s.replace(/\n$/, '')),
    writeErr: (s: string) => io.err(s.replace(/\n$/, '')),
  };
  const program = new Command('breakglass')
    .description(
      'Emergency (break-glass) access for AWS: constructs, offline verifier, post-incident report.',
    )
    .version(version())
    .option('--debug', 'print stack traces for errors')
    .exitOverride()
    .configureOutput(output)
    .showHelpAfterError('(run with --help for usage)');

  const run: ActionRunner =
    (action) =>
    async (...args) => {
      const result = await action(io, ...args);
      exitCode = typeof result === 'number' ? result : 0;
    };

  try {
    const { verb, viaHelp } = verbOf(argv);
    const entry = verb === undefined ? undefined : findCommand(verb);
    if (verb !== undefined && entry === undefined) {
      // Also with --help: a script probing for a verb must not get the top-level help and exit 0.
      io.err(`error: unknown command '${verb}'${suggestion(verb)}; run breakglass --help for the list`);
      return EXIT_USAGE;
    }
    if (entry) {
      (await entry.load()).register(program, run);
    } else {
      // Top-level help (or no verb at all): list the verbs without importing them.
      for (const c of COMMANDS) program.command(c.name).description(c.summary);
    }
    // Commander copies the exitOverride/output settings only to sub-commands created after them.
    for (const sub of program.commands) sub.exitOverride().configureOutput(output);
    if (viaHelp && entry) {
      program.commands[0]?.outputHelp();
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with code 0; `breakglass` alone prints help, exit 2.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof BreakGlassError) {
      io.err(`error: ${e.message}`);
      if (debug && e.stack) io.err(e.stack);
      return e.exitCode;
    }
    const missing = missingOptionalDependency(e);
    if (missing) {
      io.err(
        `error: this command needs ${missing.name}, which is not installed (the constructs do not need it); install it with: npm install --save-dev '${missing.name}@${missing.range}'`,
      );
      return EXIT_USAGE;
    }
    const fixable = userFixable(e);
    if (fixable) {
      io.err(`error: ${fixable}`);
      if (debug && e instanceof Error && e.stack) io.err(e.stack);
      return EXIT_USAGE;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(
      `internal error: ${err.message}; this is a bug in breakglass — please report it${debug ? '' : ' with the output of --debug'}`,
    );
    if (debug && err.stack) io.err(err.stack);
    return EXIT_BUG;
  }
}
