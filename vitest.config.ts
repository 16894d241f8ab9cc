import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each worker gets a private TMPDIR; what a test leaves there is listed (and fails the run under CI).
    globalSetup: ['test/setup/tmp-check.ts'],
    setupFiles: ['test/setup/worker-tmp.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
