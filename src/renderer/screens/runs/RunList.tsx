import { useEffect, useMemo, useRef, useState } from 'react';
import { RUN_STATUSES, type RunStatus, type RunSummary } from '../../../shared/api/runTypes';
import { EmptyState } from '../../components/ErrorBanner';
import { useRuns } from '../../stores/runs';
import { useLiveSweepList } from '../../stores/sweeps';
import { SweepBadge } from '../sweeps/SweepBadge';

const ROW = 34;
const OVERSCAN = 10;

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

/** "accuracy > 0.9" -> a metric filter; null when the text is not one. */
function parseMetricFilter(text: string) {
  const m = /^\s*([^<>=\s]+)\s*(>=|<=|>|<|=)\s*(-?[\d.eE+-]+)\s*$/.exec(text);
  return m ? { name: m[1] as string, op: m[2] as '>' | '>=' | '<' | '<=' | '=', value: Number(m[3]) } : null;
}

/** Run history: filters, a metric sort, and a virtualised table that stays fast for tens of thousands of runs. */
/** The list's rows: each run, and under an open parent its child runs (indented by depth). */
function listRows(
  runs: RunSummary[],
  children: Record<string, RunSummary[]>,
  expanded: Set<string>,
): { run: RunSummary; depth: number }[] {
  const out: { run: RunSummary; depth: number }[] = [];
  const add = (run: RunSummary, depth: number) => {
    out.push({ run, depth });
    if (expanded.has(run.id) && depth < 8) for (const child of children[run.id] ?? []) add(child, depth + 1);
  };
  for (const run of runs) add(run, 0);
  return out;
}

export function RunList() {
  const { runs, total, query, setQuery, experiments, selected, toggle, setView, loading } = useRuns();
  const children = useRuns((s) => s.children);
  const expanded = useRuns((s) => s.expanded);
  const toggleExpanded = useRuns((s) => s.toggleExpanded);
  // Sweep parents' rows show their trial counts, kept live by the sweep list's events.
  const sweeps = useLiveSweepList().list;
  const rows = useMemo(() => listRows(runs, children, expanded), [runs, children, expanded]);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(500);
  const [metricText, setMetricText] = useState('');
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const metricColumns = useMemo(() => {
    const names = new Map<string, number>();
    for (const run of runs.slice(0, 500))
      for (const name of Object.keys(run.metrics)) names.set(name, (names.get(name) ?? 0) + 1);
    return [...names.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([n]) => n);
  }, [runs]);
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const metricFilterInvalid = metricText.trim() !== '' && parseMetricFilter(metricText) === null;

  const allRuns = experiments.reduce((n, x) => n + x.runs, 0);
  return (
    <div className="runs-split">
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
      <section className="page runs-page" aria-label="Runs">
        <header className="detail-header">
          <h2>Runs</h2>
          <span className="muted" data-testid="run-count">
            {total.toLocaleString()} run{total === 1 ? '' : 's'}
            {loading ? ' (loading...)' : ''}
          </span>
          <span className="spacer" />
          <button
            type="button"
            disabled={selected.size < 2}
            onClick={() => setView({ kind: 'compare', runIds: [...selected] })}
          >
            Compare ({selected.size})
          </button>
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
        <div className="row filters">
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
          <label>
            Metric{' '}
            <input
              aria-label="Metric filter"
              aria-invalid={metricFilterInvalid}
              placeholder="accuracy > 0.9"
              value={metricText}
              onChange={(e) => setMetricText(e.target.value)}
              onKeyDown={(e) =>
                e.key === 'Enter' &&
                !metricFilterInvalid &&
                setQuery({ metric: parseMetricFilter(metricText) ?? undefined })
              }
            />
          </label>
          <label>
            Sort by{' '}
            <select
              aria-label="Sort by"
              value={query.sortMetric ?? ''}
              onChange={(e) => setQuery({ sortMetric: e.target.value || undefined })}
            >
              <option value="">newest</option>
              {metricColumns.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            aria-label="Sort direction"
            onClick={() => setQuery({ sortOrder: query.sortOrder === 'asc' ? 'desc' : 'asc' })}
          >
            {query.sortOrder === 'asc' ? '↑ asc' : '↓ desc'}
          </button>
        </div>
        {metricFilterInvalid ? (
          <div className="field-error">
            Write a metric filter as NAME OP NUMBER, e.g. accuracy &gt; 0.9 (ops: &gt; &gt;= &lt; &lt;= =), then Enter.
          </div>
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
        ) : (
          <div className="run-table" role="table" aria-label="Runs" aria-rowcount={rows.length}>
            <div className="run-row head" role="row">
              <span role="columnheader" />
              <span role="columnheader">Run</span>
              <span role="columnheader">Experiment</span>
              <span role="columnheader">Status</span>
              <span role="columnheader">Environment</span>
              <span role="columnheader">Duration</span>
              {metricColumns.map((m) => (
                <span key={m} role="columnheader">
                  {m}
                </span>
              ))}
            </div>
            <div className="run-rows" ref={box} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
              <div style={{ height: rows.length * ROW, position: 'relative' }}>
                {rows.slice(first, last).map(({ run, depth }, i) => (
                  <div
                    key={run.id}
                    role="row"
                    className="run-row"
                    aria-level={depth + 1}
                    style={{ top: (first + i) * ROW }}
                  >
                    <span>
                      <input
                        type="checkbox"
                        aria-label={`Select ${run.id}`}
                        checked={selected.has(run.id)}
                        onChange={() => toggle(run.id)}
                      />
                    </span>
                    <span style={{ paddingLeft: depth * 18, display: 'flex', alignItems: 'center', gap: 4 }}>
                      {run.children > 0 ? (
                        <button
                          type="button"
                          className="link"
                          style={{ flexShrink: 0 }}
                          aria-expanded={expanded.has(run.id)}
                          aria-label={`${expanded.has(run.id) ? 'Hide' : 'Show'} the ${run.children} child runs of ${run.id}`}
                          title={`${run.children} child run${run.children === 1 ? '' : 's'}`}
                          onClick={() => void toggleExpanded(run.id)}
                        >
                          {expanded.has(run.id) ? '▾' : '▸'} {run.children}
                        </button>
                      ) : null}
                      <button
                        type="button"
                        className="link"
                        style={{ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' }}
                        title={run.id}
                        onClick={() => setView({ kind: 'detail', runId: run.id })}
                      >
                        {run.id}
                      </button>
                      {run.runType === 'hyperdrive' ? (
                        <SweepBadge summary={sweeps?.find((x) => x.id === run.id)} />
                      ) : null}
                      {run.displayName && run.displayName !== run.id ? (
                        <span className="muted" style={{ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' }}>
                          {run.displayName}
                        </span>
                      ) : null}
                    </span>
                    <span className="muted">{run.experiment}</span>
                    <span>
                      <span className={`state ${run.status.toLowerCase()}`}>{run.status}</span>
                    </span>
                    <span className="muted">{run.environment}</span>
                    <span>{duration(run)}</span>
                    {metricColumns.map((m) => (
                      <span key={m}>{formatMetric(run.metrics[m])}</span>
                    ))}
                  </div>
                ))}
              </div>
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
