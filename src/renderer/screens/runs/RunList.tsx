import { lazy, Suspense, useDeferredValue, useEffect, useMemo } from 'react';
import { FINAL_STATUSES, RUN_STATUSES, type RunStatus, type RunSummary } from '../../../shared/api/runTypes';
import { confirmAction } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/ErrorBanner';
import { PaneToggle, paneClass, usePaneCollapsed } from '../../components/SidePane';
import { useRuns } from '../../stores/runs';
import { defaultColumns, useRunTable } from '../../stores/runTable';
import { useLiveSweepList } from '../../stores/sweeps';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { ColumnChooser } from './table/ColumnChooser';
import { matches, parseFilter } from './table/filterExpression';
import { RunsTable } from './table/RunsTable';
import { type TableRun, runParams, sortRows } from './table/tableModel';

// ECharts is big: the charts load as their own chunk the first time they are opened (the first bundle stays small).
const SweepCharts = lazy(() => import('./table/SweepCharts').then((m) => ({ default: m.SweepCharts })));

// The table is virtualised, so it holds a whole 10,000-run sweep (the list's own page is 5,000).
if ((useRuns.getState().query.limit ?? 0) < 10_000) useRuns.setState((s) => ({ query: { ...s.query, limit: 10_000 } }));

export function duration(run: Pick<RunSummary, 'startedAt' | 'endedAt'>): string {
  if (!run.startedAt) return '-';
  const ms = (run.endedAt ? Date.parse(run.endedAt) : Date.now()) - Date.parse(run.startedAt);
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatMetric(v: unknown): string {
  return typeof v === 'number' ? Number(v.toPrecision(4)).toString() : v === null || v === undefined ? '' : String(v);
}

/** The list's rows: each run, and under an open parent its child runs (indented by depth). */
function listRows(runs: RunSummary[], children: Record<string, RunSummary[]>, expanded: Set<string>): TableRun[] {
  const out: TableRun[] = [];
  const add = (run: RunSummary, depth: number) => {
    out.push({ run, depth, params: runParams(run) });
    if (expanded.has(run.id) && depth < 8) for (const child of children[run.id] ?? []) add(child, depth + 1);
  };
  for (const run of runs) add(run, 0);
  return out;
}

const NO_RUNS: RunSummary[] = [];

/** Names seen in the loaded runs, merged with the experiment's (runs.table), so live new ones appear at once. */
function mergeKeys(known: string[], rows: TableRun[], pick: (r: TableRun) => Record<string, unknown>): string[] {
  const names = new Set(known);
  for (const row of rows.slice(0, 2000)) for (const k of Object.keys(pick(row))) names.add(k);
  return [...names].sort();
}

/** Run history: experiments, filters, a column chooser, sorting, selection and the sweep charts. */
export function RunList() {
  const { runs, total, query, setQuery, experiments, selected, setView, loading } = useRuns();
  const children = useRuns((s) => s.children);
  const expanded = useRuns((s) => s.expanded);
  const toggleExpanded = useRuns((s) => s.toggleExpanded);
  const table = useRunTable();
  // Sweep parents' rows show their trial counts, kept live by the sweep list's events.
  const sweeps = useLiveSweepList().list;
  useEffect(() => void useRunTable.getState().loadKeys(query.experiment), [query.experiment, total]);
  // Deferred: coming back to Runs paints the header at once and fills 10,000 rows in the render after.
  const deferredRuns = useDeferredValue(runs, NO_RUNS);
  const rows = useMemo(() => listRows(deferredRuns, children, expanded), [deferredRuns, children, expanded]);
  const filling = deferredRuns === NO_RUNS && runs.length > 0;
  const paramKeys = useMemo(() => mergeKeys(table.paramKeys, rows, (r) => r.params), [table.paramKeys, rows]);
  const metricKeys = useMemo(() => mergeKeys(table.metricKeys, rows, (r) => r.run.metrics), [table.metricKeys, rows]);
  const columns = table.chosen ?? defaultColumns(paramKeys, metricKeys);
  const filter = useMemo(() => parseFilter(table.filter, paramKeys, metricKeys), [table.filter, paramKeys, metricKeys]);
  const shown = useMemo(() => {
    const kept = filter.clauses.length ? rows.filter((r) => matches(r, filter, columns)) : rows;
    return sortRows(kept, table.sort);
  }, [rows, filter, columns, table.sort]);
  const chartRuns = useMemo(
    () => (table.chartRunIds ? rows.filter((r) => table.chartRunIds?.includes(r.run.id)) : null),
    [rows, table.chartRunIds],
  );
  const select = (ids: Iterable<string>, on: boolean) =>
    useRuns.setState((s) => {
      const next = new Set(s.selected);
      for (const id of ids)
        if (on) next.add(id);
        else next.delete(id);
      return { selected: next };
    });
  const onSelect = (runId: string, shift: boolean) => {
    const anchor = useRunTable.getState().anchor;
    const from = anchor ? shown.findIndex((r) => r.run.id === anchor) : -1;
    const to = shown.findIndex((r) => r.run.id === runId);
    if (shift && from >= 0 && to >= 0) {
      // A range takes the anchor's state (as a file manager does): checked anchor -> check the range.
      const on = selected.has(anchor as string);
      select(
        shown.slice(Math.min(from, to), Math.max(from, to) + 1).map((r) => r.run.id),
        on,
      );
    } else select([runId], !selected.has(runId));
    useRunTable.getState().setAnchor(runId);
  };
  const cancellable = [...selected].filter((id) => {
    const run = rows.find((r) => r.run.id === id)?.run;
    return run !== undefined && !FINAL_STATUSES.has(run.status);
  });
  const experimentsCollapsed = usePaneCollapsed('experiments');
  const cancelSelected = async () => {
    const ok = await confirmAction({
      title: `Cancel ${cancellable.length} run${cancellable.length === 1 ? '' : 's'}?`,
      message: 'Queued runs never start; running ones are stopped. Their files and metrics so far are kept.',
      dependents: cancellable.slice(0, 10),
      dependentsLabel: 'Runs',
      confirmLabel: 'Cancel runs',
    });
    if (!ok) return;
    const failed: string[] = [];
    for (const runId of cancellable) await client.runs.cancel({ runId }).catch(() => failed.push(runId));
    if (failed.length)
      useUi.getState().showError(new Error(`Could not cancel ${failed.join(', ')}: they may have ended already.`));
  };

  const allRuns = experiments.reduce((n, x) => n + x.runs, 0);
  return (
    <div className={`runs-split${paneClass(experimentsCollapsed)}`}>
      <nav className="experiments" aria-label="Experiments">
        <h3 className="group">Experiments</h3>
        <button
          type="button"
          className={!query.experiment ? 'selected' : ''}
          aria-current={!query.experiment ? 'true' : undefined}
          onClick={() => setQuery({ experiment: undefined })}
        >
          All experiments <span className="muted">{allRuns}</span>
        </button>
        {experiments.map((x) => (
          <button
            key={x.name}
            type="button"
            className={query.experiment === x.name ? 'selected' : ''}
            aria-current={query.experiment === x.name ? 'true' : undefined}
            onClick={() => setQuery({ experiment: x.name })}
          >
            {x.name} <span className="muted">{x.runs}</span>
          </button>
        ))}
      </nav>
      <PaneToggle id="experiments" label="experiments" />
      <section className="page runs-page" aria-label="Runs">
        <header className="detail-header">
          <h2>Runs</h2>
          <span className="muted" data-testid="run-count">
            {total.toLocaleString()} run{total === 1 ? '' : 's'}
            {shown.length !== rows.length ? `, ${shown.length.toLocaleString()} shown` : ''}
            {loading ? ' (loading...)' : ''}
          </span>
          <span className="spacer" />
          <button type="button" onClick={() => setView({ kind: 'sweeps' })}>
            Sweeps
          </button>
          <button type="button" onClick={() => setView({ kind: 'import' })}>
            Import MLflow store
          </button>
          <button type="button" className="primary" onClick={() => setView({ kind: 'submit', from: null })}>
            Submit run
          </button>
        </header>
        <div className="table-tools" role="toolbar" aria-label="Runs table">
          <label>
            Status{' '}
            <select
              aria-label="Status"
              value={query.status ?? ''}
              onChange={(e) => setQuery({ status: (e.target.value || undefined) as RunStatus | undefined })}
            >
              <option value="">any</option>
              {RUN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Tag{' '}
            <input
              aria-label="Tag filter"
              placeholder="key or key=value"
              defaultValue={query.tag ?? ''}
              onKeyDown={(e) => e.key === 'Enter' && setQuery({ tag: e.currentTarget.value || undefined })}
            />
          </label>
          <label className="filter-box">
            <input
              aria-label="Filter runs"
              aria-invalid={filter.unknown.length > 0}
              aria-describedby="runs-filter-help"
              placeholder="Filter: text, or lr > 0.01 optimizer=adam accuracy >= 0.9"
              value={table.filter}
              onChange={(e) => table.setFilter(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && table.setFilter('')}
            />
          </label>
          <ColumnChooser
            shown={columns}
            paramKeys={paramKeys}
            metricKeys={metricKeys}
            onChange={table.setColumns}
            onReset={() => table.setColumns(defaultColumns(paramKeys, metricKeys))}
          />
        </div>
        <div className="table-tools" aria-live="polite">
          <span id="runs-filter-help" className={filter.unknown.length ? 'field-error' : 'muted'}>
            {filter.unknown.length
              ? `No column named ${filter.unknown.map((n) => `"${n}"`).join(', ')}: use a parameter or metric name (see Columns), status, experiment or duration.`
              : `${selected.size} selected${selected.size ? '' : ' · shift-click selects a range'}`}
          </span>
          <span className="spacer" />
          <button
            type="button"
            disabled={selected.size < 2}
            onClick={() => setView({ kind: 'compare', runIds: [...selected] })}
          >
            Compare ({selected.size})
          </button>
          <button
            type="button"
            disabled={selected.size < 2}
            title="Parallel coordinates and a parameter-vs-metric scatter of the selected runs"
            onClick={() => table.setChartRuns([...selected])}
          >
            Chart selected ({selected.size})
          </button>
          <button
            type="button"
            className="danger"
            disabled={cancellable.length === 0}
            onClick={() => void cancelSelected()}
          >
            Cancel selected ({cancellable.length})
          </button>
          {selected.size ? (
            <button type="button" onClick={() => useRuns.setState({ selected: new Set() })}>
              Clear selection
            </button>
          ) : null}
        </div>
        {chartRuns && chartRuns.length > 0 ? (
          <Suspense fallback={<div className="muted pad">Loading charts...</div>}>
            <SweepCharts
              runs={chartRuns}
              paramKeys={paramKeys.filter((k) => chartRuns.some((r) => r.params[k] !== undefined))}
              metricKeys={metricKeys.filter((k) => chartRuns.some((r) => r.run.metrics[k] !== undefined))}
              onBrush={(ids) => useRuns.setState({ selected: new Set(ids) })}
              onClose={() => table.setChartRuns(null)}
            />
          </Suspense>
        ) : null}
        {runs.length === 0 && !loading ? (
          <EmptyState title={total === 0 && !query.experiment && !query.status ? 'No runs yet' : 'No runs match'}>
            {total === 0 ? (
              <>
                Submit a script with <em>Submit run</em>, or from a terminal:{' '}
                <code>benchtop run submit -d SRC -s train.py</code>.
              </>
            ) : (
              'Change the filters.'
            )}
          </EmptyState>
        ) : filling ? (
          <div className="runs-grid muted pad">Loading {runs.length.toLocaleString()} runs...</div>
        ) : shown.length === 0 ? (
          <EmptyState title="No runs match the filter">
            Nothing in the {rows.length.toLocaleString()} loaded runs passes <code>{table.filter}</code>.{' '}
            <button type="button" className="link" onClick={() => table.setFilter('')}>
              Clear the filter
            </button>
          </EmptyState>
        ) : (
          <RunsTable
            rows={shown}
            columns={columns}
            selected={selected}
            expanded={expanded}
            sweeps={sweeps ?? undefined}
            sort={table.sort}
            onSort={table.setSort}
            onSelect={onSelect}
            onSelectAll={(on) =>
              select(
                shown.map((r) => r.run.id),
                on,
              )
            }
            onOpen={(runId) => setView({ kind: 'detail', runId })}
            onToggleChildren={(runId) => void toggleExpanded(runId)}
          />
        )}
      </section>
    </div>
  );
}
