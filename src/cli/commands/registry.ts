import type { CommandModule } from '../command.js';

/**
 * One verb of the CLI, as the top-level `--help` lists it — without importing its module.
 *
 * How the CLI stays fast (`breakglass --help`, `breakglass <verb> --help` start in well under 0.3 s):
 * - `program.ts` reads the verb from argv and imports only that entry's module (`load`); the top-level
 *   help is built from `name` + `summary` alone.
 * - A command module's top-level imports must stay light (commander, `../errors.js`, `../io.js`, engines):
 *   anything heavy — aws-cdk-lib (via `config/`), DuckDB (`report/store`), the AWS SDK (`cli/aws/*`) — is
 *   imported with `await import(...)` inside the action, so `<verb> --help` does not pay for it.
 *
 * To add a verb: write `commands/<verb>.ts` exporting a `CommandModule` (see `command.ts`), then add one
 * entry below. `summary` must equal the `.description(...)` the module registers (a test checks it).
 * `bench/cli-startup.bench.ts` measures `--help` of every verb listed here.
 */
export interface CommandEntry {
  /** The verb, as typed. */
  readonly name: string;
  /** One line for the top-level help (the module's `.description(...)`). */
  readonly summary: string;
  /** Imports the verb's module. */
  readonly load: () => Promise<CommandModule>;
}

/** Every verb, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'verify',
    summary:
      'prove offline that every way into the break-glass role(s) is blocked or alerted, and every action logged, in every Region',
    load: async () => (await import('./verify.js')).verifyCommand,
  },
  {
    name: 'simulate',
    summary: 'replay CloudTrail records (log files, JSON Lines, EventBridge events) against the templates',
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  {
    name: 'synth',
    summary:
      'synthesize a breakglass config file into a cloud assembly (deploy with: cdk deploy --app DIR --all)',
    load: async () => (await import('./synth.js')).synthCommand,
  },
  {
    name: 'schema',
    summary: 'print the JSON Schema of breakglass.config.yaml',
    load: async () => (await import('./schema.js')).schemaCommand,
  },
  {
    name: 'report',
    summary:
      'Turn CloudTrail logs into break-glass sessions: HTML timeline, Markdown, JSON. Exit 1 when a session or attempt is found, 0 when none.',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    name: 'query',
    summary: 'Run SQL on a trail kept by `breakglass report --db FILE` (table: events)',
    load: async () => (await import('./query.js')).queryCommand,
  },
  {
    name: 'athena-ddl',
    summary: 'Print CREATE TABLE for CloudTrail logs in Athena (CloudTrail SerDe, partition projection)',
    load: async () => (await import('./athena-ddl.js')).athenaDdlCommand,
  },
  {
    name: 'test-pattern',
    summary: 'test an EventBridge event pattern against events offline (prints true/false per event)',
    load: async () => (await import('./test-pattern.js')).testPatternCommand,
  },
  {
    name: 'render-input',
    summary: 'render what a rule target receives for an event (input transformer, InputPath or Input)',
    load: async () => (await import('./render-input.js')).renderInputCommand,
  },
  {
    name: 'assume',
    summary:
      'Assume the break-glass role as yourself (MFA, source identity, Reason/Ticket tags) and hand over the credentials',
    load: async () => (await import('./assume.js')).assumeCommand,
  },
  {
    name: 'console',
    summary: 'Sign in to the AWS console as the break-glass role: prints (or opens) a sign-in URL',
    load: async () => (await import('./console.js')).consoleCommand,
  },
  {
    name: 'revoke',
    summary:
      "End every break-glass session issued before a time: a deny on aws:TokenIssueTime, as the IAM console's Revoke active sessions",
    load: async () => (await import('./revoke.js')).revokeCommand,
  },
  {
    name: 'status',
    summary:
      'Active break-glass sessions from CloudTrail: who, since when, reason, source IP, revoked or not (exit 1 if any is live)',
    load: async () => (await import('./status.js')).statusCommand,
  },
  {
    name: 'request',
    summary:
      'Ask for break-glass access outside an emergency; prints the request id a second person approves',
    load: async () => (await import('./request.js')).requestCommand,
  },
  {
    name: 'approve',
    summary:
      'Approve a break-glass request: lets exactly the requester in for --duration (trust statement with aws:CurrentTime)',
    load: async () => (await import('./approve.js')).approveCommand,
  },
  {
    name: 'runbook',
    summary:
      "Print the team's break-glass runbook (Markdown) from their config: who and how, alerts, revoke, rotation, report",
    load: async () => (await import('./runbook.js')).runbookCommand,
  },
  {
    name: 'doctor',
    summary:
      'Check the live account read-only: Regions, bootstrap, secrets, trail, drift of rules/policies, subscriptions, alarms, DLQs, drills, StackSet instances (exit 1 on a problem)',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  {
    name: 'confirm-subscription',
    summary:
      'Confirm an alert email subscription with authenticated unsubscribe (paste the link from the email instead of clicking it)',
    load: async () => (await import('./confirm-subscription.js')).confirmSubscriptionCommand,
  },
];

/** The entry for `name`, if it is a verb. */
export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
