import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One real Temporal dev server for the whole run; each test file runs its own worker on its own
    // task queue, so files run side by side.
    globalSetup: ['./test/global-setup.ts'],
    include: ['**/*.test.ts'],
    // The browser tests (a real Chromium against npm start) run on their own: npm run test:browser.
    exclude: ['node_modules/**', 'data/**', '.venv-temporal/**', 'test/browser/**'],
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default would be one): most of a file's time is
    // waiting on the Temporal server and the database, so a second file fills it. The suite took 210 s
    // here with two, about 13 minutes with one.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
