import { type ChildProcess, spawn } from 'node:child_process';
import { bundledScript } from '../bundledScript';

/** Starts run supervisors (src/main/supervisor), detached, and keeps one on standby for long-lived processes. */
export class SupervisorLauncher {
  private standby: ChildProcess | null = null;

  constructor(private readonly workspaceRoot: string) {}

  /** A supervisor for the run: the standby one when there is one (it is handed the id), else a new one. */
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
   * Keeps one supervisor started ahead (Node, SQLite and node-pty loaded), so a
   * submit from the app only hands it a run id. Long-lived processes (the app,
   * `serve`) call this; the CLI, which exits at once, does not. A standby whose
   * parent goes away reads end-of-file and exits.
   */
  prewarm(): void {
    if (this.standby && this.standby.exitCode === null) return;
    const child = this.start(['--standby', this.workspaceRoot], 'pipe');
    child.on('exit', () => {
      if (this.standby === child) this.standby = null;
    });
    child.stdin?.on('error', () => undefined);
    this.standby = child;
  }

  private takeStandby(runId: string): number | null {
    const child = this.standby;
    if (!child || child.exitCode !== null || !child.stdin?.writable || !child.pid) return null;
    this.standby = null;
    child.stdin.end(`${runId}\n`);
    // Replace it once this run has had the machine to itself for a moment.
    setTimeout(() => this.prewarm(), 500).unref();
    return child.pid;
  }

  close(): void {
    this.standby?.stdin?.end();
    this.standby = null;
  }
}
