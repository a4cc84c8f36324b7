import type { RunQuery, RunStatus, RunSummary } from '../../../shared/api/runTypes';
import type { Db } from '../workspace/database';

/** A query after validation (defaults filled). */
export type ParsedRunQuery = Required<Pick<RunQuery, 'sortOrder' | 'limit' | 'offset'>> &
  Omit<RunQuery, 'sortOrder' | 'limit' | 'offset'>;

export interface RunRow {
  id: string;
  experiment: string;
  status: RunStatus;
  script: string;
  arguments: string;
  environment: string;
  build_key: string | null;
  target: string;
  source_dir: string;
  max_duration_s: number | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  exit_code: number | null;
  reason: string | null;
  supervisor_pid: number | null;
  metrics: string;
  tags: string;
}

export function rowToSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    experiment: row.experiment,
    status: row.status,
    script: row.script,
    arguments: JSON.parse(row.arguments) as string[],
    environment: row.environment,
    buildKey: row.build_key,
    target: row.target,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    exitCode: row.exit_code,
    reason: row.reason,
    metrics: JSON.parse(row.metrics) as RunSummary['metrics'],
    tags: JSON.parse(row.tags) as Record<string, string>,
  };
}

/** The `$."name"` JSON path of a metric or tag, with the name quoted safely. */
function jsonPath(name: string): string {
  return `$.${JSON.stringify(name)}`;
}

/** Runs as rows in SQLite: one place for their queries. */
export class RunStore {
  constructor(private readonly db: Db) {}

  insert(
    row: Omit<RunRow, 'started_at' | 'ended_at' | 'exit_code' | 'reason' | 'supervisor_pid' | 'metrics' | 'tags'>,
  ): void {
    this.db
      .prepare(
        `INSERT INTO runs(id, experiment, status, script, arguments, environment, build_key, target, source_dir, max_duration_s, created_at)
         VALUES (@id, @experiment, @status, @script, @arguments, @environment, @build_key, @target, @source_dir, @max_duration_s, @created_at)`,
      )
      .run(row);
  }

  get(id: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  }

  update(id: string, fields: Partial<Omit<RunRow, 'id'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db
      .prepare(`UPDATE runs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`)
      .run({ ...fields, id });
  }

  /** Filtered, sorted page of runs plus the total that match. */
  list(q: ParsedRunQuery): { rows: RunRow[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (q.experiment) {
      where.push('experiment = @experiment');
      params.experiment = q.experiment;
    }
    if (q.status) {
      where.push('status = @status');
      params.status = q.status;
    }
    if (q.tag) {
      const [key, ...rest] = q.tag.split('=');
      params.tagPath = jsonPath(key ?? '');
      if (rest.length > 0) {
        where.push('json_extract(tags, @tagPath) = @tagValue');
        params.tagValue = rest.join('=');
      } else where.push('json_type(tags, @tagPath) IS NOT NULL');
    }
    if (q.metric) {
      where.push(
        `CAST(json_extract(metrics, @metricPath) AS REAL) ${q.metric.op === '=' ? '=' : q.metric.op} @metricValue AND json_type(metrics, @metricPath) IN ('integer', 'real')`,
      );
      params.metricPath = jsonPath(q.metric.name);
      params.metricValue = q.metric.value;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const direction = q.sortOrder === 'asc' ? 'ASC' : 'DESC';
    let order = `created_at ${direction}`;
    if (q.sortMetric) {
      params.sortPath = jsonPath(q.sortMetric);
      // Runs without the metric go last whichever the direction.
      order = `json_extract(metrics, @sortPath) IS NULL, json_extract(metrics, @sortPath) ${direction}, created_at DESC`;
    }
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM runs ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset }) as RunRow[];
    return { rows, total };
  }

  experiments(): { name: string; runs: number; lastRunAt: string }[] {
    return this.db
      .prepare(
        'SELECT experiment AS name, COUNT(*) AS runs, MAX(created_at) AS lastRunAt FROM runs GROUP BY experiment ORDER BY lastRunAt DESC',
      )
      .all() as {
      name: string;
      runs: number;
      lastRunAt: string;
    }[];
  }

  /** Runs that are not finished: candidates for re-attaching or for being marked failed. */
  unfinished(): RunRow[] {
    return this.db
      .prepare("SELECT * FROM runs WHERE status NOT IN ('Completed', 'Failed', 'Canceled')")
      .all() as RunRow[];
  }
}
