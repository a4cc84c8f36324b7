import { create } from 'zustand';
import type { DatasetKind, DatasetRecord, TabularOptions } from '../../shared/api/datasetTypes';
import { client } from '../transport/client';
import { useUi } from './ui';

/** Where the Register view starts: blank, or a new version of a dataset (its name, paths and kind filled in). */
export interface DatasetRegisterPrefill {
  name?: string;
  paths?: string[];
  kind?: DatasetKind;
  tabular?: TabularOptions | null;
}

interface DatasetsState {
  /** The newest version of each registered (not anonymous) name. */
  latest: DatasetRecord[] | null;
  selected: string | null;
  versions: DatasetRecord[] | null;
  version: number | null;
  registering: DatasetRegisterPrefill | null;
  refresh(): Promise<void>;
  select(name: string | null, version?: number): Promise<void>;
  reloadVersions(): Promise<void>;
  setVersion(version: number): void;
  openRegister(prefill: DatasetRegisterPrefill): void;
  closeRegister(): void;
}

export const useDatasets = create<DatasetsState>((set, get) => ({
  latest: null,
  selected: null,
  versions: null,
  version: null,
  registering: null,
  refresh: async () => {
    try {
      set({ latest: await client.datasets.list({ latest: true }) });
    } catch (err) {
      useUi.getState().showError(err);
    }
  },
  select: async (name, version) => {
    set({ selected: name, versions: null, version: version ?? null, registering: null });
    if (name) await get().reloadVersions();
  },
  reloadVersions: async () => {
    const name = get().selected;
    if (!name) return;
    try {
      // Newest first, whatever order the registry answers in.
      const versions = (await client.datasets.list({ name, all: true })).sort((a, b) => b.version - a.version);
      if (get().selected !== name) return;
      const keep = versions.some((v) => v.version === get().version);
      set({ versions, version: keep ? get().version : (versions[0]?.version ?? null) });
    } catch (err) {
      useUi.getState().showError(err);
    }
  },
  setVersion: (version) => set({ version }),
  openRegister: (prefill) => set({ registering: prefill }),
  closeRegister: () => set({ registering: null }),
}));

/** Opens the Data screen on one dataset version (the lineage links from runs and models). */
export function openDataset(name: string, version?: number): void {
  useUi.getState().setScreen('data');
  void useDatasets.getState().select(name, version);
}
