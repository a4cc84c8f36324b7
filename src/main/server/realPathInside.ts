import fs from 'node:fs/promises';
import path from 'node:path';

/** True when `candidate` is `root` itself or below it (both already absolute and resolved). */
export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * The real path of `candidate` (every symlink followed) when it exists and lies inside the real
 * path of `root`; null otherwise. A lexical check alone lets a symlink inside the folder hand out
 * any file on the machine.
 */
export async function realPathInside(root: string, candidate: string): Promise<string | null> {
  if (!isInside(path.resolve(root), path.resolve(candidate))) return null;
  try {
    const [realRoot, real] = await Promise.all([fs.realpath(root), fs.realpath(candidate)]);
    return isInside(realRoot, real) ? real : null;
  } catch {
    return null; // Missing, a dangling link, a loop (ELOOP) or unreadable: nothing to serve.
  }
}
