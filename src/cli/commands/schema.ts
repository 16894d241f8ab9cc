import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass schema` — placeholder until its issue lands. */
export const schemaCommand: CommandModule = {
  register(program, run) {
    program
      .command('schema')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('schema: not implemented yet');
        }),
      );
  },
};
