import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stacksFromConfig } from '../../src/cli/system.js';
import type { StackInput } from '../../src/simulator/index.js';
import { tempDir } from '../temp.js';

/**
 * The stacks of a config file given as its YAML lines, synthesized as `verify --config` does; the file's
 * temp folder is removed after the test file.
 */
export function stacksOfConfig(
  lines: readonly string[],
  opts?: Parameters<typeof stacksFromConfig>[1],
): StackInput[] {
  const file = join(tempDir('breakglass-config-'), 'bg.yaml');
  writeFileSync(file, lines.join('\n'));
  return stacksFromConfig(file, opts);
}
