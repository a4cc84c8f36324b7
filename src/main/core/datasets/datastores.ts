import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DATASTORE } from '../../../shared/api/datasetTypes';
import type { WorkspacePaths } from '../workspace/paths';

/** The datastores: folders under `<workspace>/datastores/`; the default one (as on Azure) exists from its first use. */
export function listDatastores(paths: WorkspacePaths): { name: string; path: string }[] {
  fs.mkdirSync(path.join(paths.datastores, DEFAULT_DATASTORE), { recursive: true });
  return fs
    .readdirSync(paths.datastores, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, path: path.join(paths.datastores, entry.name) }))
    .sort((a, b) => (a.name === DEFAULT_DATASTORE ? -1 : b.name === DEFAULT_DATASTORE ? 1 : a.name < b.name ? -1 : 1));
}
