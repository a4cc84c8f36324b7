import fs from 'node:fs';

const LOG_TAIL_BYTES = 1024 * 1024;

/**
 * A service's log from an offset to its end, with the new offset to read on from. Without an offset: the last
 * megabyte, reaching back into the rotated file (log.1) when the new one has just begun.
 */
export function readServiceLog(file: string, offset?: number): { text: string; offset: number } {
  if (!fs.existsSync(file)) return { text: '', offset: 0 };
  const size = fs.statSync(file).size;
  if (offset === undefined) {
    const fromCurrent = Math.max(0, size - LOG_TAIL_BYTES);
    const rotated = `${file}.1`;
    const missing = LOG_TAIL_BYTES - (size - fromCurrent);
    const older = missing > 0 && fs.existsSync(rotated) ? readTail(rotated, missing) : '';
    return { text: older + readRange(file, fromCurrent, size), offset: size };
  }
  // An offset past the end means the log was rotated: the new file is read from its start.
  return { text: readRange(file, offset > size ? 0 : offset, size), offset: size };
}

function readRange(file: string, from: number, to: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, to - from));
    const read = fs.readSync(fd, buffer, 0, buffer.length, from);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function readTail(file: string, bytes: number): string {
  const size = fs.statSync(file).size;
  return readRange(file, Math.max(0, size - bytes), size);
}
