import { create } from 'zustand';
import type { ServiceRecord } from '../../shared/api/serviceTypes';
import { client } from '../transport/client';
import { useUi } from './ui';

interface ServicesState {
  list: ServiceRecord[] | null;
  selected: string | null;
  deploying: boolean;
  refresh(): Promise<void>;
  upsert(service: ServiceRecord): void;
  select(name: string | null): void;
  openDeploy(open: boolean): void;
}

export const useServices = create<ServicesState>((set) => ({
  list: null,
  selected: null,
  deploying: false,
  refresh: async () => {
    try {
      set({ list: await client.services.list({}) });
    } catch (err) {
      useUi.getState().showError(err);
    }
  },
  upsert: (service) =>
    set((s) => {
      const others = (s.list ?? []).filter((x) => x.name !== service.name);
      const list =
        service.state === 'deleted' ? others : [...others, service].sort((a, b) => a.name.localeCompare(b.name));
      return { list, selected: service.state === 'deleted' && s.selected === service.name ? null : s.selected };
    }),
  select: (name) => set({ selected: name, deploying: false }),
  openDeploy: (open) => set({ deploying: open }),
}));
