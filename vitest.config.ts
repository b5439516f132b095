import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['{apps,packages}/*/{src,test}/**/*.test.ts', 'e2e/**/*.test.ts', '{test,scripts}/**/*.test.ts'],
    // PGlite copies and real servers take seconds to start on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // CI asks for a machine-readable summary as well (see .ci/run).
    reporters: process.env.TEST_REPORT_JSON ? ['default', ['json', { outputFile: process.env.TEST_REPORT_JSON }]] : ['default'],
  },
});
