import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../builds/buildLock';

/**
 * Removes what processes now gone (killed mid-build, mid-import) left in a folder. `ownerPid` reads the pid
 * from an entry's name, or gives null for an entry that is not of this kind: only ours, by their name, go.
 */
export function removeAbandoned(dir: string, ownerPid: (entry: string) => number | null): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = ownerPid(entry);
    if (pid !== null && !processAlive(pid)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}
