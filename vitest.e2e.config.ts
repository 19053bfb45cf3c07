import { defineConfig } from 'vitest/config';

/** End-to-end tests against real agent CLIs (run by `npm run test:e2e`). */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/vitest-e2e-report.json' },
  },
});
