import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError, toApiError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';

/** Fails before copying anything when the disk holding `dir` (or its nearest existing parent) cannot hold `needed`. */
export function checkFreeSpace(dir: string, needed: number, what: string): void {
  let existing = dir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  let free: number;
  try {
    const stats = fs.statfsSync(existing);
    free = stats.bavail * stats.bsize;
  } catch (err) {
    throw new BenchtopError('INTERNAL', `Could not read the free space of ${existing}: ${toApiError(err).message}`);
  }
  if (needed > free) {
    throw new BenchtopError(
      'DISK_FULL',
      `Not enough disk space for ${what}: it needs ${formatBytes(needed)}, ${formatBytes(free)} is free on the disk holding ${existing}.`,
      `Free at least ${formatBytes(needed - free)} there, then try again.`,
    );
  }
}
