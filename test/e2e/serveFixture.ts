import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { CLI, tempDir } from '../helpers/workspace';

export interface ServedApp {
  url: string;
  workspace: string;
  process: ChildProcess;
  stop(): void;
}

/** Starts `benchtop serve` on a fresh workspace and waits for its "Benchtop UI:" line. */
export function serve(workspace = tempDir('bt-e2e-')): Promise<ServedApp> {
  if (!fs.existsSync(process.env.BENCHTOP_CHROMIUM ?? '/usr/bin/chromium')) {
    throw new Error(
      'Chromium is required for the end-to-end tests: apt-get install chromium (or set BENCHTOP_CHROMIUM).',
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--no-open', '--port', '0', '--workspace', workspace], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`benchtop serve did not start:\n${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /Benchtop UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1] as string, workspace, process: child, stop: () => child.kill('SIGTERM') });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`benchtop serve exited with ${code}:\n${out}`)));
  });
}

/** Runs the real CLI against the served app's workspace (set-up steps the UI test does not drive); returns stdout. */
export function cli(app: ServedApp, args: string[], timeoutMs = 600_000): string {
  return execFileSync(process.execPath, [CLI, '--workspace', app.workspace, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
}

/** cli's asynchronous twin: seeding steps that do not depend on each other run side by side (the machine waits less). */
export function cliAsync(app: ServedApp, args: string[], timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const argv = [CLI, '--workspace', app.workspace, ...args];
    execFile(process.execPath, argv, { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`benchtop ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
