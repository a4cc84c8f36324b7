import type { DatasetKind, DatasetRecord, TabularOptions } from '../../shared/api/datasetTypes';
import { client } from '../transport/client';
import { useUi } from './ui';
import { createVersionedStore } from './versionedStore';

/** Where the Register view starts: blank, or a new version of a dataset (its name, paths and kind filled in). */
export interface DatasetRegisterPrefill {
  name?: string;
  paths?: string[];
  kind?: DatasetKind;
  tabular?: TabularOptions | null;
}

/** Registered (not anonymous) names only. */
export const useDatasets = createVersionedStore<DatasetRecord, DatasetRegisterPrefill>({
  listLatest: () => client.datasets.list({ latest: true }),
  // Newest first, whatever order the registry answers in.
  listVersions: async (name) => (await client.datasets.list({ name, all: true })).sort((a, b) => b.version - a.version),
});

/** Opens the Data screen on one dataset version (the lineage links from runs and models). */
export function openDataset(name: string, version?: number): void {
  useUi.getState().setScreen('data');
  void useDatasets.getState().select(name, version);
}
