import { create } from 'zustand';
import type { ModelRecord } from '../../shared/api/modelTypes';
import { client } from '../transport/client';
import { useUi } from './ui';

/** Where the Register view starts: blank, a run's output, or a new version of a model. */
export interface RegisterPrefill {
  runId?: string;
  path?: string;
  name?: string;
}

interface ModelsState {
  /** The newest version of each name. */
  latest: ModelRecord[] | null;
  selected: string | null;
  versions: ModelRecord[] | null;
  version: number | null;
  registering: RegisterPrefill | null;
  refresh(): Promise<void>;
  select(name: string | null, version?: number): Promise<void>;
  reloadVersions(): Promise<void>;
  setVersion(version: number): void;
  openRegister(prefill: RegisterPrefill): void;
  closeRegister(): void;
}

export const useModels = create<ModelsState>((set, get) => ({
  latest: null,
  selected: null,
  versions: null,
  version: null,
  registering: null,
  refresh: async () => {
    try {
      set({ latest: await client.models.list({ latest: true }) });
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
      const versions = await client.models.list({ name });
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
