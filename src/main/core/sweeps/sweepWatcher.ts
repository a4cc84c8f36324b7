import type { EventBus } from '../events';
import type { Db } from '../workspace/database';
import { pollEvery } from '../../queue/dbPoll';

const POLL_MS = 500;

/**
 * Emits sweeps.changed in a long-lived process (the app, `serve`) when a running sweep's trials log their primary
 * metric, are added or stopped, or the sweep ends: the queue owner makes those changes in its own process, where
 * nobody listens. One query over the running sweeps per poll; a sweep that ends is reported once more.
 */
export function watchSweeps(db: Db, bus: EventBus): () => void {
  const read = db.prepare(
    `SELECT s.id, s.status || '|' || coalesce(s.best_run_id, '') || '|' || coalesce(s.message, '') || '|' ||
            coalesce((SELECT group_concat(t.n || ':' || coalesce(t.primary_value, '') || ':' || t.steps || ':' || t.early_terminated, ';')
                      FROM sweep_trials t WHERE t.sweep_id = s.id), '') AS print
       FROM sweeps s WHERE s.status = 'Running'`,
  );
  let last = new Map<string, string>();
  let first = true;
  return pollEvery(POLL_MS, () => {
    const now = new Map((read.all() as { id: string; print: string }[]).map((r) => [r.id, r.print]));
    if (!first) {
      for (const [id, print] of now) if (last.get(id) !== print) bus.emit('sweeps.changed', { sweepId: id });
      for (const id of last.keys()) if (!now.has(id)) bus.emit('sweeps.changed', { sweepId: id });
    }
    first = false;
    last = now;
  });
}
