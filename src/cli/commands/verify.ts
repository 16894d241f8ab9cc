import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass verify` — placeholder until its issue lands. */
export const verifyCommand: CommandModule = {
  register(program, run) {
    program
      .command('verify')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('verify: not implemented yet');
        }),
      );
  },
};
