import { create } from 'zustand';
import type { EnvironmentRecord, EnvironmentSummary } from '../../shared/api/types';
import { client } from '../transport/client';
import { useUi } from './ui';

export type DetailMode = { kind: 'view' } | { kind: 'edit'; base: EnvironmentRecord | null; clone: boolean };

interface EnvironmentsState {
  list: EnvironmentSummary[] | null;
  selected: string | null;
  /** The version on screen; null: the newest. */
  version: string | null;
  versions: EnvironmentRecord[] | null;
  mode: DetailMode;
  refresh(): Promise<void>;
  select(name: string | null, version?: string | null): Promise<void>;
  setVersion(version: string | null): void;
  reloadVersions(): Promise<void>;
  setMode(mode: DetailMode): void;
}

export const useEnvironments = create<EnvironmentsState>((set, get) => ({
  list: null,
  selected: null,
  version: null,
  versions: null,
  mode: { kind: 'view' },
  refresh: async () => {
    try {
      set({ list: await client.environments.list({}) });
    } catch (err) {
      useUi.getState().showError(err);
    }
  },
  select: async (name, version = null) => {
    set({ selected: name, version, versions: null, mode: { kind: 'view' } });
    if (name) await get().reloadVersions();
  },
  setVersion: (version) => set({ version }),
  reloadVersions: async () => {
    const name = get().selected;
    if (!name) return;
    try {
      const versions = await client.environments.versions({ name });
      if (get().selected === name) set({ versions });
    } catch (err) {
      useUi.getState().showError(err);
    }
  },
  setMode: (mode) => set({ mode }),
}));
