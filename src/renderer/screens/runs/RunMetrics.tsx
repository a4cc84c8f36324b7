import { useEffect, useState } from 'react';
import { applyRunEvents, emptyMetrics, type RunEvent, type RunMetrics } from '../../../shared/api/runEvents';
import { freshEvents } from './freshEvents';
import { LineChart } from '../../components/LineChart';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { formatMetric } from './RunList';

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

/** A chart per scalar series that grows while the run is live; params, lists, rows, tables and images below. */
export function RunMetricsView({ runId, live }: { runId: string; live: boolean }) {
  const [metrics, setMetrics] = useState<RunMetrics | null>(null);
  useEffect(() => {
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
      .metrics({ runId })
      .then((m) => {
        current = m as RunMetrics;
        loaded = true;
        seen = Math.max(0, ...Object.values(current.scalars).flatMap((series) => series.map((p) => p.t)));
        setMetrics({ ...current });
        fold(pending);
        pending = [];
      })
      .catch((e: unknown) => useUi.getState().showError(e));
    return () => {
      off();
      if (live) void client.runs.watchMetrics({ runId, on: false }).catch(() => undefined);
    };
  }, [runId, live]);
  if (!metrics) return <div className="muted">Loading metrics...</div>;
  const scalars = Object.entries(metrics.scalars);
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
      <div className="charts">
        {scalars.map(([name, points]) => (
          <LineChart
            key={name}
            title={name}
            series={[
              {
                label: name,
                points: points.map((p) => ({ x: p.step, y: typeof p.value === 'number' ? p.value : Number.NaN })),
              },
            ]}
          />
        ))}
      </div>
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
