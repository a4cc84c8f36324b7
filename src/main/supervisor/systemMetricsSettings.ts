import type { Db } from '../core/workspace/database';
import { DEFAULT_SYSTEM_METRICS_INTERVAL_S } from './systemMetrics';

/**
 * The sampling interval in seconds (settings key systemMetricsIntervalS; 0 turns sampling off). Read with one query
 * rather than readSettings: that loads zod, and the supervisor keeps its launch to SQLite and its own modules.
 */
export function systemMetricsInterval(db: Db): number {
  try {
    const row = db.prepare("SELECT value FROM settings WHERE key = 'systemMetricsIntervalS'").get() as
      { value: string } | undefined;
    const value = row ? Number(JSON.parse(row.value)) : DEFAULT_SYSTEM_METRICS_INTERVAL_S;
    return Number.isFinite(value) && value >= 0 ? value : DEFAULT_SYSTEM_METRICS_INTERVAL_S;
  } catch {
    return DEFAULT_SYSTEM_METRICS_INTERVAL_S;
  }
}
