/**
 * vitest globalSetup: the run gets its own temp folder, each test worker a TMPDIR inside it
 * (`worker-tmp.ts`), and at the end every file or folder a test left behind is listed. Under CI
 * (`CI` set, as `.ci/run` does) that fails the run; otherwise it is a warning. A private folder, not
 * /tmp itself, so other processes writing to /tmp at the same time are not blamed.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

export function setup(): void {
  dir = mkdtempSync(join(tmpdir(), 'breakglass-tests-'));
  process.env['BREAKGLASS_TEST_TMP'] = dir; // inherited by the workers
}

export function teardown(): void {
  if (!dir) return;
  const left = readdirSync(dir).flatMap((worker) => readdirSync(join(dir!, worker)).map((name) => name));
  rmSync(dir, { recursive: true, force: true });
  if (left.length === 0) return;
  const message = `tests left ${left.length} temp file(s)/folder(s) behind (remove them in afterAll/finally): ${left.sort().join(', ')}`;
  if (process.env['CI']) throw new Error(message);
  console.warn(`warning: ${message}`);
}
