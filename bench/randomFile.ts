import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';

/** `size` random bytes (no zero pages for the disk or a hash to shortcut), written once in 8 MiB chunks. */
export function writeRandomFile(file: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let written = 0; written < size; written += chunk.length) {
    randomFillSync(chunk);
    fs.writeSync(fd, chunk, 0, Math.min(chunk.length, size - written));
  }
  fs.closeSync(fd);
}

/** New random first 16 bytes: each round's registration stores new content without writing the file again. */
export function freshContent(file: string): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, randomFillSync(Buffer.alloc(16)), 0, 16, 0);
  fs.closeSync(fd);
}
