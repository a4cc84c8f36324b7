import fs from 'node:fs';
import path from 'node:path';
import { processAlive, tryAcquireBuildLock } from '../core/builds/buildLock';

/** `<workspace>/queue/owner.lock`: "<pid> <token>" of the one queue owner of the workspace. */
export function ownerLockFile(root: string): string {
  return path.join(root, 'queue', 'owner.lock');
}

/**
 * Takes the owner lock: created exclusively, and a lock whose holder is dead is taken over (the build lock's
 * race-free takeover, see buildLock.ts). Null while a live owner holds it.
 */
export function tryAcquireOwnerLock(root: string): (() => void) | null {
  return tryAcquireBuildLock(ownerLockFile(root));
}

/** The live owner's pid, or null when there is none (no lock, or its holder is gone). */
export function liveOwnerPid(root: string): number | null {
  let content: string;
  try {
    content = fs.readFileSync(ownerLockFile(root), 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(content, 10);
  return Number.isFinite(pid) && pid > 0 && processAlive(pid) ? pid : null;
}

/**
 * Tells the owner to run a pass now (SIGUSR1) instead of at its next poll: a submit starts within a millisecond or
 * two. Only where /proc shows the pid is a queue owner (a stale lock's pid may belong to another program, which
 * SIGUSR1 would end); elsewhere the owner's poll picks the run up (~20 ms).
 */
export function nudgeOwner(pid: number): void {
  try {
    if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('queueOwner')) return;
    process.kill(pid, 'SIGUSR1');
  } catch {
    // No /proc (macOS, Windows), or it just exited: the poll (or the next owner) does it.
  }
}
