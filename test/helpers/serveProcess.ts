import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, tempDir } from './workspace';

/** A `benchtop serve` running as its own process, so that a crash shows as an exit, not as a test-runner error. */
export interface ServeProcess {
  port: number;
  token: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Null while it runs; its exit code or signal once it has died. */
  exited(): string | null;
  stop(): Promise<void>;
}

/** Starts the built CLI's `serve` on a fresh workspace and waits for its `Benchtop UI:` line. */
export function startServeProcess(workspace = tempDir('bt-serve-')): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--workspace', workspace, 'serve', '--no-open', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let exit: string | null = null;
    const exitedPromise = new Promise<void>((done) =>
      child.on('exit', (code, signal) => {
        exit = `exit code ${code ?? '-'} signal ${signal ?? '-'}`;
        reject(new Error(`benchtop serve ${exit}:\n${out}`));
        done();
      }),
    );
    const timer = setTimeout(() => reject(new Error(`benchtop serve did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = /Benchtop UI: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        port: Number(match[1]),
        token: match[2] as string,
        child,
        output: () => out,
        exited: () => exit,
        stop: async () => {
          if (exit === null) child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exitedPromise;
          clearTimeout(kill);
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}
