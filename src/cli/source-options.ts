import type { Command } from 'commander';

/** The flags `addSourceOptions` adds. Kept apart from `system.ts` (which loads aws-cdk-lib) so `--help` stays light. */
export interface SourceOptions {
  readonly config?: string;
  readonly app?: string;
  readonly template?: string;
  readonly account?: string;
  readonly region?: string;
}

/** The `--config` / `--app` / `--template` (+ `--account`, `--region`) options shared by verify and simulate. */
export function addSourceOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'breakglass config file to synthesize (default: the bundled example)')
    .option('--app <dir>', 'a synthesized CDK cloud assembly (cdk.out)')
    .option('--template <file>', 'a single CloudFormation template (JSON); needs --account and --region')
    .option('--account <id>', 'account of --template')
    .option('--region <region>', 'Region of --template');
}

/** Collects a repeatable option's values. */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];
