import fs from 'node:fs';
import path from 'node:path';
import { resolveDatasetVersion } from '../core/datasets/datasetFiles';
import { type PlacedInputs, placeRunInputs } from '../core/datasets/placeInputs';
import type { ResolvedRunInput } from '../core/datasets/runInputs';
import type { Db } from '../core/workspace/database';
import type { WorkspacePaths } from '../core/workspace/paths';
import { type ReadOnlyBind, readOnlyNamespaceWorks } from './readOnlyNamespace';

export interface PreparedInputs extends PlacedInputs {
  /** The blob store folder, bound read-only into containers on a local engine. */
  blobs: string;
  /** Process runs by root: the read-only binds the script's mount namespace needs; null when none is needed. */
  namespaceBinds: ReadOnlyBind[] | null;
}

/**
 * Places a run's inputs for where the script runs. A mount is links into the blob store, kept read-only by
 * permission bits for a user, by a mount namespace for root (its links point at a view of the store only that
 * namespace has), by `:ro` binds in a container on a local engine; a remote engine gets copies (it cannot see the
 * store), and so does root where no namespace can be made.
 */
export async function prepareRunInputs(options: {
  db: Db;
  paths: WorkspacePaths;
  runDir: string;
  inputs: ResolvedRunInput[];
  target: 'process' | 'local-container' | 'remote-container';
  signal: AbortSignal;
  note: (line: string) => void;
}): Promise<PreparedInputs> {
  const { db, paths, runDir, inputs, target, note } = options;
  const blobs = path.join(paths.models, 'blobs');
  const mounts = inputs.some((i) => i.mode === 'mount');
  let blobAlias: string | null = null;
  let copyMounts = target === 'remote-container';
  if (mounts && target === 'process' && process.getuid?.() === 0) {
    const alias = path.join(runDir, 'inputs', '.blobs');
    fs.mkdirSync(alias, { recursive: true });
    if (readOnlyNamespaceWorks(alias)) blobAlias = alias;
    else {
      copyMounts = true;
      note(
        'Running as root without mount namespaces (unshare): mount inputs are read-only copies, since permission bits do not stop root from writing into the shared store.',
      );
    }
  }
  if (mounts && target === 'remote-container')
    note('A remote Docker engine cannot see the workspace: mount inputs are copied into the container.');
  const placed = await placeRunInputs(
    runDir,
    inputs,
    (input) => resolveDatasetVersion(db, input.dataset, input.version).files,
    { blobs, blobAlias, copyMounts, signal: options.signal, note },
  );
  const namespaceBinds = blobAlias
    ? [{ source: blobs, target: blobAlias }, ...placed.mounts.map((m) => ({ source: m, target: m }))]
    : null;
  return { ...placed, blobs, namespaceBinds };
}
