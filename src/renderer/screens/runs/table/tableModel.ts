import type { RunSummary } from '../../../../shared/api/runTypes';
import { argumentParams } from '../../../../shared/runs/argumentParams';

/** A column: a fixed one, a parameter (`param:lr`) or a metric (`metric:accuracy`). */
export type ColumnId = string;
export const FIXED_COLUMNS = ['status', 'experiment', 'environment', 'duration'] as const;
export const paramColumn = (name: string): ColumnId => `param:${name}`;
export const metricColumn = (name: string): ColumnId => `metric:${name}`;

/** The column's header text: a parameter or metric by its own name. */
export function columnLabel(id: ColumnId): string {
  if (id.startsWith('param:')) return id.slice(6);
  if (id.startsWith('metric:')) return id.slice(7);
  return id === 'environment' ? 'Environment' : id[0]?.toUpperCase() + id.slice(1);
}

export interface TableRun {
  run: RunSummary;
  depth: number;
  params: Record<string, string>;
}

const paramCache = new WeakMap<RunSummary, Record<string, string>>();
/** A run's params, parsed once per summary object (a live update brings a new object). */
export function runParams(run: RunSummary): Record<string, string> {
  let params = paramCache.get(run);
  // MLflow-logged params win a name clash with the command line's: the script logs the value it really used.
  if (!params) paramCache.set(run, (params = { ...argumentParams(run.arguments), ...run.params }));
  return params;
}

export function durationSeconds(run: Pick<RunSummary, 'startedAt' | 'endedAt'>, now = Date.now()): number | null {
  if (!run.startedAt) return null;
  return ((run.endedAt ? Date.parse(run.endedAt) : now) - Date.parse(run.startedAt)) / 1000;
}

/** What a cell holds, for sorting and filtering (numbers stay numbers). */
export function cellValue(row: TableRun, id: ColumnId): string | number | boolean | null {
  if (id.startsWith('param:')) return row.params[id.slice(6)] ?? null;
  if (id.startsWith('metric:')) return row.run.metrics[id.slice(7)] ?? null;
  if (id === 'run') return row.run.displayName ?? row.run.id;
  if (id === 'duration') return durationSeconds(row.run);
  if (id === 'status' || id === 'experiment' || id === 'environment') return row.run[id];
  return null;
}

/** Numbers as numbers ("0.01" < "0.1"), then text in natural order ("run_2" < "run_10"); empty cells last. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
export function compareCells(a: unknown, b: unknown): number {
  const emptyA = a === null || a === undefined || a === '';
  const emptyB = b === null || b === undefined || b === '';
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na !== null && nb !== null) return na - nb;
  if (na !== null) return -1;
  if (nb !== null) return 1;
  return collator.compare(String(a), String(b));
}

export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function sortRows(rows: TableRun[], sort: { column: ColumnId; desc: boolean } | null): TableRun[] {
  if (!sort) return rows;
  const keyed = rows.map((row) => ({ row, key: cellValue(row, sort.column) }));
  keyed.sort((x, y) => {
    const c = compareCells(x.key, y.key);
    // Empty cells stay last in either direction.
    const empty = x.key === null || y.key === null || x.key === '' || y.key === '';
    return sort.desc && !empty ? -c : c;
  });
  return keyed.map((k) => k.row);
}
