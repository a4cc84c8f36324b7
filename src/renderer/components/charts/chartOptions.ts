import type uPlot from 'uplot';
import { type ChartSeries, type XMode, X_LABELS, formatValue } from './chartData';

/** The theme's colours (U4's CSS variables), read when a chart is made: a canvas cannot use var(). */
function themeColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export interface ChartOptionsInput {
  width: number;
  height: number;
  series: ChartSeries[];
  colors: string[];
  xMode: XMode;
  logY: boolean;
  yLabel: string;
  /** The least y range (percentages: 0-100) on the linear scale, widened to fit the data; absent: fitted to the data. */
  yRange?: [number, number];
  hidden: ReadonlySet<string>;
  onScale: (min: number, max: number) => void;
  onDraw: () => void;
  onToggle: (runId: string, shown: boolean) => void;
}

const timeFormat = (v: number) => new Date(v * 1000).toLocaleTimeString();

export function chartOptions(input: ChartOptionsInput): uPlot.Options {
  const [yMin, yMax] = input.yRange ?? [0, 0];
  const muted = themeColor('--muted', '#656d76');
  const grid = themeColor('--border', '#d0d7de');
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: muted,
    labelFont: '600 12px system-ui, sans-serif',
    font: '12px system-ui, sans-serif',
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
  });
  const xAxis: uPlot.Axis = { ...axis(X_LABELS[input.xMode]) };
  if (input.xMode === 'relative') xAxis.values = (_u, splits) => splits.map((v) => formatValue(v));
  return {
    width: input.width,
    height: input.height,
    // Drag selects an x range to zoom into; a double-click resets (uPlot's own cursor behaviour).
    cursor: { drag: { x: true, y: false, setScale: true }, focus: { prox: 16 } },
    focus: { alpha: 0.35 },
    legend: { live: true },
    scales: {
      x: { time: input.xMode === 'time' },
      y: input.logY
        ? { distr: 3, log: 10 }
        : input.yRange
          ? { range: (_u, min, max) => [Math.min(yMin, min), Math.max(yMax, max)] }
          : { auto: true },
    },
    axes: [xAxis, { ...axis(input.yLabel), size: 64, values: (_u, splits) => splits.map((v) => formatValue(v)) }],
    series: [
      {
        label: X_LABELS[input.xMode],
        value: (_u, v) => (v === null ? '–' : input.xMode === 'time' ? timeFormat(v) : formatValue(v)),
      },
      ...input.series.map((s, i): uPlot.Series => ({
        label: s.label,
        stroke: input.colors[i],
        width: 1.5,
        spanGaps: true,
        show: !input.hidden.has(s.runId + s.label),
        points: { show: false },
        value: (_u, v) => formatValue(v),
      })),
    ],
    hooks: {
      setScale: [
        (u, key) => {
          if (key === 'x') input.onScale(u.scales.x?.min ?? 0, u.scales.x?.max ?? 0);
        },
      ],
      draw: [() => input.onDraw()],
      setSeries: [
        (u, index) => {
          const s = index === null ? undefined : input.series[index - 1];
          if (s && index !== null) input.onToggle(s.runId + s.label, u.series[index]?.show !== false);
        },
      ],
    },
  };
}
