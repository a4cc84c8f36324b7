import type { DatasetFile, DatasetKind, TabularOptions } from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';

/** One stored dataset version's files: what a run mounts or downloads, and where each byte lives. */
export interface DatasetVersionFiles {
  name: string;
  version: number;
  kind: DatasetKind;
  tabular: TabularOptions | null;
  files: DatasetFile[];
}

/** A blob's path in the store models and datasets share (BlobStore's layout: models/blobs/<2 hex>/<digest>). */
export function datasetBlobPath(paths: WorkspacePaths, digest: string): string {
  return `${paths.models}/blobs/${digest.slice(0, 2)}/${digest}`;
}

/**
 * A dataset version and its files, newest version when none is given. Shared by the registry, run inputs and
 * the SDK so the lookup and its error text exist once.
 */
export function resolveDatasetVersion(db: Db, name: string, version?: number): DatasetVersionFiles {
  const row = (
    version === undefined
      ? db
          .prepare('SELECT name, version, kind, tabular FROM datasets WHERE name = ? ORDER BY version DESC LIMIT 1')
          .get(name)
      : db
          .prepare('SELECT name, version, kind, tabular FROM datasets WHERE name = ? AND version = ?')
          .get(name, version)
  ) as { name: string; version: number; kind: DatasetKind; tabular: string | null } | undefined;
  if (!row) throw datasetNotFound(db, name, version);
  const files = db
    .prepare('SELECT path, size, digest FROM dataset_files WHERE name = ? AND version = ? ORDER BY path')
    .all(row.name, row.version) as DatasetFile[];
  return {
    name: row.name,
    version: row.version,
    kind: row.kind,
    tabular: row.tabular ? (JSON.parse(row.tabular) as TabularOptions) : null,
    files,
  };
}

/** The one NOT_FOUND for a dataset name or version (registry, run inputs, SDK). */
export function datasetNotFound(db: Db, name: string, version?: number): BenchtopError {
  const known = db.prepare('SELECT MAX(version) AS v FROM datasets WHERE name = ?').get(name) as { v: number | null };
  return new BenchtopError(
    'NOT_FOUND',
    version === undefined || known.v === null
      ? `No dataset named "${name}" is registered.`
      : `Dataset "${name}" has no version ${version} (newest: ${known.v}).`,
    known.v === null
      ? 'List them with `benchtop data list`, or register it with `benchtop data register -n NAME -p PATH`.'
      : `See its versions with \`benchtop data list -n ${name}\`.`,
  );
}
