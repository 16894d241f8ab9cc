import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass report` — placeholder until its issue lands. */
export const reportCommand: CommandModule = {
  register(program, run) {
    program
      .command('report')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('report: not implemented yet');
        }),
      );
  },
};
