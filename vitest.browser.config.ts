// The browser tests (npm run test:browser): Debian's Chromium against the engine started as `npm start`
// starts it (test/browser/harness.ts). One file at a time: each starts a whole engine, and the machine is
// small. Long timeouts: a first run builds the UI and installs the Temporal CLI.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', '.venv-temporal/**'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
