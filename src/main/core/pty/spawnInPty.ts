import * as pty from 'node-pty';
import { BenchtopError } from '../../../shared/errors';
import type { LiveOutput } from './liveOutput';

export interface PtyCommand {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  cols?: number;
  rows?: number;
  /** Gets the live pty (for input and resize) once the process has started. */
  onStart?: (child: pty.IPty) => void;
  /** Kill whatever the program left running in its process group when it exits (runs: nothing outlives its run). */
  reapGroup?: boolean;
}

export interface PtyExit {
  exitCode: number;
  signal: number | undefined;
}

/** How long the tail of the output may take to drain after the program exits. */
const DRAIN_LIMIT_MS = 10_000;

/**
 * node-pty destroys its read stream 200 ms after the program exits, dropping
 * output not yet read: a program that prints fast loses its last lines (seen
 * with 200,000 lines). We let the stream end by itself (EIO once drained) and
 * only force it after DRAIN_LIMIT_MS. `_socket` is private to node-pty; if it
 * is ever missing, its own behaviour stays.
 */
function keepReadingAfterExit(child: pty.IPty): void {
  const socket = (
    child as unknown as {
      _socket?: { destroy: (...args: unknown[]) => unknown; destroyed?: boolean; readableEnded?: boolean };
    }
  )._socket;
  if (!socket || typeof socket.destroy !== 'function') return;
  const destroy = socket.destroy.bind(socket);
  let forced: NodeJS.Timeout | null = null;
  socket.destroy = (...args: unknown[]) => {
    // An error, or a stream that already ended (EIO came first): nothing is left to read, destroy now.
    // Deferring then would hold node-pty's exit event for nothing (and in a short-lived CLI, lose it).
    if (args.length > 0 || socket.destroyed || socket.readableEnded) return destroy(...args);
    forced ??= setTimeout(() => destroy(), DRAIN_LIMIT_MS);
    return socket;
  };
}

/** Grace periods between the signals of a cancel: SIGINT, then SIGTERM, then SIGKILL. */
const CANCEL_GRACE_MS = [2_000, 3_000];

/**
 * Runs one command in a real pseudo-terminal (so tools show colours and
 * progress bars), streaming into `output`. Resolves with the exit code;
 * rejects with CANCELED when `signal` aborts, after the process group is gone.
 */
export function spawnInPty(command: PtyCommand, output: LiveOutput, signal: AbortSignal): Promise<number> {
  return spawnInPtyDetailed(command, output, signal).then((exit) => exit.exitCode);
}

/** As spawnInPty, with the signal that ended the process, if any. */
export function spawnInPtyDetailed(command: PtyCommand, output: LiveOutput, signal: AbortSignal): Promise<PtyExit> {
  if (signal.aborted) return Promise.reject(new BenchtopError('CANCELED', 'Canceled before it started.'));
  return new Promise((resolve, reject) => {
    let child: pty.IPty;
    try {
      child = pty.spawn(command.file, command.args, {
        name: 'xterm-256color',
        cols: command.cols ?? 120,
        rows: command.rows ?? 30,
        cwd: command.cwd,
        env: { ...command.env, TERM: 'xterm-256color', FORCE_COLOR: '1' } as Record<string, string>,
        encoding: null,
      });
    } catch (err) {
      reject(new BenchtopError('INTERNAL', `Could not start ${command.file}: ${(err as Error).message}`));
      return;
    }
    output.setProducer({ pause: () => child.pause(), resume: () => child.resume() });
    keepReadingAfterExit(child);
    command.onStart?.(child);
    const timers: NodeJS.Timeout[] = [];
    const onAbort = () => {
      const group = -child.pid;
      const send = (sig: NodeJS.Signals) => {
        try {
          process.kill(group, sig);
        } catch {
          // The group is already gone.
        }
      };
      send('SIGINT');
      timers.push(setTimeout(() => send('SIGTERM'), CANCEL_GRACE_MS[0]));
      timers.push(setTimeout(() => send('SIGKILL'), (CANCEL_GRACE_MS[0] ?? 0) + (CANCEL_GRACE_MS[1] ?? 0)));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.onData((data: string | Buffer) => output.push(data));
    child.onExit(({ exitCode, signal: exitSignal }) => {
      timers.forEach(clearTimeout);
      if (signal.aborted || command.reapGroup) {
        // The leader is gone; make sure nothing it started outlives it.
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already empty.
        }
      }
      signal.removeEventListener('abort', onAbort);
      output.setProducer(null);
      output.flush();
      if (signal.aborted) reject(new BenchtopError('CANCELED', 'Canceled by the user.'));
      else resolve({ exitCode, signal: exitSignal || undefined });
    });
  });
}
