import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { processAlive } from '../builds/buildLock';

/** Is anything listening on 127.0.0.1:port (or can we not bind it)? */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** A port the OS says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the scoring server detached (it outlives the app, like a run), its output appended to the log. */
export function startServer(options: {
  python: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: string;
}): number {
  const out = fs.openSync(options.log, 'a');
  try {
    const child = spawn(options.python, ['-m', 'benchtop.serving', ...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.unref();
    if (!child.pid) throw new Error(`Could not start ${options.python}.`);
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

/** GET / until it answers 200; 'exited' as soon as the server (process or container) is gone, or 'timeout'. */
export async function waitHealthy(
  port: number,
  alive: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<'healthy' | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await alive())) return 'exited';
    if ((await probe(port)) === 200) return 'healthy';
    await new Promise((r) => setTimeout(r, 25));
  }
  return 'timeout';
}

function probe(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

/** SIGTERM to the server's process group (it stops its workers), SIGKILL after the grace period. */
export async function stopServer(pid: number, graceMs = 10_000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    }
  };
  if (!processAlive(pid)) return;
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (processAlive(pid)) signal('SIGKILL');
  while (processAlive(pid)) await new Promise((r) => setTimeout(r, 20));
}
