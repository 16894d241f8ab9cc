import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass synth` — placeholder until its issue lands. */
export const synthCommand: CommandModule = {
  register(program, run) {
    program
      .command('synth')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('synth: not implemented yet');
        }),
      );
  },
};
