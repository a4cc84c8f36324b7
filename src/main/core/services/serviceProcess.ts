import { execFileSync, spawn } from 'node:child_process';
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

async function probe(port: number): Promise<number> {
  const answer = await probeHealth(port, 1000);
  return 'status' in answer ? answer.status : 0;
}

export type ProbeAnswer = { status: number } | { failure: 'refused' | 'timeout' | 'error'; message: string };

/** One GET / on 127.0.0.1:port: its status, or why there was none within timeoutMs. */
export function probeHealth(port: number, timeoutMs: number): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      clearTimeout(timer);
      resolve({ status: res.statusCode ?? 0 });
    });
    // The whole exchange, connecting included, has timeoutMs: a queued connection nobody accepts is a timeout.
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ failure: 'timeout', message: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ failure: err.code === 'ECONNREFUSED' ? 'refused' : 'error', message: err.message });
    });
  });
}

/**
 * Is pid a scoring server started with this status file? So a pid read from a stale record or status
 * file, now reused by some other program, is never signalled. Null when the system cannot tell.
 */
export function isServerFor(pid: number, statusFile: string): boolean | null {
  if (!processAlive(pid)) return false;
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.includes('benchtop.serving') && args.includes(statusFile);
  } catch {
    // No /proc (macOS): the command line as ps prints it (arguments joined by spaces).
    try {
      const line = execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
      return line.includes(' benchtop.serving ') && line.includes(statusFile);
    } catch {
      return null;
    }
  }
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
