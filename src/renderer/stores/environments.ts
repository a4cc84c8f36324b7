import { create } from 'zustand';
import type { EnvironmentRecord, EnvironmentSummary } from '../../shared/api/types';
import { client } from '../transport/client';
import { useUi } from './ui';

export type DetailMode = { kind: 'view' } | { kind: 'edit'; base: EnvironmentRecord | null; clone: boolean };

interface EnvironmentsState {
  list: EnvironmentSummary[] | null;
  selected: string | null;
  versions: EnvironmentRecord[] | null;
  mode: DetailMode;
  refresh(): Promise<void>;
  select(name: string | null): Promise<void>;
  reloadVersions(): Promise<void>;
  setMode(mode: DetailMode): void;
}

export const useEnvironments = create<EnvironmentsState>((set, get) => ({
  list: null,
  selected: null,
  versions: null,
  mode: { kind: 'view' },
  refresh: async () => {
    try {
      set({ list: await client.environments.list({}) });
    } catch (err) {
      useUi.getState().showError(err);
    }
  },
  select: async (name) => {
    set({ selected: name, versions: null, mode: { kind: 'view' } });
    if (name) await get().reloadVersions();
  },
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
