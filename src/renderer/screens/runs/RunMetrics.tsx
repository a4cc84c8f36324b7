import { useEffect, useState } from 'react';
import {
  applyRunEvents,
  emptyMetrics,
  type RunEvent,
  type RunMetrics,
  type ScalarPoint,
} from '../../../shared/api/runEvents';
import { freshEvents } from './freshEvents';
import { ChartControls, type ChartSettings, DEFAULT_CHART_SETTINGS } from '../../components/charts/ChartControls';
import { MetricChart } from '../../components/charts/MetricChart';
import { isDrawable } from '../../components/charts/chartData';
import { fromScalarColumns } from '../../components/charts/scalarColumns';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { formatMetric } from './RunList';

/** The sampler's metric names (src/main/supervisor/systemMetrics.ts, MLflow's prefix). */
export const SYSTEM_PREFIX = 'system/';

function Image({ runId, path }: { runId: string; path: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    void client.runs
      .file({ runId, path: `files/${path.replace(/^files\//, '')}` })
      .then((f) => setSrc(`data:${f.mime};base64,${f.base64}`))
      .catch(() => setSrc(null));
  }, [runId, path]);
  return src ? <img src={src} alt={path} className="metric-image" /> : <span className="muted">{path}</span>;
}

function Table({ name, columns }: { name: string; columns: Record<string, unknown[]> }) {
  const keys = Object.keys(columns);
  const rows = Math.max(0, ...keys.map((k) => columns[k]?.length ?? 0));
  return (
    <table className="table" aria-label={`Table ${name}`}>
      <caption>{name}</caption>
      <thead>
        <tr>
          {keys.map((k) => (
            <th key={k}>{k}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: Math.min(rows, 500) }, (_, i) => (
          <tr key={i}>
            {keys.map((k) => (
              <td key={k}>{formatMetric(columns[k]?.[i])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** MLflow params (mlflow.log_param): one row per key, in the order they were logged. */
function ParamsTable({ params }: { params: Record<string, string> }) {
  return (
    <table className="table" aria-label="Parameters">
      <caption>Parameters</caption>
      <thead>
        <tr>
          <th>Name</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(params).map(([key, value]) => (
          <tr key={key}>
            <td>{key}</td>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The run's metrics, read once and then kept up to date from run.metrics events while it is live (subscribed before
 * the first read, so nothing logged in between is lost).
 */
export function useRunMetrics(runId: string, live: boolean): RunMetrics | null {
  const [state, setState] = useState<{ runId: string; metrics: RunMetrics } | null>(null);
  // An ended run's metrics do not change: switching tabs (Metrics, System) shows them again without a new read.
  const kept = live ? undefined : ended.get(runId);
  useEffect(() => {
    if (kept) return;
    const setMetrics = (metrics: RunMetrics) => setState({ runId, metrics });
    let current: RunMetrics = emptyMetrics();
    let pending: RunEvent[] = [];
    let loaded = false;
    // The latest event time seen: what freshEvents tells repeats of the first read by.
    let seen = 0;
    const fold = (events: RunEvent[]) => {
      const fresh = freshEvents(events, seen, current);
      if (fresh.length === 0) return;
      seen = Math.max(seen, ...fresh.map((e) => e.t));
      current = applyRunEvents({ ...current, scalars: { ...current.scalars } }, fresh);
      setMetrics(current);
    };
    const off = client.on('run.metrics', (p) => {
      if (p.runId !== runId) return;
      if (!loaded) pending.push(...(p.events as RunEvent[]));
      else fold(p.events as RunEvent[]);
    });
    if (live) void client.runs.watchMetrics({ runId, on: true });
    void client.runs
      .metricColumns({ runId })
      .then((answer) => {
        current = fromScalarColumns(answer);
        loaded = true;
        if (!live) keepEnded(runId, current);
        seen = latestTime(current);
        setMetrics({ ...current });
        fold(pending);
        pending = [];
      })
      .catch((e: unknown) => useUi.getState().showError(e));
    return () => {
      off();
      if (live) void client.runs.watchMetrics({ runId, on: false }).catch(() => undefined);
    };
  }, [runId, live, kept]);
  return kept ?? (state?.runId === runId ? state.metrics : null);
}

/** The last few ended runs' metrics (a 100,000-point run is ~6 MB of JSON to read again). */
const ended = new Map<string, RunMetrics>();
function keepEnded(runId: string, metrics: RunMetrics): void {
  ended.delete(runId);
  ended.set(runId, metrics);
  if (ended.size > 4) ended.delete(ended.keys().next().value as string);
}

/** The newest event time of the scalars (a loop: 100,000 points would overflow Math.max's arguments). */
function latestTime(metrics: RunMetrics): number {
  let latest = 0;
  for (const series of Object.values(metrics.scalars)) for (const p of series) if (p.t > latest) latest = p.t;
  return latest;
}

/** Whether a scalar series has anything to draw (a name logged only with strings or booleans is shown as text). */
export function hasNumbers(points: ScalarPoint[]): boolean {
  return points.some((p) => isDrawable(p.value));
}

/** A scalar series that holds no finite number (text, booleans, only NaN): its values as a step / value table. */
function textColumns(points: ScalarPoint[]): Record<string, unknown[]> {
  return { step: points.map((p) => p.step), value: points.map((p) => p.value) };
}

/** A chart per scalar series that grows while the run is live; params, lists, rows, tables and images below. */
export function RunMetricsView({ runId, live }: { runId: string; live: boolean }) {
  const metrics = useRunMetrics(runId, live);
  const [settings, setSettings] = useState<ChartSettings>(DEFAULT_CHART_SETTINGS);
  if (!metrics) return <div className="muted">Loading metrics...</div>;
  // The sampler's CPU / memory / GPU series have their own tab (System).
  const scalars = Object.entries(metrics.scalars).filter(([name]) => !name.startsWith(SYSTEM_PREFIX));
  const charted = scalars.filter(([, points]) => hasNumbers(points));
  const textual = scalars.filter(([, points]) => !hasNumbers(points));
  const params = metrics.params ?? {};
  const nothing =
    scalars.length +
      Object.keys(params).length +
      Object.keys(metrics.lists).length +
      Object.keys(metrics.rows).length +
      Object.keys(metrics.tables).length +
      Object.keys(metrics.images).length ===
    0;
  if (nothing)
    return (
      <p className="muted">
        No metrics yet. Scripts log them with <code>Run.get_context().log(name, value)</code> or{' '}
        <code>mlflow.log_metric(name, value)</code>
        {live ? '; they appear here while the run is live.' : '.'}
      </p>
    );
  return (
    <div className="metrics">
      {charted.length > 0 && (
        <>
          <ChartControls value={settings} onChange={setSettings} />
          <div className="metric-charts">
            {charted.map(([name, points]) => (
              <MetricChart key={name} title={name} settings={settings} series={[{ runId, label: name, points }]} />
            ))}
          </div>
        </>
      )}
      {textual.map(([name, points]) => (
        <Table key={name} name={name} columns={textColumns(points)} />
      ))}
      {Object.keys(params).length > 0 && <ParamsTable params={params} />}
      {Object.entries(metrics.lists).map(([name, values]) => (
        <Table key={name} name={name} columns={{ value: values }} />
      ))}
      {Object.entries(metrics.rows).map(([name, columns]) => (
        <Table key={name} name={name} columns={columns} />
      ))}
      {Object.entries(metrics.tables).map(([name, columns]) => (
        <Table key={name} name={name} columns={columns} />
      ))}
      {Object.entries(metrics.images).map(([name, paths]) => (
        <figure key={name}>
          <figcaption>{name}</figcaption>
          {paths.map((p) => (
            <Image key={p} runId={runId} path={p} />
          ))}
        </figure>
      ))}
    </div>
  );
}
