import { defineConfig } from '@playwright/test';

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
    launchOptions: {
      executablePath: process.env.BENCHTOP_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
  },
});
