import type { EventBus } from '../events';
import type { Db } from '../workspace/database';

const WATCH_INTERVAL_MS = 700;

/**
 * One line per dataset name that changes whenever anything the UI shows about it changes: its versions,
 * tags, description, profile, and the runs and models recorded against it.
 */
const FINGERPRINTS = `
  SELECT name, group_concat(part, '|') AS print FROM (
    SELECT name, version || ':' || uuid || ':' || tags || ':' || coalesce(description, '') || ':' ||
           length(coalesce(profile, '')) || ':' || hidden AS part FROM datasets
    UNION ALL SELECT name, 'r' || run_id || ':' || input_name || ':' || version FROM run_datasets
    UNION ALL SELECT name, 'm' || model || ':' || model_version || ':' || version FROM model_datasets
    ORDER BY 1, 2
  ) GROUP BY name`;

/**
 * Tells the UI about dataset changes made by other processes (the CLI, a script's Dataset.register):
 * SQLite's data_version moves only on other connections' commits, so an idle workspace costs one
 * pragma per tick; when it moves, the names whose fingerprint changed get datasets.changed.
 * Changes made in this process emit their own events already (one may be announced again with the
 * next outside change: a harmless extra refresh).
 */
export function watchDatasetChanges(db: Db, bus: EventBus): () => void {
  let dataVersion = db.pragma('data_version', { simple: true }) as number;
  let prints = readPrints(db);
  const timer = setInterval(() => {
    if (!db.open) return stop();
    const now = db.pragma('data_version', { simple: true }) as number;
    if (now === dataVersion) return;
    dataVersion = now;
    const next = readPrints(db);
    for (const name of new Set([...prints.keys(), ...next.keys()]))
      if (prints.get(name) !== next.get(name)) bus.emit('datasets.changed', { name });
    prints = next;
  }, WATCH_INTERVAL_MS);
  timer.unref();
  const stop = () => clearInterval(timer);
  return stop;
}

function readPrints(db: Db): Map<string, string> {
  const rows = db.prepare(FINGERPRINTS).all() as { name: string; print: string }[];
  return new Map(rows.map((r) => [r.name, r.print]));
}
