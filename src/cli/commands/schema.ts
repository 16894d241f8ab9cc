import { writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CommandModule } from '../command.js';
import { configJsonSchema } from '../../config/index.js';

/** The JSON text `breakglass schema` prints and `schema/breakglass.config.schema.json` holds. */
export function schemaText(): string {
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
        run((io, flags: { out?: string }) => {
          if (flags.out) {
            const file = isAbsolute(flags.out) ? flags.out : resolve(io.cwd, flags.out);
            writeFileSync(file, schemaText());
            io.err(`wrote ${file}`);
            return;
          }
          io.out(schemaText().trimEnd());
        }),
      );
  },
};
