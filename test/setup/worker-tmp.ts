/**
 * vitest setupFiles: points os.tmpdir() of this worker at its own folder in the run's temp folder
 * (`tmp-check.ts` lists what is left there at the end). aws-cdk-lib leaves the default outdir of an
 * `App` created without one (`<tmpdir>/cdk.outXXXX`) behind: removed after each test file.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const base = process.env['BREAKGLASS_TEST_TMP'];
if (base) {
  const dir = join(base, `worker-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.env['TMPDIR'] = dir;
  afterAll(() => {
    for (const name of readdirSync(dir))
      if (name.startsWith('cdk.out')) rmSync(join(dir, name), { recursive: true, force: true });
  });
}
