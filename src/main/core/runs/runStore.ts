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
  parent_run_id: string | null;
  display_name: string | null;
  description: string | null;
  properties: string;
  /** JSON: the MLflow-logged params (name -> string), folded from the events file; absent on an insert ('{}'). */
  params?: string;
  run_type: string | null;
  priority: number;
  /** JSON: { cpus?, gpus? } as asked at submit. */
  resources: string;
  /** JSON: { gpus?: number[], engine?: string } as the queue gave them. */
  assigned: string;
  /** 1: a container run that may go to any engine of the pool. */
  pool: number;
  /** When the queue owner took it to start (null: still waiting, a cancel may take it instead). */
  queue_claimed_at: string | null;
  /** Not a column: how many runs name this one as their parent (filled by the queries). */
  child_count?: number;
  /** Not a column: the parent run's target (filled by the queue's queries). */
  parent_target?: string | null;
}

/** The queue's reads: the parent's target tells a sweep trial and a script's child run apart. */
const QUEUE_SELECT =
  'SELECT runs.*, (SELECT p.target FROM runs p WHERE p.id = runs.parent_run_id) AS parent_target FROM runs';

/** What every read selects: the row and its number of children. */
const SELECT = 'SELECT runs.*, (SELECT COUNT(*) FROM runs c WHERE c.parent_run_id = runs.id) AS child_count FROM runs';

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
    properties: JSON.parse(row.properties || '{}') as Record<string, string>,
    params: parseObject(row.params) as Record<string, string>,
    parentRunId: row.parent_run_id,
    displayName: row.display_name,
    description: row.description,
    runType: row.run_type,
    children: row.child_count ?? 0,
    ...queueFields(row),
  };
}

/** What a run asked of the queue and what it was given (defaults for rows from before the queue). */
function queueFields(row: RunRow): Pick<RunSummary, 'priority' | 'resources' | 'assignedGpus' | 'engine'> {
  const asked = parseObject(row.resources) as { cpus?: number; gpus?: number };
  const given = parseObject(row.assigned) as { gpus?: number[]; engine?: string };
  return {
    priority: row.priority ?? 0,
    resources: { cpus: asked.cpus ?? 1, gpus: asked.gpus ?? given.gpus?.length ?? 0 },
    assignedGpus: given.gpus ?? [],
    engine: given.engine ?? null,
  };
}

