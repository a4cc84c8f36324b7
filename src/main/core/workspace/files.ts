import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that readers see the old or the new content, never half of it.
 * `durable` adds an fsync (survives a power cut); without it, the rename is still atomic.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, durable = true): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    try {
      if (typeof data === 'string') fs.writeSync(fd, data);
      else fs.writeSync(fd, data);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    // A full disk or a folder in the way: the half-written temp file is ours, so it goes; the target is untouched.
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Total bytes of a folder tree (links not followed). */
export function folderSize(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) total += fs.lstatSync(full).size;
    }
  }
  return total;
}

export function nowIso(): string {
  return new Date().toISOString();
}
