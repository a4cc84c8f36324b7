import { type ChildProcess, spawn } from 'node:child_process';
import { bundledScript } from '../bundledScript';

/** A standby that replaces a taken one waits this long, so the run just handed over has the CPU to itself to start. */
const REFILL_DELAY_MS = 500;

/**
 * Starts run supervisors (src/main/supervisor), detached, and keeps standby ones started ahead for long-lived
 * processes: as many as runs may start at once (the queue owner asks one per slot that can free together), since a
 * cold supervisor costs ~150-450 ms more than a standby (Node, SQLite, node-pty and the MLflow endpoint loaded).
 */
export class SupervisorLauncher {
  private readonly standbys: ChildProcess[] = [];
  private wanted = 0;
  private refill: NodeJS.Timeout | null = null;

  constructor(private readonly workspaceRoot: string) {}

  /** A supervisor for the run: a standby one when there is one (it is handed the id), else a new one. */
  startFor(runId: string): number | null {
    return this.takeStandby(runId) ?? this.start([this.workspaceRoot, runId]).pid ?? null;
  }

  /**
   * Starts a supervisor, detached: the run outlives this process (the app, `serve`
   * or the CLI). From Electron, ELECTRON_RUN_AS_NODE makes its binary a plain Node.
   */
  private start(args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
    const script = bundledScript('supervisor.js', process.env.BENCHTOP_SUPERVISOR, 'The run supervisor');
    const child = spawn(process.execPath, [script, ...args], {
      detached: true,
      stdio: [stdin, 'ignore', 'ignore'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    child.unref();
    (child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
    return child;
  }

  /**
   * Keeps `count` supervisors started ahead, so a start only hands one a run id. Long-lived processes (the queue
   * owner) call this; the CLI, which exits at once, does not. A standby whose parent goes away reads end-of-file
   * and exits; extra ones (the count went down) are let go the same way.
   */
  prewarm(count = 1): void {
    this.wanted = Math.max(0, count);
    this.dropExited();
    while (this.standbys.length > this.wanted) this.standbys.pop()?.stdin?.end();
    // Just after a hand-over the refill timer does it, leaving the new run's start the CPU.
    if (this.refill) return;
    while (this.standbys.length < this.wanted) this.spawnStandby();
  }

  private spawnStandby(): void {
    const child = this.start(['--standby', this.workspaceRoot], 'pipe');
    child.on('exit', () => {
      const at = this.standbys.indexOf(child);
      if (at >= 0) this.standbys.splice(at, 1);
    });
    child.stdin?.on('error', () => undefined);
    this.standbys.push(child);
  }

  private dropExited(): void {
    for (let i = this.standbys.length - 1; i >= 0; i--) {
      const child = this.standbys[i] as ChildProcess;
      if (child.exitCode !== null || child.signalCode !== null || !child.stdin?.writable) this.standbys.splice(i, 1);
    }
  }

  private takeStandby(runId: string): number | null {
    this.dropExited();
    // The oldest first: it has had the longest to load.
    const child = this.standbys.shift();
    if (!child?.pid || !child.stdin) return null;
    child.stdin.end(`${runId}\n`);
    this.refill ??= setTimeout(() => {
      this.refill = null;
      this.prewarm(this.wanted);
    }, REFILL_DELAY_MS);
    this.refill.unref();
    return child.pid;
  }

  close(): void {
    if (this.refill) clearTimeout(this.refill);
    this.refill = null;
    this.wanted = 0;
    for (const child of this.standbys.splice(0)) child.stdin?.end();
  }
}
