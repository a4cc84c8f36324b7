import type { Db } from '../workspace/database';
import type { ParameterValue } from './parameterSpace';

/** A row of `sweeps` (migration 14). */
export interface SweepRow {
  id: string;
  experiment: string;
  /** The parsed SubmitSweep (defaults filled), JSON. */
  config: string;
  seed: number;
  status: string;
  cancel_requested: number;
  created_at: string;
  ended_at: string | null;
  best_run_id: string | null;
  best_value: number | null;
  message: string | null;
  /** JSON array of strings. */
  warnings: string;
}

/** A row of `sweep_trials`. */
export interface TrialRow {
  sweep_id: string;
  n: number;
  run_id: string;
  /** JSON: the sampled values keyed as in the space. */
  params: string;
  early_terminated: number;
  primary_value: number | null;
  steps: number;
}

/** SQL of the sweeps and their trials; callers hold transactions where read-then-write must be atomic. */
export class SweepStore {
  constructor(private readonly db: Db) {}

  insert(row: Omit<SweepRow, 'cancel_requested' | 'ended_at' | 'best_run_id' | 'best_value' | 'message'>): void {
    this.db
      .prepare(
        `INSERT INTO sweeps(id, experiment, config, seed, status, created_at, warnings)
         VALUES (@id, @experiment, @config, @seed, @status, @created_at, @warnings)`,
      )
      .run(row);
  }

  get(id: string): SweepRow | undefined {
    return this.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepRow | undefined;
  }

  list(experiment: string | undefined, limit: number): SweepRow[] {
    const order = 'ORDER BY created_at DESC, rowid DESC LIMIT @limit';
    return (
      experiment
        ? this.db.prepare(`SELECT * FROM sweeps WHERE experiment = @experiment ${order}`)
        : this.db.prepare(`SELECT * FROM sweeps ${order}`)
    ).all({ limit, ...(experiment ? { experiment } : {}) }) as SweepRow[];
  }

  unfinished(): SweepRow[] {
    return this.db
      .prepare("SELECT * FROM sweeps WHERE status = 'Running' ORDER BY created_at, rowid")
      .all() as SweepRow[];
  }

  update(id: string, fields: Partial<Omit<SweepRow, 'id'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db
      .prepare(`UPDATE sweeps SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`)
      .run({ ...fields, id });
  }

  trials(sweepId: string): TrialRow[] {
    return this.db.prepare('SELECT * FROM sweep_trials WHERE sweep_id = ? ORDER BY n').all(sweepId) as TrialRow[];
  }

  trialCount(sweepId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM sweep_trials WHERE sweep_id = ?').get(sweepId) as { n: number })
      .n;
  }

  insertTrial(sweepId: string, n: number, runId: string, params: Record<string, ParameterValue>): void {
    this.db
      .prepare('INSERT INTO sweep_trials(sweep_id, n, run_id, params) VALUES (?, ?, ?, ?)')
      .run(sweepId, n, runId, JSON.stringify(params));
  }

  updateTrial(
    sweepId: string,
    n: number,
    fields: Partial<Pick<TrialRow, 'early_terminated' | 'primary_value' | 'steps'>>,
  ): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db
      .prepare(
        `UPDATE sweep_trials SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE sweep_id = @sweepId AND n = @n`,
      )
      .run({ ...fields, sweepId, n });
  }
}
