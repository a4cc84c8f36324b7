import fs from 'node:fs';
import path from 'node:path';

/** Lists the folders a run's inputs were placed in (relative to the run's folder), written before any is made. */
export const PLACED_INPUTS_FILE = 'input-folders.json';

/** Where the file lists of inputs too long for BENCHTOP_INPUT_DATASETS go (relative to the run's folder). */
export const INPUT_FILE_LISTS = 'inputs/.files';

/**
 * Removes a run's input folders when its script has ended: links into the blob store and verified copies that
 * Benchtop made and nothing else (the run records which versions it used). Read-only folders are made writable
 * first so they can go. Idempotent; kept to fs and path (finalizeRunFiles calls it on every run's end).
 */
export function releaseRunInputs(runDir: string): void {
  const record = path.join(runDir, PLACED_INPUTS_FILE);
  let folders: string[];
  try {
    folders = JSON.parse(fs.readFileSync(record, 'utf8')) as string[];
  } catch {
    return;
  }
  for (const rel of folders) {
    const folder = path.join(runDir, ...rel.split('/'));
    if (!folder.startsWith(runDir + path.sep)) continue;
    makeFoldersWritable(folder);
    fs.rmSync(folder, { recursive: true, force: true });
  }
  fs.rmSync(path.join(runDir, ...INPUT_FILE_LISTS.split('/')), { recursive: true, force: true });
  // inputs/ itself, once nothing is left in it.
  try {
    fs.rmdirSync(path.join(runDir, 'inputs'));
  } catch {
    // Not there, or not empty: leave it.
  }
  fs.rmSync(record, { force: true });
}

/** Folders only, never following links: a link's target (a blob) keeps its read-only mode. */
function makeFoldersWritable(folder: string): void {
  const stat = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return;
  fs.chmodSync(folder, 0o755);
  for (const entry of fs.readdirSync(folder, { withFileTypes: true }))
    if (entry.isDirectory()) makeFoldersWritable(path.join(folder, entry.name));
}
