import { create } from 'zustand';
import { client } from '../transport/client';
import { FIXED_COLUMNS, type ColumnId, metricColumn, paramColumn } from '../screens/runs/table/tableModel';

/**
 * The runs table's own state: which columns show (remembered per experiment in localStorage, as MLflow
 * remembers its column choice), the sort, the filter text, every param/metric name of the experiment (from
 * runs.table, so a column can be chosen before its runs are loaded) and the runs shown in the charts.
 */
interface RunTableState {
  experiment: string;
  paramKeys: string[];
  metricKeys: string[];
  /** null: not chosen yet; the defaults follow the keys. */
  chosen: ColumnId[] | null;
  sort: { column: ColumnId; desc: boolean } | null;
  filter: string;
  /** The runs the parallel-coordinates and scatter charts draw (fixed while the user brushes). */
  chartRunIds: string[] | null;
  /** Where a shift-click range starts. */
  anchor: string | null;
  loadKeys(experiment: string | undefined): Promise<void>;
  setColumns(columns: ColumnId[]): void;
  setSort(column: ColumnId): void;
  setFilter(text: string): void;
  setChartRuns(ids: string[] | null): void;
  setAnchor(id: string | null): void;
}

const storageKey = (experiment: string) => `benchtop.runs.columns.${experiment || '*'}`;

function readColumns(experiment: string): ColumnId[] | null {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey(experiment)) ?? 'null') as unknown;
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as ColumnId[]) : null;
  } catch {
    return null;
  }
}

/** The columns shown before the user chooses: every parameter, then up to 6 metrics, leaving out system/ ones. */
export function defaultColumns(paramKeys: string[], metricKeys: string[]): ColumnId[] {
  return [
    ...FIXED_COLUMNS,
    ...paramKeys.slice(0, 8).map(paramColumn),
    ...metricKeys
      .filter((m) => !m.startsWith('system/'))
      .slice(0, 6)
      .map(metricColumn),
  ];
}

export const useRunTable = create<RunTableState>((set, get) => ({
  experiment: '',
  paramKeys: [],
  metricKeys: [],
  chosen: readColumns(''),
  sort: null,
  filter: '',
  chartRunIds: null,
  anchor: null,
  loadKeys: async (experiment) => {
    const name = experiment ?? '';
    if (name !== get().experiment) set({ experiment: name, chosen: readColumns(name), chartRunIds: null });
    try {
      // limit 1: only the names are wanted here; the rows come from the run list.
      const table = await client.runs.table({ experiment, limit: 1 });
      if (get().experiment === name) set({ paramKeys: table.paramKeys, metricKeys: table.metricKeys });
    } catch {
      // The names are a convenience: the rows' own names still fill the chooser.
    }
  },
  setColumns: (columns) => {
    localStorage.setItem(storageKey(get().experiment), JSON.stringify(columns));
    set({ chosen: columns });
  },
  setSort: (column) =>
    set((s) => ({
      // Click: ascending, again: descending, a third time: back to the list's order.
      sort: s.sort?.column !== column ? { column, desc: false } : s.sort.desc ? null : { column, desc: true },
    })),
  setFilter: (filter) => set({ filter }),
  setChartRuns: (chartRunIds) => set({ chartRunIds }),
  setAnchor: (anchor) => set({ anchor }),
}));
