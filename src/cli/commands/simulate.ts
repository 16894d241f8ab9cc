import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass simulate` — placeholder until its issue lands. */
export const simulateCommand: CommandModule = {
  register(program, run) {
    program
      .command('simulate')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('simulate: not implemented yet');
        }),
      );
  },
};
