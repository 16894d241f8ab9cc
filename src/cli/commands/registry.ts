import type { CommandModule } from '../command.js';
import { synthCommand } from './synth.js';
import { schemaCommand } from './schema.js';
import { testPatternCommand } from './test-pattern.js';
import { renderInputCommand } from './render-input.js';
import { verifyCommand } from './verify.js';
import { simulateCommand } from './simulate.js';
import { reportCommand } from './report.js';
import { queryCommand } from './query.js';
import { athenaDdlCommand } from './athena-ddl.js';

/** Every verb, in the order `--help` lists them. */
export const COMMANDS: readonly CommandModule[] = [
  verifyCommand,
  simulateCommand,
  synthCommand,
  schemaCommand,
  reportCommand,
  queryCommand,
  athenaDdlCommand,
  testPatternCommand,
  renderInputCommand,
];
