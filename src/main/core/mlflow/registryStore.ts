import type { ModelRecord } from '../../../shared/api/modelTypes';
import { ModelStore } from '../models/modelStore';
import type { Db } from '../workspace/database';
import { doesNotExist, invalidParameter } from './mlflowErrors';

/**
 * MLflow's model registry seen on Benchtop's: a registered model is a Benchtop model name, a model version is a
 * Benchtop model version (same number, files, tags, description, run). What MLflow has and Benchtop's registry
 * does not lives beside it (migration 11): a registered model before its first version, its description and tags;
 * a version's MLflow source, model id and stage; aliases.
 */

export const STAGES = ['None', 'Staging', 'Production', 'Archived'];

interface RegisteredRow {
  name: string;
  description: string | null;
  tags: string;
  creation_time: number;
  last_update_time: number;
}

interface VersionRow {
  source: string;
  model_id: string | null;
  stage: string;
  last_update_time: number;
}

/** MLflow's stage names are case-insensitive on input ("production"); answers use the canonical spelling. */
export function canonicalStage(raw: string): string {
  const stage = STAGES.find((s) => s.toLowerCase() === raw.toLowerCase());
  if (!stage) throw invalidParameter(`Invalid Model Version stage: ${raw}. Value must be one of ${STAGES.join(', ')}.`);
  return stage;
}

/** "1" or 1 as a version number; MLflow's own message for anything else. */
export function versionNumber(raw: unknown): number {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw invalidParameter(`Parameter 'version' must be an integer, got '${String(raw).slice(0, 100)}'.`);
  return Number(text);
}

export class RegistryStore {
  readonly models: ModelStore;

  constructor(private readonly db: Db) {
    this.models = new ModelStore(db);
  }

  private registeredRow(name: string): RegisteredRow | undefined {
    return this.db.prepare('SELECT * FROM mlflow_registered_models WHERE name = ?').get(name) as
      RegisteredRow | undefined;
  }

  exists(name: string): boolean {
    return this.registeredRow(name) !== undefined || this.models.get(name) !== null;
  }

  requireRegistered(name: string): void {
    if (!this.exists(name)) throw doesNotExist(`Registered Model with name=${name} not found`);
  }

  /** Every registered model name: Benchtop's model names and the MLflow-only empty ones. */
  names(): string[] {
    return (
      this.db
        .prepare('SELECT name FROM models UNION SELECT name FROM mlflow_registered_models ORDER BY name')
        .pluck()
        .all() as string[]
    ).sort();
  }

  create(name: string, description: string | null, tags: Record<string, string>): void {
    const now = Date.now();
    this.db
      .prepare(
        'INSERT INTO mlflow_registered_models(name, description, tags, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?)',
      )
      .run(name, description, JSON.stringify(tags), now, now);
  }

  /** The MLflow-side row of a registered model, made on first write for a name Benchtop alone made. */
  private ensureRow(name: string): RegisteredRow {
    const row = this.registeredRow(name);
    if (row) return row;
    const first = this.versions(name)[0];
    const created = first ? Date.parse(first.createdAt) : Date.now();
    this.db
      .prepare(
        "INSERT INTO mlflow_registered_models(name, description, tags, creation_time, last_update_time) VALUES (?, NULL, '{}', ?, ?)",
      )
      .run(name, created, created);
    return this.registeredRow(name) as RegisteredRow;
  }

  update(name: string, change: { description?: string; tags?: (tags: Record<string, string>) => void }): void {
    this.requireRegistered(name);
    const row = this.ensureRow(name);
    const tags = JSON.parse(row.tags) as Record<string, string>;
    change.tags?.(tags);
    this.db
      .prepare('UPDATE mlflow_registered_models SET description = ?, tags = ?, last_update_time = ? WHERE name = ?')
      .run(change.description ?? row.description, JSON.stringify(tags), Date.now(), name);
  }

  /** Forgets the MLflow-side state of a name (its versions are deleted through the model service first). */
  forget(name: string): void {
    this.db.prepare('DELETE FROM mlflow_registered_models WHERE name = ?').run(name);
    this.db.prepare('DELETE FROM mlflow_model_versions WHERE name = ?').run(name);
    this.db.prepare('DELETE FROM mlflow_model_aliases WHERE name = ?').run(name);
  }

  forgetVersion(name: string, version: number): void {
    this.db.prepare('DELETE FROM mlflow_model_versions WHERE name = ? AND version = ?').run(name, version);
    this.db.prepare('DELETE FROM mlflow_model_aliases WHERE name = ? AND version = ?').run(name, version);
  }

  /** A name's versions, oldest first. */
  versions(name: string): ModelRecord[] {
    return this.models.list({ name }).sort((a, b) => a.version - b.version);
  }

  version(name: string, version: number): ModelRecord {
    const record = this.models.get(name, version);
    if (!record) throw doesNotExist(`Model Version (name=${name}, version=${version}) not found`);
    return record;
  }

