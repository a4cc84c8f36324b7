import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';

/**
 * Runs from before the params column (migration 15) are queued in runs_params_backfill; this fills their column
 * from their events files a slice at a time: a background pass while the core is open, and a short one before
 * runs.table, so neither opening a big workspace nor the first table waits on thousands of files. Only the params
 * column is written (merged, as every params write is), and each run leaves the queue once done, so the work is
 * done once, resumes after a crash, and two processes doing it at once do the same harmless thing.
 */

const BATCH = 32;
const CHUNK_BYTES = 1 << 20;
/** Between background slices: the core's other work (a UI's calls) runs in the gaps. */
const PAUSE_MS = 20;
const SLICE_MS = 40;

export function backfillParams(db: Db, paths: WorkspacePaths, budgetMs: number): { filled: number; left: boolean } {
  const started = performance.now();
  const next = db.prepare('SELECT run_id FROM runs_params_backfill LIMIT ?').pluck();
  const fill = db.prepare(
    "UPDATE runs SET params = json_patch(@params, CASE WHEN json_valid(params) THEN params ELSE '{}' END) WHERE id = @id",
  );
  const forget = db.prepare('DELETE FROM runs_params_backfill WHERE run_id = ?');
  let filled = 0;
  for (;;) {
    const ids = next.all(BATCH) as string[];
    if (ids.length === 0) return { filled, left: false };
    // Files are read outside the transaction: the write lock is held only for the quick writes.
    const found = ids.map((id) => ({ id, params: loggedParams(path.join(paths.runDir(id), 'events.jsonl')) }));
    db.transaction(() => {
      for (const { id, params } of found) {
        if (Object.keys(params).length) {
          fill.run({ id, params: JSON.stringify(params) });
          filled++;
        }
        forget.run(id);
      }
    }).immediate();
    if (performance.now() - started >= budgetMs) return { filled, left: true };
  }
}

/** Starts the background pass when there is work; returns its stop (the core's close calls it before the db's). */
export function startParamsBackfill(db: Db, paths: WorkspacePaths, log: (line: string) => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const slice = () => {
    timer = null;
    try {
      if (backfillParams(db, paths, SLICE_MS).left) schedule();
    } catch (err) {
      // A busy database (another process writing) or a closed one: the queue keeps the rest for the next start.
      log(`params backfill paused: ${(err as Error).message}`);
    }
  };
  const schedule = () => {
    timer = setTimeout(slice, PAUSE_MS);
    timer.unref(); // a CLI command exits when it is done; the queue keeps what is left
  };
  if (db.prepare('SELECT 1 FROM runs_params_backfill LIMIT 1').get()) schedule();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}

/**
 * The params lines of an events file, read in chunks and parsed only where a line names "params" (the rest of a
 * big run's file is metrics, never parsed here). A name keeps its first value, as the fold does.
 */
export function loggedParams(file: string): Record<string, string> {
  // A Map, not an object: a param named __proto__ is a name like any other.
  const out = new Map<string, string>();
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return {};
  }
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8'); // a character split across two chunks stays whole
    let carry = '';
    let position = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, CHUNK_BYTES, position);
      if (n === 0) break;
      position += n;
      const lines = (carry + decoder.write(buffer.subarray(0, n))).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) addParams(line, out);
    }
    addParams(carry, out);
  } finally {
    fs.closeSync(fd);
  }
  return Object.fromEntries(out);
}

function addParams(line: string, out: Map<string, string>): void {
  if (!line.includes('"params"')) return;
  try {
    const event = JSON.parse(line) as { type?: unknown; params?: unknown };
    if (event.type !== 'params' || !event.params || typeof event.params !== 'object') return;
    for (const [key, value] of Object.entries(event.params as Record<string, unknown>))
      if (!out.has(key)) out.set(key, String(value));
  } catch {
    // A torn or foreign line: skipped, as readRunEvents does.
  }
}
