import { type Browser, chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import path from 'node:path';

const CLI = path.resolve(__dirname, '..', 'bin', 'benchtop.js');

/**
 * The browser benchmarks' setup: `benchtop serve` on the workspace (the built CLI, a free port) and Debian's Chromium
 * headless. `url` carries the session token; `stop` closes both (and the server dies with this process regardless).
 */
export async function serveInChromium(
  workspace: string,
): Promise<{ url: string; browser: Browser; stop(): Promise<void> }> {
  const server = spawn(process.execPath, [CLI, 'serve', '--no-open', '--port', '0', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.on('exit', () => server.kill());
  const url = await new Promise<string>((resolve) => {
    let out = '';
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Benchtop UI: (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
  });
  const browser = await chromium.launch({
    executablePath: process.env.BENCHTOP_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  return {
    url,
    browser,
    stop: async () => {
      await browser.close();
      server.kill();
    },
  };
}
