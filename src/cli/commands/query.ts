import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass query` — placeholder until its issue lands. */
export const queryCommand: CommandModule = {
  register(program, run) {
    program
      .command('query')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('query: not implemented yet');
        }),
      );
  },
};
