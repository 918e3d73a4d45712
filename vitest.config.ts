import { availableParallelism } from 'node:os';
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
    // vitest's default (one file fewer than the cores) but at least two: a file mostly waits on the
    // Temporal server and the database, so on two cores a second file fills that wait (210 s for the
    // suite there, against about 13 minutes one file at a time).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
