import { NAME_PATTERN } from '../../../shared/environments/names';
import type { Db } from '../workspace/database';
import { describeValue, doesNotExist, invalidParameter, MlflowError } from './mlflowErrors';

interface ExperimentRow {
  id: number;
  name: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
  tags: string;
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
  tags: { key: string; value: string }[];
}

/**
 * MLflow names experiments by numeric ids; Benchtop by name (runs.experiment). This table gives each Benchtop
 * experiment a stable id the first time MLflow asks about it ("0" is Default, as in MLflow).
 */
export class MlflowExperiments {
  constructor(private readonly db: Db) {}

  /** The id of a Benchtop experiment name, assigned now if it has none yet. */
  idFor(name: string): string {
    // Read first: runs/get asks on every call, and a write would take the workspace's write lock each time.
    const known = this.db.prepare('SELECT id FROM mlflow_experiments WHERE name = ?').get(name) as
      { id: number } | undefined;
    if (known) return String(known.id);
    const now = Date.now();
    this.db
      .prepare('INSERT OR IGNORE INTO mlflow_experiments(name, creation_time, last_update_time) VALUES (?, ?, ?)')
      .run(name, now, now);
    return String((this.db.prepare('SELECT id FROM mlflow_experiments WHERE name = ?').get(name) as { id: number }).id);
  }

  byId(id: unknown): MlflowExperiment {
    const text = typeof id === 'number' ? String(id) : id;
    if (typeof text !== 'string' || !/^\d{1,18}$/.test(text))
      throw invalidParameter(`Invalid experiment ID ${describeValue(id)}: MLflow experiment IDs here are digits.`);
    const row = this.db.prepare('SELECT * FROM mlflow_experiments WHERE id = ?').get(Number(text)) as
      ExperimentRow | undefined;
    if (!row) throw doesNotExist(`No Experiment with id=${text} exists`);
    return toJson(row);
  }

  /** byId, but null (not an error) for an id that names no experiment. */
  find(id: unknown): MlflowExperiment | null {
    try {
      return this.byId(id);
    } catch (err) {
      if (err instanceof MlflowError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw err;
    }
  }

  /** By name: a Benchtop experiment with runs counts even if MLflow never asked about it. */
  byName(name: string): MlflowExperiment | null {
    let row = this.db.prepare('SELECT * FROM mlflow_experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    if (!row && this.db.prepare('SELECT 1 FROM runs WHERE experiment = ? LIMIT 1').get(name)) {
      this.idFor(name);
      row = this.db.prepare('SELECT * FROM mlflow_experiments WHERE name = ?').get(name) as ExperimentRow;
    }
    return row ? toJson(row) : null;
  }

  create(name: unknown, tags: { key: string; value: string }[]): string {
    if (typeof name !== 'string' || !name) throw invalidParameter("Missing value for required parameter 'name'.");
    if (!NAME_PATTERN.test(name))
      throw invalidParameter(
        `Invalid experiment name ${JSON.stringify(name)}: Benchtop experiment names use letters, digits, ".", "_" ` +
          'or "-", starting with a letter or digit (at most 255 characters).',
      );
    if (this.byName(name)) throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
    const now = Date.now();
    const info = this.db
      .prepare('INSERT INTO mlflow_experiments(name, creation_time, last_update_time, tags) VALUES (?, ?, ?, ?)')
      .run(name, now, now, JSON.stringify(Object.fromEntries(tags.map((t) => [t.key, t.value]))));
    return String(info.lastInsertRowid);
  }

  setTag(id: string, key: string, value: string): void {
    const experiment = this.byId(id);
    const tags = Object.fromEntries(experiment.tags.map((t) => [t.key, t.value]));
    tags[key] = value;
    this.db
      .prepare('UPDATE mlflow_experiments SET tags = ?, last_update_time = ? WHERE id = ?')
      .run(JSON.stringify(tags), Date.now(), Number(id));
  }

  /** Every experiment: those MLflow knows and every Benchtop experiment with runs (given ids now). */
  all(): MlflowExperiment[] {
    const names = this.db.prepare('SELECT DISTINCT experiment AS name FROM runs').all() as { name: string }[];
    const known = new Set(
      (this.db.prepare('SELECT name FROM mlflow_experiments').all() as { name: string }[]).map((r) => r.name),
    );
    for (const { name } of names) if (!known.has(name)) this.idFor(name);
    const rows = this.db.prepare('SELECT * FROM mlflow_experiments ORDER BY id DESC').all() as ExperimentRow[];
    return rows.map(toJson);
  }
}

function toJson(row: ExperimentRow): MlflowExperiment {
  const tags = JSON.parse(row.tags) as Record<string, string>;
  return {
    experiment_id: String(row.id),
    name: row.name,
    artifact_location: `mlflow-artifacts:/experiments/${row.id}`,
    lifecycle_stage: row.lifecycle_stage,
    creation_time: row.creation_time,
    last_update_time: row.last_update_time,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
}
