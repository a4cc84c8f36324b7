import { type Browser, chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/helpers/chromium';

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
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    url,
    browser,
    stop: async () => {
      await browser.close();
      server.kill();
    },
  };
}
