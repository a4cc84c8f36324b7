import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Its own temp folder per run, and what the run leaves removed at the end (scripts/test-cleanup.mjs).
    globalSetup: ['test/globalSetup.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 120_000,
          // Builds and processes share 2 cores: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
