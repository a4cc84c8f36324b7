import { create } from 'zustand';
import type { RunQuery, RunSummary } from '../../shared/api/runTypes';
import { client } from '../transport/client';
import { liveLoader } from './liveLoader';
import { useUi } from './ui';

export type RunsView =
  | { kind: 'list' }
  /** asSweep: opened as a sweep (its link is #/sweeps/<id>). */
  | { kind: 'detail'; runId: string; asSweep?: boolean }
  | { kind: 'compare'; runIds: string[] }
  | { kind: 'submit'; from: RunSummary | null }
  | { kind: 'import' }
  | { kind: 'sweeps' };

export interface RunsState {
  query: RunQuery;
  runs: RunSummary[];
  total: number;
  loading: boolean;
  experiments: { name: string; runs: number }[];
  selected: Set<string>;
  view: RunsView;
  /** Child runs of the parents that are open in the list, oldest first. */
  children: Record<string, RunSummary[]>;
  expanded: Set<string>;
  toggleExpanded(runId: string): Promise<void>;
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
  children: {},
  expanded: new Set(),
  setQuery: (patch) => {
    set((s) => ({ query: { ...s.query, ...patch } }));
    void get().refresh();
  },
  refresh: async () => {
    set({ loading: true });
    try {
      const query = get().query;
      // Child runs show under their parents; a filter on status, tags or metrics searches every run.
      const topLevel = !query.status && !query.tag && !query.metric;
      const [{ runs, total }, experiments] = await Promise.all([
        client.runs.list({ ...query, topLevel }),
        client.runs.experiments({}),
      ]);
      set({ runs, total, experiments });
      await Promise.all([...get().expanded].map((id) => loadChildren(id)));
    } catch (err) {
      useUi.getState().showError(err);
    } finally {
      set({ loading: false });
    }
  },
  upsert: (run) => {
    const s = get();
    const filtered = Boolean(s.query.status || s.query.tag || s.query.metric);
    const known = s.runs.some((r) => r.id === run.id);
    // A run seen for the first time changes the sidebar's counts, and may be the first of a new experiment.
    if (!known) experimentsLoader.trigger();
    if (run.parentRunId && !filtered) return upsertChild(run);
    // Whether a run matches a status, tag or metric filter is the core's to say: ask it again.
    if (filtered) return listLoader.trigger();
    if (!known && s.query.experiment && run.experiment !== s.query.experiment) return;
    set((s) => {
      const index = s.runs.findIndex((r) => r.id === run.id);
      if (index < 0) return { runs: [run, ...s.runs], total: s.total + 1 };
      const runs = s.runs.slice();
      runs[index] = run;
      return { runs };
    });
  },
  toggle: (runId) =>
    set((s) => {
      const selected = new Set(s.selected);
      if (selected.has(runId)) selected.delete(runId);
      else selected.add(runId);
      return { selected };
    }),
  setView: (view) => set({ view }),
  toggleExpanded: async (runId) => {
    const expanded = new Set(get().expanded);
    if (expanded.has(runId)) expanded.delete(runId);
    else expanded.add(runId);
    set({ expanded });
    if (expanded.has(runId)) await loadChildren(runId);
  },
}));

// Live reloads, coalesced (a sweep starting 40 trials is one reload, not 40).
const experimentsLoader = liveLoader(async () => {
  try {
    useRuns.setState({ experiments: await client.runs.experiments({}) });
  } catch {
    // The next event or reconnect asks again; a refresh() reports errors.
  }
}, 150);
const listLoader = liveLoader(() => useRuns.getState().refresh(), 150);

async function loadChildren(parentRunId: string): Promise<void> {
  try {
    const { runs } = await client.runs.list({ parentRunId, sortOrder: 'asc', limit: PAGE });
    useRuns.setState((s) => ({ children: { ...s.children, [parentRunId]: runs } }));
  } catch (err) {
    useUi.getState().showError(err);
  }
}

/**
 * A child run's update goes into its parent's open list; a child not seen before also refreshes the
 * parent's row (its number of children).
 */
const seenChildren = new Set<string>();

function upsertChild(run: RunSummary): void {
  const parent = run.parentRunId as string;
  const s = useRuns.getState();
  const siblings = s.children[parent];
  const known = (siblings?.some((r) => r.id === run.id) ?? false) || seenChildren.has(run.id);
  seenChildren.add(run.id);
  if (siblings)
    useRuns.setState({
      children: {
        ...s.children,
        [parent]: known ? siblings.map((r) => (r.id === run.id ? run : r)) : [...siblings, run],
      },
    });
  if (!known && s.runs.some((r) => r.id === parent))
    void client.runs
      .get({ runId: parent })
      .then((p) => useRuns.getState().upsert(p))
      .catch(() => undefined);
}

/** A run shown anywhere in the list: a top-level run or an open parent's child. */
export function findListedRun(s: RunsState, runId: string): RunSummary | undefined {
  return (
    s.runs.find((r) => r.id === runId) ??
    Object.values(s.children)
      .flat()
      .find((r) => r.id === runId)
  );
}
