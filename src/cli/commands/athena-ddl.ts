import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass athena-ddl` — placeholder until its issue lands. */
export const athenaDdlCommand: CommandModule = {
  register(program, run) {
    program
      .command('athena-ddl')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('athena-ddl: not implemented yet');
        }),
      );
  },
};
