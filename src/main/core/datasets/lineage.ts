import type { DatasetMode, ModelDatasetLink, RunDatasetUse } from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';
import { type Db, writeTransaction } from '../workspace/database';
import { resolveDatasetVersion } from './datasetFiles';

/**
 * Lineage: which dataset versions a run used (run_datasets) and which a model was made from (model_datasets).
 * One place for the SQL, shared by run submit, model registration, the lineage calls and the registry's
 * `data show` / `data delete`.
 */

interface RunDatasetRow {
  run_id: string;
  input_name: string;
  name: string;
  version: number;
  mode: DatasetMode;
  via: 'input' | 'api';
  path: string | null;
}

interface ModelDatasetRow {
  model: string;
  model_version: number;
  purpose: string;
  name: string;
  version: number;
}

const toUse = (row: RunDatasetRow): RunDatasetUse => ({
  runId: row.run_id,
  inputName: row.input_name,
  name: row.name,
  version: row.version,
  mode: row.mode,
  via: row.via,
  path: row.path,
});

const toLink = (row: ModelDatasetRow): ModelDatasetLink => ({
  model: row.model,
  modelVersion: row.model_version,
  purpose: row.purpose,
  name: row.name,
  version: row.version,
});

/** Records uses; the caller holds the transaction (the run's insert), so a run never exists without its inputs. */
export function insertRunUses(db: Db, uses: RunDatasetUse[]): void {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO run_datasets(run_id, input_name, name, version, mode, via, path)
     VALUES (@runId, @inputName, @name, @version, @mode, @via, @path)`,
  );
  for (const use of uses) insert.run(use);
}

/** A run's dataset uses: its inputs first (in submit order), then what the script read through the API. */
export function runDatasets(db: Db, runId: string): RunDatasetUse[] {
  return (
    db.prepare(`SELECT * FROM run_datasets WHERE run_id = ? ORDER BY via = 'api', rowid`).all(runId) as RunDatasetRow[]
  ).map(toUse);
}

/** The runs that used a dataset (one version, or all of them), oldest first. */
export function runsUsingDataset(db: Db, name: string, version?: number): RunDatasetUse[] {
  const rows =
    version === undefined
      ? db.prepare('SELECT * FROM run_datasets WHERE name = ? ORDER BY rowid').all(name)
      : db.prepare('SELECT * FROM run_datasets WHERE name = ? AND version = ? ORDER BY rowid').all(name, version);
  return (rows as RunDatasetRow[]).map(toUse);
}

/** The dataset versions a model version was made from. */
export function modelDatasets(db: Db, model: string, modelVersion: number): ModelDatasetLink[] {
  return (
    db
      .prepare('SELECT * FROM model_datasets WHERE model = ? AND model_version = ? ORDER BY rowid')
      .all(model, modelVersion) as ModelDatasetRow[]
  ).map(toLink);
}

/** The model versions made from a dataset (one version, or all of them). */
export function modelsUsingDataset(db: Db, name: string, version?: number): ModelDatasetLink[] {
  const rows =
    version === undefined
      ? db.prepare('SELECT * FROM model_datasets WHERE name = ? ORDER BY rowid').all(name)
      : db.prepare('SELECT * FROM model_datasets WHERE name = ? AND version = ? ORDER BY rowid').all(name, version);
  return (rows as ModelDatasetRow[]).map(toLink);
}

/**
 * A script read a dataset through the API (Dataset.get_by_name inside a run): recorded via 'api', mode 'direct'.
 * Idempotent, and a run that already has this version (as an input, or an earlier read) keeps that one record.
 * A finished run may still be given one: a notebook can read data for a run after it ended.
 */
export function recordApiUse(
  db: Db,
  input: { runId: string; name: string; version?: number; inputName?: string },
): RunDatasetUse {
  return writeTransaction(db, () => {
    const dataset = resolveDatasetVersion(db, input.name, input.version);
    const existing = db
      .prepare(
        `SELECT * FROM run_datasets WHERE run_id = ? AND name = ? AND version = ? ${input.inputName ? 'AND input_name = ?' : ''}
         ORDER BY via = 'api', rowid LIMIT 1`,
      )
      .get(...[input.runId, dataset.name, dataset.version, ...(input.inputName ? [input.inputName] : [])]) as
      RunDatasetRow | undefined;
    if (existing) return toUse(existing);
    const use: RunDatasetUse = {
      runId: input.runId,
      inputName: input.inputName ?? dataset.name,
      name: dataset.name,
      version: dataset.version,
      mode: 'direct',
      via: 'api',
      path: null,
    };
    insertRunUses(db, [use]);
    return use;
  });
}

export interface ModelDatasetRequest {
  purpose: string;
  name: string;
  version: number;
}

/** Refuses a dataset version that does not exist (before a model registration copies anything). */
export function checkModelDatasets(db: Db, requested: ModelDatasetRequest[]): void {
  const seen = new Set<string>();
  for (const link of requested) {
    const purpose = link.purpose.trim();
    if (!purpose)
      throw new BenchtopError(
        'BAD_INPUT',
        `The dataset ${link.name}:${link.version} has an empty purpose.`,
        'Give it as PURPOSE=NAME:VERSION, e.g. --dataset training=titanic:1.',
      );
    const key = `${purpose}\n${link.name}\n${link.version}`;
    if (seen.has(key))
      throw new BenchtopError(
        'BAD_INPUT',
        `The dataset ${link.name}:${link.version} is given twice as "${purpose}".`,
        'Give each (purpose, dataset) once.',
      );
    seen.add(key);
    resolveDatasetVersion(db, link.name, link.version);
  }
}

/**
 * Links a new model version to its datasets, in the registration's transaction: the ones given
 * (Model.register(datasets=[(purpose, dataset)])) and, for a model registered from a run, every dataset version
 * the run used, with purpose "input", unless that version is already given under another purpose.
 */
export function linkModelDatasets(
  db: Db,
  model: string,
  modelVersion: number,
  requested: ModelDatasetRequest[],
  runId: string | null,
): ModelDatasetLink[] {
  checkModelDatasets(db, requested);
  const links: ModelDatasetLink[] = requested.map((link) => ({
    model,
    modelVersion,
    purpose: link.purpose.trim(),
    name: link.name,
    version: link.version,
  }));
  if (runId) {
    const given = new Set(links.map((l) => `${l.name}\n${l.version}`));
    for (const use of runDatasets(db, runId)) {
      const key = `${use.name}\n${use.version}`;
      if (given.has(key)) continue;
      given.add(key);
      links.push({ model, modelVersion, purpose: 'input', name: use.name, version: use.version });
    }
  }
  const insert = db.prepare(
    `INSERT OR IGNORE INTO model_datasets(model, model_version, purpose, name, version)
     VALUES (@model, @modelVersion, @purpose, @name, @version)`,
  );
  for (const link of links) insert.run(link);
  return links;
}

/** A deleted model version no longer holds its datasets' versions (called in the delete's transaction). */
export function unlinkModelDatasets(db: Db, model: string, modelVersion: number): void {
  db.prepare('DELETE FROM model_datasets WHERE model = ? AND model_version = ?').run(model, modelVersion);
}
