import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from '../command.js';
import { CliUsageError } from '../errors.js';

/** `examples/breakglass.config.yaml` of the installed package (src/ and dist/ are both 3 levels down). */
export const DEFAULT_CONFIG = fileURLToPath(
  new URL('../../../examples/breakglass.config.yaml', import.meta.url),
);

interface SynthFlags {
  config: string;
  out: string;
  json?: boolean;
}

/** One synthesized stack as printed by `breakglass synth`. */
export interface SynthedStack {
  name: string;
  account: string;
  region: string;
  resources: number;
  template: string;
}

/** `breakglass synth`: config file → cloud assembly for `cdk deploy --app DIR`. */
export const synthCommand: CommandModule = {
  register(program, run) {
    program
      .command('synth')
      .description(
        'synthesize a breakglass config file into a cloud assembly (deploy with: cdk deploy --app DIR --all)',
      )
      .option('-c, --config <file>', 'config file (YAML or JSON)', DEFAULT_CONFIG)
      .option('-o, --out <dir>', 'cloud assembly directory', 'cdk.out')
      .option('--json', 'print the stack list as JSON')
      .action(
        run(async (io, flags: SynthFlags) => {
          const { loadConfigFile, synthesizeConfig } = await import('../../config/index.js'); // aws-cdk-lib
          const at = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
          const configPath = at(flags.config);
          const outdir = at(flags.out);
          if (statSync(outdir, { throwIfNoEntry: false })?.isDirectory() === false)
            throw new CliUsageError(
              `--out: ${JSON.stringify(flags.out)} is a file; give a folder for the cloud assembly (e.g. --out cdk.out)`,
            );
          const config = loadConfigFile(configPath);
          const assembly = synthesizeConfig(config, outdir, flags.config);
          const stacks: SynthedStack[] = assembly.stacks.map((s) => ({
            name: s.stackName,
            account: s.environment.account,
            region: s.environment.region,
            resources: Object.keys((s.template as { Resources?: object }).Resources ?? {}).length,
            template: s.templateFile,
          }));
          for (const s of assembly.stacks) {
            for (const m of s.messages) {
              if (m.level === 'warning' || m.level === 'error') {
                io.err(`${m.level}: ${m.id}: ${String(m.entry.data)}`);
              }
            }
          }
          if (flags.json) {
            io.out(JSON.stringify({ outdir, stacks }, null, 2));
            return;
          }
          const width = Math.max(...stacks.map((s) => s.name.length), 5);
          io.out(`${'STACK'.padEnd(width)}  ACCOUNT       REGION          RESOURCES`);
          for (const s of stacks) {
            io.out(
              `${s.name.padEnd(width)}  ${s.account.padEnd(12)}  ${s.region.padEnd(14)}  ${String(s.resources).padStart(9)}`,
            );
          }
          io.out(
            `${stacks.length} stacks written to ${outdir}; deploy with: npx cdk deploy --app ${flags.out} --all`,
          );
        }),
      );
  },
};
