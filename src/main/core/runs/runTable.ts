import { RunTableQuery, type RunTable, type RunTableRow } from '../../../shared/api/runTypes';
import { argumentParams } from '../../../shared/runs/argumentParams';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { backfillParams } from './paramsBackfill';

interface TableRow {
  id: string;
  display_name: string | null;
  experiment: string;
  status: RunTableRow['status'];
  parent_run_id: string | null;
  started_at: string | null;
  ended_at: string | null;
  arguments: string;
  metrics: string;
  params: string;
}

/** How long a table call may spend filling params of runs from before the column (the core's pass does the rest). */
const BACKFILL_BUDGET_MS = 250;

/**
 * The runs table for many runs at once: one query for the page, one for the metric names and two for the
 * parameter names (command-line and MLflow-logged, over every matching run, so the column chooser offers columns
 * the page does not show). Nothing per run: 10,000 runs cost four statements, not 10,000 (the list's child count
 * subquery is left out). With `paths`, runs from before the params column get theirs first, within a budget.
 */
export function runTable(
  db: Db,
  input: RunTableQuery,
  options: { paths?: WorkspacePaths; now?: number } = {},
): RunTable {
  const q = RunTableQuery.parse(input);
  const now = options.now ?? Date.now();
  if (options.paths) backfillParams(db, options.paths, BACKFILL_BUDGET_MS);
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.experiment) {
    where.push('experiment = @experiment');
    params.experiment = q.experiment;
  }
  if (q.topLevel) where.push('parent_run_id IS NULL');
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT id, display_name, experiment, status, parent_run_id, started_at, ended_at, arguments, metrics, params
       FROM runs ${clause} ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: q.limit, offset: q.offset }) as TableRow[];
  const metricKeys = (
    db
      .prepare(`SELECT DISTINCT m.key AS key FROM runs, json_each(runs.metrics) m ${clause} ORDER BY m.key`)
      .all(params) as { key: string }[]
  ).map((r) => r.key);
  // Many runs share their arguments (a sweep's template): parse each distinct command line once.
  const paramKeys = new Set<string>();
  for (const { arguments: text } of db.prepare(`SELECT DISTINCT arguments FROM runs ${clause}`).all(params) as {
    arguments: string;
  }[])
    for (const key of Object.keys(argumentParams(parseArguments(text)))) paramKeys.add(key);
  // json_valid: one malformed row must not fail the table (json_each would raise on it).
  for (const { key } of db
    .prepare(
      `SELECT DISTINCT p.key AS key FROM runs, json_each(CASE WHEN json_valid(runs.params) THEN runs.params ELSE '{}' END) p ${clause}`,
    )
    .all(params) as { key: string }[])
    paramKeys.add(key);
  return {
    runs: rows.map((row) => toTableRow(row, now)),
    paramKeys: [...paramKeys].sort(),
    metricKeys,
    total,
  };
}

function toTableRow(row: TableRow, now: number): RunTableRow {
  const start = row.started_at ? Date.parse(row.started_at) : null;
  return {
    runId: row.id,
    displayName: row.display_name,
    experiment: row.experiment,
    status: row.status,
    parentRunId: row.parent_run_id,
    startTime: row.started_at,
    duration: start === null ? null : ((row.ended_at ? Date.parse(row.ended_at) : now) - start) / 1000,
    // Logged params win a name clash: the script logs the value it actually used (after its own defaults and
    // parsing), while the command line is only what it was given; MLflow shows the logged one too.
    params: { ...argumentParams(parseArguments(row.arguments)), ...parseLoggedParams(row.params) },
    metrics: parseMetrics(row.metrics),
  };
}

/** A malformed column reads as empty: one bad row must not fail the table. */
function parseArguments(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

function parseMetrics(text: string): RunTableRow['metrics'] {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as RunTableRow['metrics']) : {};
  } catch {
    return {};
  }
}

function parseLoggedParams(text: string): Record<string, string> {
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}
