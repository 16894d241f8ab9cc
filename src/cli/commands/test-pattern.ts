import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass test-pattern` — placeholder until its issue lands. */
export const testPatternCommand: CommandModule = {
  register(program, run) {
    program
      .command('test-pattern')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('test-pattern: not implemented yet');
        }),
      );
  },
};
