import { statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CommandModule } from '../command.js';
import { CliUsageError } from '../errors.js';

/** The JSON text `breakglass schema` prints and `schema/breakglass.config.schema.json` holds. */
export async function schemaText(): Promise<string> {
  const { configJsonSchema } = await import('../../config/json-schema.js'); // zod: not for --help
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** `breakglass schema`: JSON Schema of the config file. */
export const schemaCommand: CommandModule = {
  register(program, run) {
    program
      .command('schema')
      .description('print the JSON Schema of breakglass.config.yaml')
      .option('-o, --out <file>', 'write it to a file instead of stdout')
      .action(
        run(async (io, flags: { out?: string }) => {
          if (flags.out) {
            const file = isAbsolute(flags.out) ? flags.out : resolve(io.cwd, flags.out);
            if (statSync(file, { throwIfNoEntry: false })?.isDirectory())
              throw new CliUsageError(
                `--out: ${JSON.stringify(flags.out)} is a folder; give a file path, e.g. --out ${join(flags.out, 'breakglass.config.schema.json')}`,
              );
            const text = await schemaText();
            try {
              writeFileSync(file, text);
            } catch (e) {
              throw new CliUsageError(
                `--out: cannot write ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code ?? String(e)}); check that its folder exists and is writable`,
                { cause: e },
              );
            }
            io.err(`wrote ${file}`);
            return;
          }
          io.out((await schemaText()).trimEnd());
        }),
      );
  },
};
