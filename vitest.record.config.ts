import { defineConfig } from 'vitest/config';

// npm run record-histories: drives the catalog's paths on a real Temporal dev server and writes their
// histories to test/histories/ (test/histories/record.rec.ts), for test/replay.test.ts to replay.
export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/histories/*.rec.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
