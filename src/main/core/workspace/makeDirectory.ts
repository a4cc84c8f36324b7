import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';

/**
 * `mkdir -p` for folders a user names (download and export targets). Node 20's
 * `fs.mkdirSync(dir, { recursive: true })` never returns for a path under /proc (it retries the
 * ENOENT forever), so a typo like `-d /proc/x` hung the CLI. This walks up to the nearest existing
 * ancestor and creates each missing level itself, failing with the path and the fix instead.
 */
export function makeDirectory(dir: string): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const stat = statOrNull(at);
    if (stat) {
      if (!stat.isDirectory()) throw notAFolder(at, target);
      break;
    }
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && fs.statSync(level).isDirectory()) continue;
      throw new BenchtopError(
        'BAD_INPUT',
        `Cannot create the folder ${target}: making ${level} failed (${code ?? (err as Error).message}).`,
        'Pick a folder you can write to (for example one under your home folder).',
      );
    }
  }
}

/** null where nothing is (ENOENT) or where a file stands in the way above it (ENOTDIR: found further up). */
function statOrNull(at: string): fs.Stats | null {
  try {
    return fs.statSync(at);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

function notAFolder(at: string, target: string): BenchtopError {
  return new BenchtopError(
    'BAD_INPUT',
    at === target ? `${target} is a file, not a folder.` : `Cannot create the folder ${target}: ${at} is a file.`,
    'Pick another folder.',
  );
}
