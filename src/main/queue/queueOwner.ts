import fs from 'node:fs';
import path from 'node:path';
import { type Core, openCore } from '../core/core';
import { SupervisorLauncher } from '../core/runs/supervisorLauncher';
import { tickSweeps } from '../core/sweeps/sweepDriver';
import { nowIso } from '../core/workspace/files';
import { detectGpus, type Gpu, writeDetectedCapacity } from './capacity';
import { EngineHealth, writeEngineHealth } from './engineHealth';
import { ownerLockFile, tryAcquireOwnerLock } from './ownerLock';
import { schedulerInputs } from './queueInputs';
import { type QueueCapacity, schedule } from './scheduler';

/** How often SQLite's data_version is read: a submit from another process is seen within this. */
const POLL_MS = 20;
/** A pass runs at least this often even with no outside commit (a run ended, a slot freed by a dead process). */
const PASS_EVERY_MS = 1000;
/** GPUs are detected again this often (a driver installed, a GPU taken away). */
const DETECT_EVERY_MS = 60_000;
/** With nothing queued, running or sweeping for this long, the owner exits (the next submit starts one). */
const IDLE_EXIT_MS = 30_000;
/** At most this many standby supervisors (each an idle Node of ~50 MB), however many slots the queue has. */
const MAX_STANDBYS = 4;

/**
 * The run queue's owner: ONE detached process per workspace (owner.lock). It listens on nothing: it reads SQLite,
 * claims queued runs in one short IMMEDIATE transaction each and starts their supervisors (keeping one on standby
 * per slot that can free at once, so a start costs what a direct one did), then lets the sweep driver take its step.
 */
class QueueOwner {
  private readonly launcher: SupervisorLauncher;
  private gpus: Gpu[] = [];
  private detectedAt = 0;
  private lastVersion = -1;
  private lastPass = 0;
  private idleSince = Date.now();
  /** Set by SIGUSR1 (a submit's nudge): pass now. */
  private nudged = false;
  private wake: (() => void) | null = null;
  private readonly engineHealth: EngineHealth;
  private lastHealth = '{}';

  constructor(
    private readonly core: Core,
    private readonly lockContent: string,
  ) {
    this.launcher = new SupervisorLauncher(core.paths.root);
    // An engine coming up (or going down) is a reason to schedule again at once.
    this.engineHealth = new EngineHealth(core.db, () => this.nudge());
  }

  async run(): Promise<void> {
    this.launcher.prewarm(1);
    this.detect();

    for (;;) {
      if (!this.stillOwner()) return;
      const now = Date.now();
      if (now - this.detectedAt >= DETECT_EVERY_MS) this.detect();
      const version = this.core.db.pragma('data_version', { simple: true }) as number;
      if (this.nudged || version !== this.lastVersion || now - this.lastPass >= PASS_EVERY_MS) {
        this.nudged = false;
        this.lastVersion = version;
        this.lastPass = now;
        await this.pass();
        if (this.busy()) this.idleSince = Date.now();
        else if (Date.now() - this.idleSince >= IDLE_EXIT_MS) return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** A submit's SIGUSR1: pass now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private detect(): void {
    this.gpus = detectGpus();
    this.detectedAt = Date.now();
    writeDetectedCapacity(this.core.paths.root, this.gpus);
  }

  /** One step: reconcile the runs the queue started, start what fits, then the sweeps' step. */
  private async pass(): Promise<void> {
    const { runs, db } = this.core;
    guard('reconcile', () => {
      for (const row of runs.store.claimedUnfinished()) runs.reconcile(row.id);
    });
    guard('schedule', () => {
      const inputs = schedulerInputs(db, runs.store, this.gpus);
      const unusable = this.engineHealth.unusable(inputs.capacity.engines.map((e) => e.url));
      inputs.capacity.unusableEngines = unusable;
      if (JSON.stringify(unusable) !== this.lastHealth) {
        this.lastHealth = JSON.stringify(unusable);
        writeEngineHealth(this.core.paths.root, unusable);
      }
      this.launcher.prewarm(standbysFor(inputs.capacity));
      const { starts } = schedule(inputs.queued, inputs.active, inputs.capacity);
      for (const start of starts) this.start(start.runId, JSON.stringify(start.assignment));
    });
    try {
      await tickSweeps(this.core);
    } catch (err) {
      logError('sweeps', err);
    }
  }

  /** Claims the run (only one claimer or a cancel wins), then hands it to a supervisor. */
  private start(runId: string, assigned: string): void {
    const { store } = this.core.runs;
    if (!store.claim(runId, assigned, nowIso())) return;
    try {
      const pid = this.launcher.startFor(runId);
      // The supervisor records its pid itself too; this one covers the moments before it does.
      if (pid) store.updateUnfinished(runId, { supervisor_pid: pid });
    } catch (err) {
      store.update(runId, {
        status: 'Failed',
        reason: `The queue could not start the run's supervisor: ${(err as Error).message}`,
        ended_at: nowIso(),
      });
    }
  }

  private busy(): boolean {
    const { runs, db } = this.core;
    if (runs.store.hasQueued() || runs.store.claimedUnfinished().length > 0) return true;
    return Boolean(db.prepare("SELECT 1 FROM sweeps WHERE status NOT IN ('Completed', 'Failed', 'Canceled')").get());
  }

  /** The lock is still this process's and the workspace still exists (a test may remove its folder). */
  private stillOwner(): boolean {
    try {
      return fs.readFileSync(ownerLockFile(this.core.paths.root), 'utf8') === this.lockContent;
    } catch {
      return false;
    }
  }

  close(): void {
    this.launcher.close();
  }
}

/**
 * One standby per run that can start at once: when trials of a sweep end together, each next one gets a warm
 * supervisor instead of one waiting ~300 ms for a cold start.
 */
function standbysFor(capacity: QueueCapacity): number {
  const poolSlots = capacity.engines.reduce((n, e) => n + e.slots, 0);
  const slots = Math.min(capacity.cpus + poolSlots, capacity.maxConcurrentRuns ?? Infinity);
  return Math.max(1, Math.min(MAX_STANDBYS, slots));
}

function guard(what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    logError(what, err);
  }
}

let logFile: string | null = null;
/** Errors go to <workspace>/queue/owner.log: the owner has no terminal, and one failed pass must not stop it. */
function logError(what: string, err: unknown): void {
  if (!logFile) return;
  try {
    fs.appendFileSync(logFile, `${new Date().toISOString()} ${what}: ${(err as Error)?.stack ?? String(err)}\n`);
  } catch {
    // Nowhere left to report it.
  }
}

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) {
    process.stderr.write('usage: queueOwner.js WORKSPACE\n');
    process.exit(2);
  }
  let owner: QueueOwner | null = null;
  // Before the lock is taken, since submits then nudge this pid. The listener also keeps Node's default for SIGUSR1
  // (starting the inspector, a listening socket) from ever happening here.
  process.on('SIGUSR1', () => owner?.nudge());
  if (!fs.existsSync(path.join(root, 'benchtop.db'))) process.exit(0);
  const release = tryAcquireOwnerLock(root);
  // Another owner is alive: it does the work.
  if (!release) process.exit(0);
  logFile = path.join(root, 'queue', 'owner.log');
  const lockContent = fs.readFileSync(ownerLockFile(root), 'utf8');
  const stop = () => {
    release();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  let core: Core | null = null;
  try {
    core = openCore(root);
    owner = new QueueOwner(core, lockContent);
    await owner.run();
  } catch (err) {
    logError('owner', err);
  } finally {
    owner?.close();
    release();
    core?.close();
  }
  process.exit(0);
}

void main();
