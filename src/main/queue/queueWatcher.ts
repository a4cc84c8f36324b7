import fs from 'node:fs';
import type { EventBus } from '../core/events';
import type { Db } from '../core/workspace/database';
import { capacityFile } from './capacity';
import { pollEvery } from './dbPoll';

const POLL_MS = 500;

/**
 * Emits queue.changed in a long-lived process (the app, `serve`) whenever a run enters, moves in or leaves the
 * queue, or the capacity changes (settings, GPUs detected): whichever process made the change (the CLI, the queue
 * owner). One indexed query of the unfinished runs per poll.
 */
export function watchQueue(db: Db, root: string, bus: EventBus): () => void {
  let last: string | null = null;
  const read = db.prepare(
    `SELECT group_concat(id || ':' || status || ':' || priority || ':' || coalesce(queue_claimed_at, '') || ':' || assigned, ';')
       AS runs FROM (SELECT * FROM runs WHERE status NOT IN ('Completed', 'Failed', 'Canceled') ORDER BY rowid)`,
  );
  const settings = db.prepare(
    "SELECT group_concat(key || '=' || value, ';') AS s FROM settings WHERE key LIKE 'queue%' OR key = 'dockerPool'",
  );
  return pollEvery(POLL_MS, () => {
    const runs = (read.get() as { runs: string | null }).runs ?? '';
    const limits = (settings.get() as { s: string | null }).s ?? '';
    let detected = 0;
    try {
      detected = fs.statSync(capacityFile(root)).mtimeMs;
    } catch {
      // No owner has run yet.
    }
    const now = `${runs}|${limits}|${detected}`;
    if (last !== null && now !== last) bus.emit('queue.changed', {});
    last = now;
  });
}
