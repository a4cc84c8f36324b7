import { useEffect, useState } from 'react';
import type { RunMetrics } from '../../../shared/api/runEvents';
import type { RunSummary } from '../../../shared/api/runTypes';
import { LineChart } from '../../components/LineChart';
import { useRuns } from '../../stores/runs';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { formatMetric } from './RunList';

/** Runs side by side: arguments and last metric values in one table, series overlaid per metric. */
export function CompareRuns({ runIds }: { runIds: string[] }) {
  const setView = useRuns((s) => s.setView);
  const [data, setData] = useState<{ run: RunSummary; metrics: RunMetrics }[] | null>(null);
  useEffect(() => {
    void Promise.all(
      runIds.map(async (runId) => ({
        run: await client.runs.get({ runId }),
        metrics: (await client.runs.metrics({ runId })) as RunMetrics,
      })),
    )
      .then(setData)
      .catch((e: unknown) => useUi.getState().showError(e));
  }, [runIds]);
  if (!data) return <div className="muted pad">Loading {runIds.length} runs...</div>;
  const metricNames = [...new Set(data.flatMap((d) => Object.keys(d.run.metrics)))].sort();
  const seriesNames = [...new Set(data.flatMap((d) => Object.keys(d.metrics.scalars)))].sort();
  return (
    <section className="page" aria-label="Compare runs">
      <header className="detail-header">
        <button type="button" onClick={() => setView({ kind: 'list' })}>
          ← Runs
        </button>
        <h2>Compare {data.length} runs</h2>
      </header>
      <table className="table compare" aria-label="Comparison">
        <thead>
          <tr>
            <th />{' '}
            {data.map((d) => (
              <th key={d.run.id}>{d.run.id}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>Status</th>
            {data.map((d) => (
              <td key={d.run.id}>{d.run.status}</td>
            ))}
          </tr>
          <tr>
            <th>Environment</th>
            {data.map((d) => (
              <td key={d.run.id}>{d.run.environment}</td>
            ))}
          </tr>
          <tr>
            <th>Arguments</th>
            {data.map((d) => (
              <td key={d.run.id}>{d.run.arguments.join(' ') || '-'}</td>
            ))}
          </tr>
          {metricNames.map((m) => (
            <tr key={m}>
              <th>{m}</th>
              {data.map((d) => (
                <td key={d.run.id}>{formatMetric(d.run.metrics[m])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="charts">
        {seriesNames.map((name) => (
          <LineChart
            key={name}
            title={name}
            series={data
              .filter((d) => d.metrics.scalars[name])
              .map((d) => ({
                label: d.run.id,
                points: (d.metrics.scalars[name] ?? []).map((p) => ({
                  x: p.step,
                  y: typeof p.value === 'number' ? p.value : Number.NaN,
                })),
              }))}
          />
        ))}
      </div>
    </section>
  );
}