  recordVersion(name: string, version: number, source: string, modelId: string | null): void {
    this.db
      .prepare(
        `INSERT INTO mlflow_model_versions(name, version, source, model_id, stage, last_update_time) VALUES (?, ?, ?, ?, 'None', ?)
         ON CONFLICT(name, version) DO UPDATE SET source = excluded.source, model_id = excluded.model_id`,
      )
      .run(name, version, source, modelId, Date.now());
  }

  private versionRow(name: string, version: number): VersionRow | undefined {
    return this.db
      .prepare(
        'SELECT source, model_id, stage, last_update_time FROM mlflow_model_versions WHERE name = ? AND version = ?',
      )
      .get(name, version) as VersionRow | undefined;
  }

  setStage(record: ModelRecord, stage: string): void {
    const had = this.versionRow(record.name, record.version);
    if (!had) this.recordVersion(record.name, record.version, defaultSource(record), null);
    this.db
      .prepare('UPDATE mlflow_model_versions SET stage = ?, last_update_time = ? WHERE name = ? AND version = ?')
      .run(stage, Date.now(), record.name, record.version);
  }

  touchVersion(record: ModelRecord): void {
    if (!this.versionRow(record.name, record.version))
      this.recordVersion(record.name, record.version, defaultSource(record), null);
    this.db
      .prepare('UPDATE mlflow_model_versions SET last_update_time = ? WHERE name = ? AND version = ?')
      .run(Date.now(), record.name, record.version);
  }

  stageOf(record: ModelRecord): string {
    return this.versionRow(record.name, record.version)?.stage ?? 'None';
  }

  setAlias(name: string, alias: string, version: number): void {
    this.db
      .prepare(
        'INSERT INTO mlflow_model_aliases(name, alias, version) VALUES (?, ?, ?) ON CONFLICT(name, alias) DO UPDATE SET version = excluded.version',
      )
      .run(name, alias, version);
  }

  deleteAlias(name: string, alias: string): void {
    this.db.prepare('DELETE FROM mlflow_model_aliases WHERE name = ? AND alias = ?').run(name, alias);
  }

  /** The version an alias points at, if that version still exists (a version deleted by Benchtop drops out). */
  aliasTarget(name: string, alias: string): ModelRecord | null {
    const version = this.db
      .prepare('SELECT version FROM mlflow_model_aliases WHERE name = ? AND alias = ?')
      .pluck()
      .get(name, alias) as number | undefined;
    return version === undefined ? null : this.models.get(name, version);
  }

  private aliases(name: string): { alias: string; version: number }[] {
    const rows = this.db
      .prepare('SELECT alias, version FROM mlflow_model_aliases WHERE name = ? ORDER BY alias')
      .all(name) as { alias: string; version: number }[];
    return rows.filter((r) => this.models.get(name, r.version) !== null);
  }

  versionJson(record: ModelRecord) {
    const row = this.versionRow(record.name, record.version);
    const created = Date.parse(record.createdAt);
    return {
      name: record.name,
      version: String(record.version),
      creation_timestamp: created,
      last_updated_timestamp: row?.last_update_time ?? created,
      current_stage: row?.stage ?? 'None',
      ...(record.description ? { description: record.description } : {}),
      source: row?.source ?? defaultSource(record),
      ...(record.runId ? { run_id: record.runId } : {}),
      status: 'READY',
      tags: Object.entries(record.tags).map(([key, value]) => ({ key, value })),
      aliases: this.aliases(record.name)
        .filter((a) => a.version === record.version)
        .map((a) => a.alias),
      ...(row?.model_id ? { model_id: row.model_id } : {}),
    };
  }

  /** The newest version in each stage (MLflow's latest_versions), or in the stages asked for. */
  latestVersions(name: string, stages?: string[]): ModelRecord[] {
    const wanted = stages?.length ? stages.map(canonicalStage) : STAGES;
    const latest = new Map<string, ModelRecord>();
    for (const record of this.versions(name)) {
      const stage = this.stageOf(record);
      if (wanted.includes(stage)) latest.set(stage, record);
    }
    return [...latest.values()].sort((a, b) => a.version - b.version);
  }

  registeredJson(name: string) {
    const row = this.registeredRow(name);
    const versions = this.versions(name);
    const first = versions[0];
    const created = row?.creation_time ?? (first ? Date.parse(first.createdAt) : Date.now());
    const updated = Math.max(
      row?.last_update_time ?? created,
      ...versions.map((v) => this.versionRow(name, v.version)?.last_update_time ?? Date.parse(v.createdAt)),
    );
    const tags = Object.entries(JSON.parse(row?.tags ?? '{}') as Record<string, string>);
    return {
      name,
      creation_timestamp: created,
      last_updated_timestamp: updated,
      ...(row?.description ? { description: row.description } : {}),
      latest_versions: this.latestVersions(name).map((v) => this.versionJson(v)),
      tags: tags.map(([key, value]) => ({ key, value })),
      aliases: this.aliases(name).map((a) => ({ alias: a.alias, version: String(a.version) })),
    };
  }
}

/** What a version made by Benchtop (not through MLflow) names as its MLflow source. */
export function defaultSource(record: ModelRecord): string {
  return record.runId ? `runs:/${record.runId}/${record.source ?? record.root}` : (record.source ?? record.root);
}
