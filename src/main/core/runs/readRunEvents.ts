import fs from 'node:fs';
import type { RunEvent } from '../../../shared/api/runEvents';

/**
 * Reads the complete lines after `offset` (a torn last line is left for the
 * next read: the script may be writing it). Returns the events and where to
 * continue, so a live run is tailed without re-reading the file.
 */
export function readRunEvents(file: string, offset = 0): { events: RunEvent[]; offset: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { events: [], offset };
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return { events: [], offset };
    const buffer = Buffer.alloc(size - offset);
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    const end = buffer.lastIndexOf(0x0a);
    if (end < 0) return { events: [], offset };
    const events: RunEvent[] = [];
    for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as RunEvent);
      } catch {
        // A line that is not JSON (written by something else): skipped, never fatal.
      }
    }
    return { events, offset: offset + end + 1 };
  } finally {
    fs.closeSync(fd);
  }
}
