import { Settings } from '../../../shared/api/types';
import type { Db } from './database';

const DEFAULTS: Settings = {
  offline: false,
  installer: 'auto',
  condaPath: null,
  snapshotMaxMb: 300,
  snapshotMaxFiles: 2000,
  dockerHost: null,
  dockerDefaultBaseImage: null,
  serviceHeaderTimeoutS: 10,
  serviceBodyTimeoutS: 30,
  serviceIdleTimeoutS: 60,
  serviceWriteTimeoutS: 30,
  serviceMaxConnections: 1000,
  queueCpus: null,
  queueMaxConcurrentRuns: null,
  queueDefaultGpus: null,
  dockerPool: [],
  systemMetricsIntervalS: 5,
};

export function readSettings(db: Db): Settings {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  const parsed = Settings.safeParse({ ...DEFAULTS, ...stored });
  return parsed.success ? parsed.data : DEFAULTS;
}

export function writeSettings(db: Db, patch: Partial<Settings>): Settings {
  const merged = Settings.parse({ ...readSettings(db), ...patch });
  const upsert = db.prepare(
    'INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  db.transaction(() => {
    for (const [key, value] of Object.entries(patch))
      if (value !== undefined) upsert.run(key, JSON.stringify(merged[key as keyof Settings]));
  }).immediate();
  return merged;
}
