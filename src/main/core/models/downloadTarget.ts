import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelFile } from '../../../shared/api/modelTypes';
import { BenchtopError } from '../../../shared/errors';

export interface PlannedFile {
  file: ModelFile;
  destination: string;
  /** The verified copy beside its destination, renamed over it once every file checked out. */
  temp: string | null;
}

/**
 * Writes a model version into a folder the user chose, touching only the version's own files:
 * as Azure's Model.download(exist_ok=True), every other file there stays. Each file is copied
 * to a temporary name in its destination's folder (so the final rename is atomic: a reader
 * sees the old file or the new one), and nothing is renamed into place until every copy has
 * checked out; a failure or cancel removes the temporaries and the folders this download made.
 */
export class DownloadTarget {
  readonly files: PlannedFile[];
  private readonly createdDirs: string[] = [];

  constructor(
    private readonly directory: string,
    files: ModelFile[],
    existOk: boolean,
    modelId: string,
  ) {
    this.files = files.map((file) => ({ file, destination: this.destinationOf(file.path), temp: null }));
    for (const planned of this.files) checkDestination(directory, planned.destination, existOk, modelId);
  }

  private destinationOf(rel: string): string {
    const destination = path.resolve(this.directory, ...rel.split('/'));
    if (!destination.startsWith(this.directory + path.sep))
      throw new BenchtopError('INTERNAL', `The stored model path "${rel}" leaves the download folder.`);
    return destination;
  }

  /** A fresh temporary path beside the file's destination, its folders made (and remembered). */
  prepare(planned: PlannedFile): string {
    const dir = path.dirname(planned.destination);
    this.makeDirs(dir);
    const temp = path.join(
      dir,
      `.${path.basename(planned.destination)}.benchtop-download-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    planned.temp = temp;
    return temp;
  }

  /** Every copy checked out: each one replaces its destination in one rename. */
  commit(): void {
    for (const planned of this.files) {
      if (!planned.temp) continue;
      fs.renameSync(planned.temp, planned.destination);
      planned.temp = null;
    }
  }

  /** Removes what this download created and did not publish: temporaries, then its empty folders. */
  abort(): void {
    for (const planned of this.files) {
      if (planned.temp) fs.rmSync(planned.temp, { force: true });
      planned.temp = null;
    }
    for (const dir of this.createdDirs.reverse()) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // Not empty (a file another process put there, or a published file): it stays.
      }
    }
  }

  private makeDirs(dir: string): void {
    // Up to the first folder that exists (the download folder itself may be new).
    const missing: string[] = [];
    for (let d = dir; !fs.existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) {
      try {
        fs.mkdirSync(d);
        this.createdDirs.push(d);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
}

/** Refuses, before anything is written, a destination that would mean replacing something that is not the model's file. */
function checkDestination(directory: string, destination: string, existOk: boolean, modelId: string): void {
  for (let d = path.dirname(destination); ; d = path.dirname(d)) {
    const stat = fs.statSync(d, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory())
      throw new BenchtopError(
        'ALREADY_EXISTS',
        `${d} is a file, where ${modelId} ${d === directory ? 'is to be downloaded' : 'has a folder'}. Nothing was written.`,
        'Move that file away, or download to another folder.',
      );
    if (d === directory) break;
  }
  const existing = fs.lstatSync(destination, { throwIfNoEntry: false });
  if (!existing) return;
  if (existing.isDirectory())
    throw new BenchtopError(
      'ALREADY_EXISTS',
      `${destination} is a folder, where ${modelId} has a file. Nothing was written.`,
      'Move that folder away, or download to another folder.',
    );
  if (!existOk)
    throw new BenchtopError(
      'ALREADY_EXISTS',
      `File already exists: ${destination}. To overwrite, set exist_ok to True.`,
      "Pass --exist-ok to overwrite the model's own files (other files in the folder stay), or choose another folder.",
    );
}
