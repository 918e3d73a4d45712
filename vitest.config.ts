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
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
