import { memo, useMemo } from 'react';
import { MetricChart } from './charts/MetricChart';

/** The older chart API (x/y points, a label per series), drawn by MetricChart (uPlot). New code uses MetricChart. */
export interface Series {
  label: string;
  points: { x: number; y: number }[];
  /** The run the series is of (its colour); the label when absent. */
  runId?: string;
}

export const LineChart = memo(function LineChart({ title, series }: { title: string; series: Series[] }) {
  const converted = useMemo(
    () =>
      series.map((s) => ({
        runId: s.runId ?? s.label,
        label: s.label,
        points: s.points.map((p) => ({ step: p.x, value: p.y, t: p.x })),
      })),
    [series],
  );
  return <MetricChart title={title} series={converted} />;
});
