import type { ModelFile, ModelQuery, ModelRecord } from '../../../shared/api/modelTypes';
import type { Db } from '../workspace/database';
import { addJsonFilters, listNewestFirst, matchesFilter } from './registryQuery';

export type NewModel = Omit<ModelRecord, 'id' | 'version'>;

/**
 * Rows become ModelRecord JSON inside SQLite: one JSON.parse for a whole
 * list is about twice as fast as building 10,000 row objects and parsing
 * their tags one by one (measured: bench/modelList.bench.ts).
 */
const RECORD_JSON = `json_object('name', name, 'version', version, 'id', name || ':' || version, 'description', description,
  'framework', framework, 'frameworkVersion', framework_version, 'tags', json(tags), 'properties', json(properties),
  'runId', run_id, 'experiment', experiment, 'environment', environment, 'root', root, 'kind', kind, 'size', size,
  'fileCount', file_count, 'source', source, 'createdAt', created_at, 'mlflow', json(mlflow))`;

/** Lists leave out an MLflow model's input example (up to 64 KiB each); one version's record has it. */
const LIST_RECORD_JSON = RECORD_JSON.replace(
  'json(mlflow)',
  "CASE WHEN mlflow IS NULL THEN NULL ELSE json_set(mlflow, '$.servingInputExample', NULL) END",
);

/** The model rows in SQLite. Callers hold the write transaction where it matters. */
export class ModelStore {
  constructor(private readonly db: Db) {}

  nextVersion(name: string): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM models WHERE name = ?').get(name) as {
      v: number | null;
    };
    return (row.v ?? 0) + 1;
  }

  insert(model: NewModel, version: number, files: ModelFile[]): void {
    this.db
      .prepare(
        `INSERT INTO models(name, version, description, framework, framework_version, tags, properties, run_id, experiment, environment, root, kind, size, file_count, source, created_at, mlflow)
         VALUES (@name, @version, @description, @framework, @frameworkVersion, @tags, @properties, @runId, @experiment, @environment, @root, @kind, @size, @fileCount, @source, @createdAt, @mlflow)`,
      )
      .run({
        ...model,
        version,
        tags: JSON.stringify(model.tags),
        properties: JSON.stringify(model.properties),
        mlflow: model.mlflow ? JSON.stringify(model.mlflow) : null,
      });
    const insertFile = this.db.prepare(
      'INSERT INTO model_files(name, version, path, size, digest) VALUES (?, ?, ?, ?, ?)',
    );
    for (const file of files) insertFile.run(model.name, version, file.path, file.size, file.digest);
  }

  get(name: string, version?: number): ModelRecord | null {
    const row = (
      version === undefined
        ? this.db
            .prepare(`SELECT ${RECORD_JSON} FROM models WHERE name = ? ORDER BY version DESC LIMIT 1`)
            .pluck()
            .get(name)
        : this.db.prepare(`SELECT ${RECORD_JSON} FROM models WHERE name = ? AND version = ?`).pluck().get(name, version)
    ) as string | undefined;
    return row ? (JSON.parse(row) as ModelRecord) : null;
  }

  files(name: string, version: number): ModelFile[] {
    return this.db
      .prepare('SELECT path, size, digest FROM model_files WHERE name = ? AND version = ? ORDER BY path')
      .all(name, version) as ModelFile[];
  }

  versionCount(name: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM models WHERE name = ?').get(name) as { n: number }).n;
  }

  /** Newest first. Everything narrows in SQL; keys SQLite cannot quote are matched after. */
  list(query: ModelQuery): ModelRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const leftover: { column: 'tags' | 'properties'; filter: string }[] = [];
    if (query.name) {
      where.push('name = ?');
      params.push(query.name);
    }
    if (query.runId) {
      where.push('run_id = ?');
      params.push(query.runId);
    }
    if (query.framework) {
      where.push('framework = ? COLLATE NOCASE');
      params.push(query.framework);
    }
    if (query.latest) where.push('version = (SELECT MAX(m2.version) FROM models m2 WHERE m2.name = models.name)');
    for (const column of ['tags', 'properties'] as const)
      for (const filter of addJsonFilters(column, query[column], where, params)) leftover.push({ column, filter });
    const records = listNewestFirst<ModelRecord>(this.db, 'models', LIST_RECORD_JSON, where, params);
    if (!leftover.length) return records;
    return records.filter((m) => leftover.every(({ column, filter }) => matchesFilter(m[column], filter)));
  }

  updateMetadata(
    name: string,
    version: number,
    fields: { tags: Record<string, string>; properties: Record<string, string>; description: string | null },
  ): void {
    this.db
      .prepare('UPDATE models SET tags = ?, properties = ?, description = ? WHERE name = ? AND version = ?')
      .run(JSON.stringify(fields.tags), JSON.stringify(fields.properties), fields.description, name, version);
  }

  delete(name: string, version: number): void {
    this.db.prepare('DELETE FROM models WHERE name = ? AND version = ?').run(name, version);
  }

  /** Every digest a model or dataset version refers to: the blob store is shared, so neither removes the other's. */
  allDigests(): Set<string> {
    const rows = this.db.prepare('SELECT digest FROM model_files UNION SELECT digest FROM dataset_files').all() as {
      digest: string;
    }[];
    return new Set(rows.map((r) => r.digest));
  }

  /** Services deployed with this model version. */
  usedBy(name: string, version: number): string[] {
    return (
      this.db
        .prepare('SELECT DISTINCT service FROM service_models WHERE model = ? AND version = ?')
        .all(name, version) as { service: string }[]
    ).map((r) => r.service);
  }
}
