import type {
  DatasetFile,
  DatasetKind,
  DatasetProfile,
  DatasetQuery,
  DatasetRecord,
  TabularOptions,
} from '../../../shared/api/datasetTypes';
import { addJsonFilters, listNewestFirst, matchesFilter } from '../models/registryQuery';
import type { Db } from '../workspace/database';

/** Rows become DatasetRecord JSON inside SQLite (as models do: one JSON.parse for a whole list). */
const RECORD_JSON = `json_object('name', name, 'version', version, 'id', uuid, 'kind', kind, 'description', description,
  'tags', json(tags), 'tabular', json(tabular), 'source', json(source), 'size', size, 'fileCount', file_count,
  'contentDigest', content_digest, 'createdAt', created_at, 'profile', json(profile), 'runId', run_id)`;

export interface NewDataset {
  name: string;
  uuid: string;
  kind: DatasetKind;
  description: string | null;
  tags: Record<string, string>;
  tabular: TabularOptions | null;
  source: string[];
  size: number;
  contentDigest: string;
  createdAt: string;
  runId: string | null;
  hidden: boolean;
}

/** The dataset rows in SQLite. Callers hold the write transaction where it matters. */
export class DatasetStore {
  constructor(private readonly db: Db) {}

  nextVersion(name: string): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM datasets WHERE name = ?').get(name) as {
      v: number | null;
    };
    return (row.v ?? 0) + 1;
  }

  /** The version of `name` with exactly this content, if one was registered. */
  versionWithContent(name: string, contentDigest: string): number | null {
    const row = this.db
      .prepare('SELECT version FROM datasets WHERE name = ? AND content_digest = ? ORDER BY version LIMIT 1')
      .pluck()
      .get(name, contentDigest) as number | undefined;
    return row ?? null;
  }

  insert(dataset: NewDataset, version: number, files: DatasetFile[]): void {
    this.db
      .prepare(
        `INSERT INTO datasets(name, version, uuid, kind, description, tags, tabular, source, size, file_count, content_digest, created_at, run_id, hidden)
         VALUES (@name, @version, @uuid, @kind, @description, @tags, @tabular, @source, @size, @fileCount, @contentDigest, @createdAt, @runId, @hidden)`,
      )
      .run({
        ...dataset,
        version,
        tags: JSON.stringify(dataset.tags),
        tabular: dataset.tabular ? JSON.stringify(dataset.tabular) : null,
        source: JSON.stringify(dataset.source),
        fileCount: files.length,
        hidden: dataset.hidden ? 1 : 0,
      });
    const insertFile = this.db.prepare(
      'INSERT INTO dataset_files(name, version, path, size, digest) VALUES (?, ?, ?, ?, ?)',
    );
    for (const file of files) insertFile.run(dataset.name, version, file.path, file.size, file.digest);
  }

  get(name: string, version?: number): DatasetRecord | null {
    const row = (
      version === undefined
        ? this.db
            .prepare(`SELECT ${RECORD_JSON} FROM datasets WHERE name = ? ORDER BY version DESC LIMIT 1`)
            .pluck()
            .get(name)
        : this.db
            .prepare(`SELECT ${RECORD_JSON} FROM datasets WHERE name = ? AND version = ?`)
            .pluck()
            .get(name, version)
    ) as string | undefined;
    return row ? (JSON.parse(row) as DatasetRecord) : null;
  }

  getById(id: string): DatasetRecord | null {
    const row = this.db.prepare(`SELECT ${RECORD_JSON} FROM datasets WHERE uuid = ?`).pluck().get(id) as
      string | undefined;
    return row ? (JSON.parse(row) as DatasetRecord) : null;
  }

  files(name: string, version: number): DatasetFile[] {
    return this.db
      .prepare('SELECT path, size, digest FROM dataset_files WHERE name = ? AND version = ? ORDER BY path')
      .all(name, version) as DatasetFile[];
  }

  versionCount(name: string): number {
    return this.db.prepare('SELECT COUNT(*) FROM datasets WHERE name = ?').pluck().get(name) as number;
  }

  /** Newest first. Anonymous datasets only with `all`. */
  list(query: DatasetQuery): DatasetRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (!query.all) where.push('hidden = 0');
    if (query.name) {
      where.push('name = ?');
      params.push(query.name);
    }
    if (query.kind) {
      where.push('kind = ?');
      params.push(query.kind);
    }
    if (query.latest) where.push('version = (SELECT MAX(d2.version) FROM datasets d2 WHERE d2.name = datasets.name)');
    const leftover = addJsonFilters('tags', query.tags, where, params);
    const records = listNewestFirst<DatasetRecord>(this.db, 'datasets', RECORD_JSON, where, params);
    return leftover.length ? records.filter((d) => leftover.every((f) => matchesFilter(d.tags, f))) : records;
  }

  updateMetadata(name: string, version: number, tags: Record<string, string>, description: string | null): void {
    this.db
      .prepare('UPDATE datasets SET tags = ?, description = ? WHERE name = ? AND version = ?')
      .run(JSON.stringify(tags), description, name, version);
  }

  setProfile(name: string, version: number, profile: DatasetProfile): void {
    this.db
      .prepare('UPDATE datasets SET profile = ? WHERE name = ? AND version = ?')
      .run(JSON.stringify(profile), name, version);
  }

  delete(name: string, version: number): void {
    this.db.prepare('DELETE FROM dataset_files WHERE name = ? AND version = ?').run(name, version);
    this.db.prepare('DELETE FROM datasets WHERE name = ? AND version = ?').run(name, version);
  }
}
