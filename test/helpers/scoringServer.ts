import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, waitHealthy } from '../../src/main/core/services/serviceProcess';
import { python, tempDir } from './workspace';

const RUNTIME = path.resolve('src', 'runtime');

/** A running `python -m benchtop.serving` (the real master and its workers), started without the app. */
export interface ScoringServer {
  port: number;
  master: ChildProcess;
  log: string;
}

/** Starts the scoring server on a free port with score.py's source and extra flags; resolves once GET / answers. */
export async function startScoringServer(score: string, flags: string[] = []): Promise<ScoringServer> {
  const dir = tempDir('bt-scoring-');
  fs.writeFileSync(path.join(dir, 'score.py'), score);
  const port = await freePort();
  const log = path.join(dir, 'service.log');
  const out = fs.openSync(log, 'a');
  const args = ['-m', 'benchtop.serving', '--entry-script', path.join(dir, 'score.py'), '--source-directory', dir];
  const master = spawn(python(), [...args, '--port', String(port), ...flags], {
    env: { ...process.env, PYTHONPATH: RUNTIME, AZUREML_MODEL_DIR: dir },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const state = await waitHealthy(port, () => master.exitCode === null, 30_000);
  if (state !== 'healthy') throw new Error(`the scoring server is ${state}:\n${fs.readFileSync(log, 'utf8')}`);
  return { port, master, log };
}

export async function stopScoringServer(server: ScoringServer | undefined): Promise<void> {
  if (!server || server.master.exitCode !== null) return;
  const exited = new Promise((resolve) => server.master.once('exit', resolve));
  server.master.kill('SIGTERM');
  await exited;
}

/** The master's children (its workers). */
export function workerPids(server: ScoringServer): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.master.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0)
    .sort((a, b) => a - b);
}

/** CPU seconds (user + system) a process has used. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory in MB. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** Opens a raw connection and resolves once it is connected. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      // A server that closes or resets it later (a timeout, a refusal) is what the tests look for, not an error.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Milliseconds until the server closes the socket (or null when it does not within limitMs). */
export function msUntilClosed(socket: net.Socket, limitMs: number): Promise<number | null> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), limitMs);
    socket.on('data', () => undefined);
    const done = () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    };
    socket.once('close', done);
  });
}

const H11_VENV = path.resolve('node_modules', '.cache', 'benchtop-h11-0.16.0');

/**
 * A Python with h11 0.16 (the reference the differential test and the fuzzer check against), in a venv
 * cached under node_modules/.cache; null when it cannot be installed (no network).
 */
export function h11Python(): string | null {
  const bin = path.join(H11_VENV, 'bin', 'python');
  const has = () => fs.existsSync(bin) && spawnSync(bin, ['-c', 'import h11'], { stdio: 'ignore' }).status === 0;
  if (has()) return bin;
  fs.rmSync(H11_VENV, { recursive: true, force: true });
  const made = spawnSync(python(), ['-m', 'venv', H11_VENV], { encoding: 'utf8' });
  if (made.status !== 0) return null;
  spawnSync(bin, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'h11==0.16.0'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return has() ? bin : null;
}

/** Runs test/python/http_differential.py (differential or live mode); its JSON summary and exit code. */
export function runHttpDifferential(
  h11: string,
  args: string[],
): { code: number | null; summary: Record<string, unknown>; stderr: string } {
  const script = path.resolve('test', 'python', 'http_differential.py');
  const run = spawnSync(h11, [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: RUNTIME },
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  let summary: Record<string, unknown> = {};
  try {
    summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  } catch {
    summary = { stdout: run.stdout.slice(-2000) };
  }
  return { code: run.status, summary, stderr: run.stderr.slice(-4000) };
}
