import type { CliIO } from '../../src/cli/io.js';

/** A CliIO that keeps what a command writes, for assertions. */
export function captureIO(cwd = process.cwd()): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), isTTY: false, cwd };
}
