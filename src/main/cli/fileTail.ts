import fs from 'node:fs';

/**
 * Follows a file that another process appends to (a run's or a service's
 * log): each call writes what was added since the last one. A file that
 * shrank (recreated) is read again from the start.
 */
export function fileTail(file: string, write: (chunk: Buffer) => void, fromEnd = false): () => void {
  let offset = fromEnd && fs.existsSync(file) ? fs.statSync(file).size : 0;
  return () => {
    if (!fs.existsSync(file)) return;
    const size = fs.statSync(file).size;
    if (size < offset) offset = 0;
    if (size === offset) return;
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      fs.readSync(fd, buffer, 0, buffer.length, offset);
      offset = size;
      write(buffer);
    } finally {
      fs.closeSync(fd);
    }
  };
}
