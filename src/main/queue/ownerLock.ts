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
