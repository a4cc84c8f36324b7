import type uPlot from 'uplot';
import { type ChartSeries, type XMode, X_LABELS, formatValue, isDrawable } from './chartData';

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
  onScale: (key: 'x' | 'y', min: number, max: number) => void;
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
      // One x value (a single point) has no width: uPlot itself pads it, centring the point.
      x: { time: input.xMode === 'time' },
      y: input.logY
        ? { distr: 3, log: 10 }
        : input.yRange
          ? { range: (_u, min, max) => [Math.min(yMin, min), Math.max(yMax, max)] }
          : { range: (_u, min, max) => fittedRange(min, max) },
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
        // A lone point has no line to draw: a dot, so a metric logged once is seen (dense series stay lines).
        points: { show: fewerThanTwo(s), size: 8, fill: input.colors[i] },
        value: (_u, v) => formatValue(v),
      })),
    ],
    hooks: {
      setScale: [
        (u, key) => {
          if (key === 'x' || key === 'y') input.onScale(key, u.scales[key]?.min ?? 0, u.scales[key]?.max ?? 0);
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

/** True when the series has at most one finite value (stops at the second: a 100,000-point series costs two). */
function fewerThanTwo(series: ChartSeries): boolean {
  let seen = 0;
  for (const p of series.points) if (isDrawable(p.value) && ++seen > 1) return false;
  return true;
}

/**
 * The data's y range with a little room; all values equal (a constant metric) get a band around the value instead
 * of an empty one, so the line sits in the middle with readable ticks. Empty data (all hidden) keeps 0 to 1.
 */
export function fittedRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return [min - pad, max + pad];
  }
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}
