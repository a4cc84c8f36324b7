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
 * workspace: the first builder creates it (O_EXCL), others wait, and a lock
 * left by a dead process is taken over.
 */
export async function acquireBuildLock(file: string, signal: AbortSignal, onWait: () => void): Promise<() => void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(readQuietly(file), 10);
    if (!Number.isFinite(holder) || !processAlive(holder)) {
      // A crashed builder: its lock (and its half-built folder) must not block us.
      fs.rmSync(file, { force: true });
      continue;
    }
    if (!announced) {
      onWait();
      announced = true;
    }
    if (signal.aborted)
      throw new BenchtopError('CANCELED', 'Canceled while waiting for another build of the same environment.');
    await new Promise((r) => setTimeout(r, 250));
  }
}

function readQuietly(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
