import { useState } from 'react';
import { ChartControls, type ChartSettings, DEFAULT_CHART_SETTINGS } from '../../components/charts/ChartControls';
import { MetricChart } from '../../components/charts/MetricChart';
import { SYSTEM_PREFIX, hasNumbers, useRunMetrics } from './RunMetrics';

/** Titles and axis units for MLflow's system metric names; unknown ones show their own name. */
function describe(name: string): { title: string; unit: string; order: number } {
  const gpu = /^gpu_(\d+)_(.+)$/.exec(name);
  if (gpu) {
    const [, index, what] = gpu as unknown as [string, string, string];
    const known: Record<string, [string, string]> = {
      utilization_percentage: ['utilisation', '%'],
      memory_usage_megabytes: ['memory', 'MB'],
      memory_usage_percentage: ['memory', '%'],
      power_usage_watts: ['power', 'W'],
    };
    const [title, unit] = known[what] ?? [what, ''];
    return { title: `GPU ${index} ${title}`, unit, order: 10 + Number(index) };
  }
  const known: Record<string, [string, string, number]> = {
    cpu_utilization_percentage: ['CPU', '% of one core', 0],
    system_memory_usage_megabytes: ['Memory', 'MB', 1],
    system_memory_usage_percentage: ['Memory', '% of the machine', 2],
  };
  const [title, unit, order] = known[name] ?? [name, '', 99];
  return { title, unit, order };
}

/**
 * The System tab: the run's CPU % (of one core: 200 is two cores busy), memory and GPU use as the supervisor sampled them, in its
 * run's colour, against relative time by default (seconds since the first sample).
 */
export function SystemMetricsView({ runId, live }: { runId: string; live: boolean }) {
  const metrics = useRunMetrics(runId, live);
  const [settings, setSettings] = useState<ChartSettings>({ ...DEFAULT_CHART_SETTINGS, xMode: 'relative' });
  if (!metrics) return <div className="muted">Loading system metrics...</div>;
  const system = Object.entries(metrics.scalars)
    .filter(([name, points]) => name.startsWith(SYSTEM_PREFIX) && hasNumbers(points))
    .map(([name, points]) => ({ name, points, ...describe(name.slice(SYSTEM_PREFIX.length)) }))
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  if (system.length === 0)
    return (
      <p className="muted">
        {live
          ? 'No samples yet: the first CPU and memory reading arrives a second after the script starts.'
          : 'No system metrics for this run: it ended before the first sample, or sampling is off (Settings, System metrics interval).'}
      </p>
    );
  return (
    <div className="metrics">
      <ChartControls value={settings} onChange={setSettings} />
      <div className="metric-charts">
        {system.map((s) => (
          <MetricChart
            key={s.name}
            title={`${s.title}${s.unit ? ` (${s.unit})` : ''}`}
            yLabel={s.unit || s.title}
            settings={settings}
            yRange={s.unit.startsWith('%') ? [0, 100] : undefined}
            series={[{ runId, label: s.title, points: s.points }]}
          />
        ))}
      </div>
    </div>
  );
}
