import type { CommandModule } from '../program.js';
import { CliUsageError } from '../errors.js';

/** `breakglass render-input` — placeholder until its issue lands. */
export const renderInputCommand: CommandModule = {
  register(program, run) {
    program
      .command('render-input')
      .description('(not implemented yet)')
      .action(
        run(() => {
          throw new CliUsageError('render-input: not implemented yet');
        }),
      );
  },
};
