import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';

/** Whether a process with this pid is still alive on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock file per build key, shared by every Benchtop process on the
 * workspace: the first builder creates it, others wait, and a lock left by a
 * dead process is taken over (see takeOverIfStale for why that is atomic).
 */
export async function acquireBuildLock(
  file: string,
  signal: AbortSignal,
  onWait: () => void,
  canceledMessage = 'Canceled while waiting for another build of the same environment.',
): Promise<() => void> {
  let announced = false;
  for (;;) {
    const release = tryAcquireBuildLock(file);
    if (release) return release;
    if (!announced) {
      onWait();
      announced = true;
    }
    if (signal.aborted) throw new BenchtopError('CANCELED', canceledMessage);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The lock now, or null while a live process holds it (or is taking a stale one over). */
export function tryAcquireBuildLock(file: string): (() => void) | null {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Each pass either creates the lock or removes one stale lock (or claim): a few passes suffice.
  for (let pass = 0; pass < 8; pass++) {
    const content = createLockFile(file);
    if (content) return () => removeIfStill(file, content);
    if (takeOverIfStale(file) === 'held') return null;
  }
  return null;
}

/**
 * Creates `file` holding "<pid> <random token>" (the pid first: readers parseInt it), or
 * returns null if it exists. The content is written to a temporary file first and hard-linked
 * into place, so the lock never exists empty (an empty lock would read as stale).
 */
function createLockFile(file: string): string | null {
  const content = `${process.pid} ${randomBytes(12).toString('hex')}`;
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.new`;
  fs.writeFileSync(tmp, content, { flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return content;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return null;
    // A filesystem without hard links: O_EXCL create (the empty moment is then possible but brief).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP')
      return createExclusive(file, content);
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function createExclusive(file: string, content: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  }
  try {
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
  return content;
}

/**
 * Removes `file` if its holder is dead. "Read the pid, see it dead, remove" is not atomic on its
 * own: two processes that both read the stale lock could each remove it, and the slower one
 * would remove the lock the faster one had just created. So the right to remove one particular
 * stale lock is claimed first, by creating `<file>.takeover-<digest of its content>` exclusively:
 * exactly one process wins that claim, and only a claimer removes a stale lock, so the lock it
 * re-reads (still the same content) cannot have been replaced meanwhile. A claimer that died
 * mid-way leaves a stale claim, taken over the same way (one level further).
 */
function takeOverIfStale(file: string, depth = 0): 'held' | 'gone' {
  const content = readIfExists(file);
  if (content === null) return 'gone';
  const holder = Number.parseInt(content, 10);
  if (Number.isFinite(holder) && processAlive(holder)) return 'held';
  if (depth > 4) return 'held';
  const claim = `${file}.takeover-${createHash('sha256').update(content).digest('hex').slice(0, 24)}`;
  const mine = createLockFile(claim);
  if (!mine) {
    // Another process is removing this stale lock: let it finish (or, if it died, remove its claim).
    return takeOverIfStale(claim, depth + 1) === 'held' ? 'held' : 'gone';
  }
  try {
    if (readIfExists(file) === content) fs.rmSync(file, { force: true });
  } finally {
    removeIfStill(claim, mine);
  }
  return 'gone';
}

/** Releases a lock this process created (only if it is still that lock). */
function removeIfStill(file: string, content: string): void {
  if (readIfExists(file) === content) fs.rmSync(file, { force: true });
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
