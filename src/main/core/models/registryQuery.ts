import type { Db } from '../workspace/database';

/** What the model and dataset registries' records share for listing. */
interface VersionedRecord {
  name: string;
  version: number;
  createdAt: string;
}

/** Newest first; ties (same millisecond) by name, then higher version first. */
export function newestFirst(a: VersionedRecord, b: VersionedRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.name === b.name ? b.version - a.version : a.name < b.name ? -1 : 1;
}

/** A JSON path for a key SQLite can match, or null for keys it cannot quote (matched in JS instead). */
function jsonPath(key: string): string | null {
  return /["\\]/.test(key) ? null : `$."${key}"`;
}

/** "key" (the key is there) or "key=value" against a record of strings (tags, properties). */
export function matchesFilter(values: Record<string, string>, filter: string): boolean {
  const at = filter.indexOf('=');
  if (at < 0) return Object.hasOwn(values, filter);
  return values[filter.slice(0, at)] === filter.slice(at + 1);
}

/**
 * Narrows by "key" / "key=value" filters on a JSON column of strings in SQL, appending to `where` and `params`.
 * Returns the filters whose key SQLite cannot quote: the caller matches those after the query (matchesFilter).
 */
export function addJsonFilters(
  column: string,
  filters: string[] | undefined,
  where: string[],
  params: unknown[],
): string[] {
  const leftover: string[] = [];
  for (const filter of filters ?? []) {
    const at = filter.indexOf('=');
    const keyPath = jsonPath(at < 0 ? filter : filter.slice(0, at));
    if (!keyPath) leftover.push(filter);
    else if (at < 0) {
      where.push(`json_type(${column}, ?) IS NOT NULL`);
      params.push(keyPath);
    } else {
      where.push(`json_extract(${column}, ?) = ?`);
      params.push(keyPath, filter.slice(at + 1));
    }
  }
  return leftover;
}

/**
 * The records `where` selects, newest first. `recordJson` builds each row's record inside SQLite: one JSON.parse
 * for a whole list is about twice as fast as building row objects one by one (bench/modelList.bench.ts).
 */
export function listNewestFirst<T extends VersionedRecord>(
  db: Db,
  table: string,
  recordJson: string,
  where: string[],
  params: unknown[],
): T[] {
  const sql = `SELECT json_group_array(${recordJson}) FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  // Mostly in insertion order already, so the sort is close to linear.
  return (
    JSON.parse(
      db
        .prepare(sql)
        .pluck()
        .get(...params) as string,
    ) as T[]
  ).sort(newestFirst);
}
