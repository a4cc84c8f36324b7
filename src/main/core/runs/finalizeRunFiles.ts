import fs from 'node:fs';
import path from 'node:path';
import { releaseRunInputs } from '../datasets/releaseInputs';

/** What a run keeps of its working copy (as Azure ML keeps ./outputs and ./logs). */
export const KEPT_FROM_WORK = ['outputs', 'logs'] as const;

/**
 * Finalizing: moves ./outputs and ./logs of the working copy into the run's folder, where
 * downloads and the Files tab read them; the rest of the working copy goes. The supervisor
 * calls it when the script ends, and the app when it finds a run whose supervisor died, so
 * partial outputs are never left hidden in work/. Idempotent, and safe from two processes at
 * once; nothing already in the run's folder is overwritten (what cannot move stays in work/).
 * Kept to fs and path: the supervisor loads it on every launch.
 */
export function finalizeRunFiles(runDir: string): void {
  // Dataset inputs first: their read-only folders (possibly inside work/) would stop work/ from being removed.
  releaseRunInputs(runDir);
  const work = path.join(runDir, 'work');
  if (!fs.existsSync(work)) return;
  let allMoved = true;
  for (const name of KEPT_FROM_WORK) allMoved = moveInto(path.join(work, name), path.join(runDir, name)) && allMoved;
  if (allMoved) fs.rmSync(work, { recursive: true, force: true });
}

/** Renames `from` to `to`; into an existing folder, entry by entry. False when a name is taken on both sides. */
function moveInto(from: string, to: string): boolean {
  const source = fs.lstatSync(from, { throwIfNoEntry: false });
  if (!source) return true;
  const existing = fs.lstatSync(to, { throwIfNoEntry: false });
  if (!existing) {
    try {
      fs.renameSync(from, to);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true; // another process moved it first
      if (code === 'EEXIST' || code === 'ENOTEMPTY') return false;
      throw err;
    }
  }
  if (!source.isDirectory() || !existing.isDirectory()) return false;
  let entries: string[];
  try {
    entries = fs.readdirSync(from);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  let allMoved = true;
  for (const name of entries) allMoved = moveInto(path.join(from, name), path.join(to, name)) && allMoved;
  return allMoved;
}
