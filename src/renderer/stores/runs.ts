import { create } from 'zustand';
import type { RunQuery, RunSummary } from '../../shared/api/runTypes';
import { client } from '../transport/client';
import { useUi } from './ui';

export type RunsView =
  | { kind: 'list' }
  | { kind: 'detail'; runId: string }
  | { kind: 'compare'; runIds: string[] }
  | { kind: 'submit'; from: RunSummary | null };

interface RunsState {
  query: RunQuery;
  runs: RunSummary[];
  total: number;
  loading: boolean;
  experiments: { name: string; runs: number }[];
  selected: Set<string>;
  view: RunsView;
  setQuery(patch: Partial<RunQuery>): void;
  refresh(): Promise<void>;
  upsert(run: RunSummary): void;
  toggle(runId: string): void;
  setView(view: RunsView): void;
}

const PAGE = 5000;

export const useRuns = create<RunsState>((set, get) => ({
  query: { limit: PAGE, sortOrder: 'desc' },
  runs: [],
  total: 0,
  loading: false,
  experiments: [],
  selected: new Set(),
  view: { kind: 'list' },
  setQuery: (patch) => {
    set((s) => ({ query: { ...s.query, ...patch } }));
    void get().refresh();
  },
  refresh: async () => {
    set({ loading: true });
    try {
      const [{ runs, total }, experiments] = await Promise.all([
        client.runs.list(get().query),
        client.runs.experiments({}),
      ]);
      set({ runs, total, experiments });
    } catch (err) {
      useUi.getState().showError(err);
    } finally {
      set({ loading: false });
    }
  },
  upsert: (run) =>
    set((s) => {
      const index = s.runs.findIndex((r) => r.id === run.id);
      if (index < 0) return { runs: [run, ...s.runs], total: s.total + 1 };
      const runs = s.runs.slice();
      runs[index] = run;
      return { runs };
    }),
  toggle: (runId) =>
    set((s) => {
      const selected = new Set(s.selected);
      if (selected.has(runId)) selected.delete(runId);
      else selected.add(runId);
      return { selected };
    }),
  setView: (view) => set({ view }),
}));
