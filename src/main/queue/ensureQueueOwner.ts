import { spawn } from 'node:child_process';
import { bundledScript } from '../core/bundledScript';
import { liveOwnerPid, nudgeOwner } from './ownerLock';

/** Owners this process started lately, per workspace: a second call within the owner's start-up does not spawn again. */
const recentlySpawned = new Map<string, { pid: number; at: number }>();
const STARTUP_MS = 3000;

/**
 * Makes sure the workspace's queue owner is running; cheap when it is (one read of the lock, one kill(pid, 0)).
 * The owner is detached, started like a run supervisor (ELECTRON_RUN_AS_NODE from Electron), so it outlives the
 * app and the CLI. Two processes racing here may both spawn one: the second owner finds the lock held and exits.
 * The owner inherits this process's environment (PATH decides which nvidia-smi it finds).
 */
export function ensureQueueOwner(root: string, options: { nudge?: boolean } = {}): number | null {
  const alive = liveOwnerPid(root);
  if (alive) {
    if (options.nudge) nudgeOwner(alive);
    return alive;
  }
  const recent = recentlySpawned.get(root);
  if (recent && Date.now() - recent.at < STARTUP_MS) return recent.pid;
  const script = bundledScript('queueOwner.js', process.env.BENCHTOP_QUEUE_OWNER, 'The run queue owner');
  const child = spawn(process.execPath, [script, root], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  child.unref();
  if (child.pid) recentlySpawned.set(root, { pid: child.pid, at: Date.now() });
  return child.pid ?? null;
}
