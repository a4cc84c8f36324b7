import type { EventBus } from '../events';
import type { Db } from '../workspace/database';

const WATCH_INTERVAL_MS = 700;

/**
 * Tells the UI about dataset changes made by other processes (the CLI, a script's Dataset.register):
 * SQLite's data_version moves only on other connections' commits, so an idle workspace costs one
 * pragma per tick; when it moves, the names the dataset_changes triggers (migration 13) stamped past
 * the last sequence seen get datasets.changed. Changes made in this process emit their own events
 * already (one may be announced again with the next outside change: a harmless extra refresh).
 */
export function watchDatasetChanges(db: Db, bus: EventBus): () => void {
  let dataVersion = db.pragma('data_version', { simple: true }) as number;
  const latest = db.prepare('SELECT coalesce(max(seq), 0) FROM dataset_changes').pluck();
  const since = db.prepare('SELECT name, seq FROM dataset_changes WHERE seq > ? ORDER BY seq');
  let seen = latest.get() as number;
  const timer = setInterval(() => {
    if (!db.open) return stop();
    const now = db.pragma('data_version', { simple: true }) as number;
    if (now === dataVersion) return;
    dataVersion = now;
    for (const row of since.all(seen) as { name: string; seq: number }[]) {
      seen = Math.max(seen, row.seq);
      bus.emit('datasets.changed', { name: row.name });
    }
  }, WATCH_INTERVAL_MS);
  timer.unref();
  const stop = () => clearInterval(timer);
  return stop;
}
