import { useEffect, useMemo, useState } from 'react';
import type { RunMetricsData as RunMetrics, RunSummary } from '../../../shared/api/runTypes';
import { argumentParams } from '../../../shared/runs/argumentParams';
import { MetricChart } from '../../components/charts/MetricChart';
import { runColor } from '../../components/runColors';
import { useRuns } from '../../stores/runs';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { duration, formatMetric } from './RunList';
import './table/runsTable.css';

interface Compared {
  run: RunSummary;
  metrics: RunMetrics;
  params: Record<string, string>;
}

/** A run's short id: the part of its id after the experiment name, as Azure's ids end in a unique tail. */
export function shortId(id: string): string {
  const tail = id.split('_').pop() ?? id;
  return tail.length > 10 ? tail.slice(-8) : tail;
}

interface CompareRow {
  label: string;
  group: 'Run' | 'Parameters' | 'Metrics';
  values: string[];
}

/** Rows of the comparison: the run's facts, every parameter (arguments and MLflow params), every last metric value. */
function compareRows(data: Compared[]): CompareRow[] {
  const rows: CompareRow[] = [
    { group: 'Run', label: 'Status', values: data.map((d) => d.run.status) },
    { group: 'Run', label: 'Environment', values: data.map((d) => d.run.environment) },
    { group: 'Run', label: 'Duration', values: data.map((d) => duration(d.run)) },
    { group: 'Run', label: 'Arguments', values: data.map((d) => d.run.arguments.join(' ') || '-') },
  ];
  const params = [...new Set(data.flatMap((d) => Object.keys(d.params)))].sort();
  for (const p of params) rows.push({ group: 'Parameters', label: p, values: data.map((d) => d.params[p] ?? '') });
  const metrics = [...new Set(data.flatMap((d) => Object.keys(d.run.metrics)))]
    .filter((m) => !m.startsWith('system/'))
    .sort();
  for (const m of metrics)
    rows.push({ group: 'Metrics', label: m, values: data.map((d) => formatMetric(d.run.metrics[m])) });
  return rows;
}

/** Runs side by side: differing values highlighted (or only those shown), series overlaid per metric. */
export function CompareRuns({ runIds }: { runIds: string[] }) {
  const setView = useRuns((s) => s.setView);
  const [data, setData] = useState<Compared[] | null>(null);
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  useEffect(() => {
    void Promise.all(
      runIds.map(async (runId) => {
        const [run, metrics] = await Promise.all([client.runs.get({ runId }), client.runs.metrics({ runId })]);
        // A script's --name value arguments, then MLflow's logged params (log_param) where a run has them.
        return { run, metrics, params: { ...argumentParams(run.arguments), ...metrics.params } };
      }),
    )
      .then(setData)
      .catch((e: unknown) => useUi.getState().showError(e));
  }, [runIds]);
  // The run's own colour, as its chip in the runs table and its line in the sweep charts.
  const colors = useMemo(() => new Map(runIds.map((id) => [id, runColor(id)])), [runIds]);
  const rows = useMemo(() => (data ? compareRows(data) : []), [data]);
  if (!data) return <div className="muted pad">Loading {runIds.length} runs...</div>;
  const differs = (r: CompareRow) => new Set(r.values).size > 1;
  const shown = onlyDiffs ? rows.filter(differs) : rows;
  const differing = rows.filter(differs).length;
  const seriesNames = [...new Set(data.flatMap((d) => Object.keys(d.metrics.scalars)))]
    .filter((n) => !n.startsWith('system/'))
    .sort();
  const label = (run: RunSummary) =>
    `${run.displayName && run.displayName !== run.id ? run.displayName : run.experiment} (${shortId(run.id)})`;
  return (
    <section className="page" aria-label="Compare runs">
      <header className="detail-header">
        <button type="button" onClick={() => setView({ kind: 'list' })}>
          ← Runs
        </button>
        <h2 tabIndex={-1}>Compare {data.length} runs</h2>
        <span className="muted" data-testid="differing-count">
          {differing} of {rows.length} values differ
        </span>
        <span className="spacer" />
        <label>
          <input type="checkbox" checked={onlyDiffs} onChange={(e) => setOnlyDiffs(e.target.checked)} /> Show only
          differences
        </label>
      </header>
      <div className="table-scroll">
        <table className="table compare compare-diff" aria-label="Comparison">
          <thead>
            <tr>
              <th />
              {data.map((d) => (
                <th key={d.run.id} title={d.run.id} scope="col">
                  <span className="compare-label">
                    <span className="chip" style={{ background: colors.get(d.run.id) }} aria-hidden="true" />
                    <button type="button" className="link" onClick={() => setView({ kind: 'detail', runId: d.run.id })}>
                      {d.run.displayName && d.run.displayName !== d.run.id ? d.run.displayName : d.run.id}
                    </button>
                    <span className="short">{shortId(d.run.id)}</span>
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => {
              const diff = differs(r);
              return (
                <tr
                  key={`${r.group}:${r.label}`}
                  data-differs={diff}
                  className={i > 0 && shown[i - 1]?.group !== r.group ? 'group-start' : undefined}
                >
                  <th scope="row" title={r.group}>
                    {r.group === 'Run' ? '' : <span className="muted">{r.group === 'Parameters' ? 'P ' : 'M '}</span>}
                    {r.label}
                  </th>
                  {r.values.map((v, k) => (
                    <td key={k} className={diff ? 'differs' : undefined}>
                      {v}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
        {onlyDiffs && shown.length === 0 ? <p className="muted">These runs have the same values everywhere.</p> : null}
      </div>
      <div className="charts">
        {seriesNames.map((name) => (
          <MetricChart
            key={name}
            title={name}
            series={data
              .filter((d) => d.metrics.scalars[name])
              .map((d) => ({
                runId: d.run.id,
                label: label(d.run),
                color: colors.get(d.run.id),
                points: (d.metrics.scalars[name] ?? []).map((p) => ({
                  step: p.step,
                  t: p.t,
                  value: typeof p.value === 'number' ? p.value : Number.NaN,
                })),
              }))}
          />
        ))}
      </div>
    </section>
  );
}
