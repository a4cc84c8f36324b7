import type { ModelFile, ModelQuery, ModelRecord } from '../../../shared/api/modelTypes';
import type { Db } from '../workspace/database';

interface ModelRow {
  name: string;
  version: number;
  description: string | null;
  framework: string;
  framework_version: string | null;
  tags: string;
  properties: string;
  run_id: string | null;
  experiment: string | null;
  environment: string | null;
  root: string;
  kind: 'file' | 'folder';
  size: number;
  file_count: number;
  source: string | null;
  created_at: string;
}

export type NewModel = Omit<ModelRecord, 'id' | 'version'>;

function toRecord(row: ModelRow): ModelRecord {
  return {
    name: row.name,
    version: row.version,
    id: `${row.name}:${row.version}`,
    description: row.description,
    framework: row.framework,
    frameworkVersion: row.framework_version,
    tags: JSON.parse(row.tags) as Record<string, string>,
    properties: JSON.parse(row.properties) as Record<string, string>,
    runId: row.run_id,
    experiment: row.experiment,
    environment: row.environment,
    root: row.root,
    kind: row.kind,
    size: row.size,
    fileCount: row.file_count,
    source: row.source,
    createdAt: row.created_at,
  };
}

/** "key" or "key=value" against a record of strings. */
function matchesAll(values: Record<string, string>, filters: string[] | undefined): boolean {
  if (!filters?.length) return true;
  return filters.every((filter) => {
    const at = filter.indexOf('=');
    if (at < 0) return Object.hasOwn(values, filter);
    return values[filter.slice(0, at)] === filter.slice(at + 1);
  });
}

/** The model rows in SQLite. Callers hold the write transaction where it matters. */
export class ModelStore {
  constructor(private readonly db: Db) {}

  nextVersion(name: string): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM models WHERE name = ?').get(name) as { v: number | null };
    return (row.v ?? 0) + 1;
  }

  insert(model: NewModel, version: number, files: ModelFile[]): void {
    this.db
      .prepare(
        `INSERT INTO models(name, version, description, framework, framework_version, tags, properties, run_id, experiment, environment, root, kind, size, file_count, source, created_at)
         VALUES (@name, @version, @description, @framework, @frameworkVersion, @tags, @properties, @runId, @experiment, @environment, @root, @kind, @size, @fileCount, @source, @createdAt)`,
      )
      .run({ ...model, version, tags: JSON.stringify(model.tags), properties: JSON.stringify(model.properties) });
    const insertFile = this.db.prepare('INSERT INTO model_files(name, version, path, size, digest) VALUES (?, ?, ?, ?, ?)');
    for (const file of files) insertFile.run(model.name, version, file.path, file.size, file.digest);
  }

  get(name: string, version?: number): ModelRecord | null {
    const row = (
      version === undefined
        ? this.db.prepare('SELECT * FROM models WHERE name = ? ORDER BY version DESC LIMIT 1').get(name)
        : this.db.prepare('SELECT * FROM models WHERE name = ? AND version = ?').get(name, version)
    ) as ModelRow | undefined;
    return row ? toRecord(row) : null;
  }

  files(name: string, version: number): ModelFile[] {
    return this.db.prepare('SELECT path, size, digest FROM model_files WHERE name = ? AND version = ? ORDER BY path').all(name, version) as ModelFile[];
  }

  versionCount(name: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM models WHERE name = ?').get(name) as { n: number }).n;
  }

  /** Newest first. Name, run and "latest" narrow in SQL; tags and properties (JSON) are matched here. */
  list(query: ModelQuery): ModelRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
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
    const sql = `SELECT * FROM models ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, name, version DESC`;
    const rows = this.db.prepare(sql).all(...params) as ModelRow[];
    return rows.map(toRecord).filter((m) => matchesAll(m.tags, query.tags) && matchesAll(m.properties, query.properties));
  }

  updateMetadata(name: string, version: number, fields: { tags: Record<string, string>; properties: Record<string, string>; description: string | null }): void {
    this.db
      .prepare('UPDATE models SET tags = ?, properties = ?, description = ? WHERE name = ? AND version = ?')
      .run(JSON.stringify(fields.tags), JSON.stringify(fields.properties), fields.description, name, version);
  }

  delete(name: string, version: number): void {
    this.db.prepare('DELETE FROM models WHERE name = ? AND version = ?').run(name, version);
  }

  /** Is there stored content of exactly this size? (If not, a new file cannot be a duplicate: skip the hash-only pass.) */
  hasContentOfSize(size: number): boolean {
    return this.db.prepare('SELECT 1 FROM model_files WHERE size = ? LIMIT 1').get(size) !== undefined;
  }

  isReferenced(digest: string): boolean {
    return this.db.prepare('SELECT 1 FROM model_files WHERE digest = ? LIMIT 1').get(digest) !== undefined;
  }

  allDigests(): Set<string> {
    return new Set((this.db.prepare('SELECT DISTINCT digest FROM model_files').all() as { digest: string }[]).map((r) => r.digest));
  }

  /** Services deployed with this model version. The services table arrives with local web services; until then, none. */
  usedBy(name: string, version: number): string[] {
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'service_models'").get();
    if (!exists) return [];
    return (this.db.prepare('SELECT DISTINCT service FROM service_models WHERE model = ? AND version = ?').all(name, version) as { service: string }[]).map((r) => r.service);
  }
}