/** A JSON object column; a malformed one reads as empty (the queue reports it; a listing must not fail on it). */
function parseObject(text: string | null | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(text || '{}') as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The `$."name"` JSON path of a metric or tag, with the name quoted safely. */
function jsonPath(name: string): string {
  return `$.${JSON.stringify(name)}`;
}

/**
 * `column = @column`, except params, which only grow: MLflow params are add-only (a name keeps its first value), so
 * the column's values win over the new fold's, and a writer whose fold lags (the run's supervisor, the app's
 * watcher, an MLflow call after the run ended) never drops a param another writer already stored.
 */
function assignment(column: string): string {
  if (column === 'params')
    return "params = json_patch(@params, CASE WHEN json_valid(params) THEN params ELSE '{}' END)";
  return `${column} = @${column}`;
}

/** Runs as rows in SQLite: one place for their queries. */
export class RunStore {
  constructor(private readonly db: Db) {}

  insert(
    row: Omit<
      RunRow,
      | 'started_at'
      | 'ended_at'
      | 'exit_code'
      | 'reason'
      | 'supervisor_pid'
      | 'metrics'
      | 'tags'
      | 'parent_run_id'
      | 'display_name'
      | 'description'
      | 'properties'
      | 'run_type'
      | 'priority'
      | 'resources'
      | 'assigned'
      | 'pool'
      | 'queue_claimed_at'
    > &
      Partial<
        Pick<
          RunRow,
          | 'priority'
          | 'resources'
          | 'assigned'
          | 'pool'
          | 'parent_run_id'
          | 'display_name'
          | 'description'
          | 'properties'
          | 'run_type'
          | 'tags'
          | 'started_at'
          | 'supervisor_pid'
        >
      >,
  ): void {
    this.db
      .prepare(
        `INSERT INTO runs(id, experiment, status, script, arguments, environment, build_key, target, source_dir, max_duration_s, created_at,
                          parent_run_id, display_name, description, properties, run_type, tags, started_at, supervisor_pid,
                          priority, resources, assigned, pool)
         VALUES (@id, @experiment, @status, @script, @arguments, @environment, @build_key, @target, @source_dir, @max_duration_s, @created_at,
                 @parent_run_id, @display_name, @description, @properties, @run_type, @tags, @started_at, @supervisor_pid,
                 @priority, @resources, @assigned, @pool)`,
      )
      .run({
        priority: 0,
        resources: '{}',
        assigned: '{}',
        pool: 0,
        parent_run_id: null,
        display_name: null,
        description: null,
        properties: '{}',
        run_type: null,
        tags: '{}',
        started_at: null,
        supervisor_pid: null,
        ...row,
      });
  }

  /** Runs fn holding the write lock (IMMEDIATE): read-then-insert is safe across processes. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  get(id: string): RunRow | undefined {
    return this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as RunRow | undefined;
  }

  /** The runs whose parent is `id`, oldest first. */
  children(id: string): RunRow[] {
    return this.db.prepare(`${SELECT} WHERE parent_run_id = ? ORDER BY created_at, rowid`).all(id) as RunRow[];
  }

  update(id: string, fields: Partial<Omit<RunRow, 'id'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db.prepare(`UPDATE runs SET ${keys.map(assignment).join(', ')} WHERE id = @id`).run({ ...fields, id });
  }

  /** Updates a run only while it is unfinished (a live summary must not overwrite a final one). */
  updateUnfinished(id: string, fields: Partial<Omit<RunRow, 'id' | 'child_count'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db
      .prepare(
        `UPDATE runs SET ${keys.map(assignment).join(', ')} WHERE id = @id AND status NOT IN ('Completed', 'Failed', 'Canceled')`,
      )
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
    const keyValue = (column: 'tags' | 'properties', filter: string, n: number) => {
      const [key, ...rest] = filter.split('=');
      params[`${column}Path${n}`] = jsonPath(key ?? '');
      if (rest.length > 0) {
        where.push(`json_extract(${column}, @${column}Path${n}) = @${column}Value${n}`);
        params[`${column}Value${n}`] = rest.join('=');
      } else where.push(`json_type(${column}, @${column}Path${n}) IS NOT NULL`);
    };
    [...(q.tag ? [q.tag] : []), ...(q.tags ?? [])].forEach((filter, n) => keyValue('tags', filter, n));
    (q.properties ?? []).forEach((filter, n) => keyValue('properties', filter, n));
    if (q.parentRunId) {
      where.push('parent_run_id = @parentRunId');
      params.parentRunId = q.parentRunId;
    }
    if (q.topLevel) where.push('parent_run_id IS NULL');
    if (q.runType) {
      where.push('run_type = @runType');
      params.runType = q.runType;
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
    // rowid breaks ties: runs made in the same millisecond (create_children) keep their order.
    let order = `created_at ${direction}, runs.rowid ${direction}`;
    if (q.sortMetric) {
      params.sortPath = jsonPath(q.sortMetric);
      // Runs without the metric go last whichever the direction.
      order = `json_extract(metrics, @sortPath) IS NULL, json_extract(metrics, @sortPath) ${direction}, created_at DESC`;
    }
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`${SELECT} ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
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

  /** Runs waiting in the queue (not claimed yet), in start order: priority, then submit order. */
  queued(): RunRow[] {
    return this.db
      .prepare(
        `${QUEUE_SELECT} WHERE status = 'Queued' AND queue_claimed_at IS NULL AND supervisor_pid IS NULL
           AND target IN ('local', 'docker')
         ORDER BY priority DESC, created_at ASC, runs.rowid ASC`,
      )
      .all() as RunRow[];
  }

  /** Runs the queue started that are not finished: they hold slots, GPUs and engine slots. */
  claimedUnfinished(): RunRow[] {
    return this.db
      .prepare(
        `${QUEUE_SELECT} WHERE queue_claimed_at IS NOT NULL AND status NOT IN ('Completed', 'Failed', 'Canceled')
         ORDER BY queue_claimed_at, runs.rowid`,
      )
      .all() as RunRow[];
  }

  /** Whether any run waits in the queue (cheap: the queue index). */
  hasQueued(): boolean {
    return Boolean(
      this.db
        .prepare(
          `SELECT 1 FROM runs WHERE status = 'Queued' AND queue_claimed_at IS NULL AND supervisor_pid IS NULL
           AND target IN ('local', 'docker') LIMIT 1`,
        )
        .get(),
    );
  }

  /**
   * Takes a queued run to start it, with what it was given, in one IMMEDIATE transaction: true only for the one
   * caller that changed the row (a cancel or another owner that got there first leaves it unchanged).
   */
  claim(id: string, assigned: string, at: string): boolean {
    return this.updateIfUnclaimed('queue_claimed_at = ?, assigned = ?', [at, assigned], id);
  }

  /** Cancels a run still waiting in the queue (never started); false when the queue claimed it first. */
  cancelQueued(id: string, reason: string, at: string): boolean {
    return this.updateIfUnclaimed("status = 'Canceled', ended_at = ?, reason = ?", [at, reason], id);
  }

  /**
   * SET `assignments` on a run only while it is Queued and no owner has claimed it, in one IMMEDIATE transaction:
   * whether it changed the row. Claim, cancel and priority share this guard, so a claim and a cancel never both win.
   */
  private updateIfUnclaimed(assignments: string, values: unknown[], id: string): boolean {
    return this.transaction(
      () =>
        this.db
          .prepare(`UPDATE runs SET ${assignments} WHERE id = ? AND status = 'Queued' AND queue_claimed_at IS NULL`)
          .run(...values, id).changes === 1,
    );
  }

  setPriority(id: string, priority: number): boolean {
    return this.updateIfUnclaimed('priority = ?', [priority], id);
  }

  /** Runs that are not finished: candidates for re-attaching or for being marked failed. */
  unfinished(): RunRow[] {
    return this.db.prepare(`${SELECT} WHERE status NOT IN ('Completed', 'Failed', 'Canceled')`).all() as RunRow[];
  }
}
