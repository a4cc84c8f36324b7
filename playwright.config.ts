import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/helpers/chromium';

/** End-to-end tests drive Debian's Chromium (no browser download) against `benchtop serve`. */
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 240_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/playwright',
  use: {
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 860 },
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
});
