import type uPlot from 'uplot';

/** One point of a metric series as the core reports it: step, value, and when it was logged (epoch seconds). */
export interface MetricPoint {
  step: number;
  value: number;
  t: number;
}

export interface ChartSeries {
  /** Whose series it is: its colour (runColors) and key. */
  runId: string;
  /** What the legend and the hover say: a run's display name, or the metric's name for one run's chart. */
  label: string;
  points: MetricPoint[];
  /** Overrides the run's colour (a second series of the same run). */
  color?: string;
}

export type XMode = 'step' | 'time' | 'relative';

export const X_LABELS: Record<XMode, string> = { step: 'Step', time: 'Time', relative: 'Relative time (s)' };

/**
 * TensorBoard's smoothing: an exponential moving average with debiasing (so the first points are not pulled to 0).
 * weight 0 returns the values as they are.
 */
export function smooth(values: (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return values;
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    count++;
    return last / (1 - weight ** count);
  });
}

function xOf(point: MetricPoint, mode: XMode, t0: number): number {
  return mode === 'step' ? point.step : mode === 'time' ? point.t : point.t - t0;
}

/**
 * uPlot's data (one shared x array, a y array per series, null where a series has no point) from series that may
 * each have their own x values. Points are sorted by x; non-finite values (NaN, inf) and, on a log scale, values
 * <= 0 become gaps, since neither can be drawn.
 */
export function alignedData(series: ChartSeries[], mode: XMode, logY: boolean, smoothing: number): uPlot.AlignedData {
  const tables = series.map((s) => {
    const t0 = minTime(s.points);
    const pairs = s.points.map((p) => [xOf(p, mode, t0), drawable(p.value, logY)] as const);
    pairs.sort((a, b) => a[0] - b[0]);
    const ys = smooth(
      pairs.map((p) => p[1]),
      smoothing,
    );
    return { xs: pairs.map((p) => p[0]), ys };
  });
  // One series (the common case, and 100,000-point charts): its own arrays, no join.
  if (tables.length === 1) {
    const only = tables[0] as { xs: number[]; ys: (number | null)[] };
    return [only.xs, only.ys];
  }
  const xs = [...new Set(tables.flatMap((t) => t.xs))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = tables.map((t) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    t.xs.forEach((x, i) => (column[index.get(x) as number] = t.ys[i] ?? null));
    return column;
  });
  return [xs, ...columns];
}

/** The earliest time, without spreading 100,000 arguments into Math.min (a stack overflow). */
function minTime(points: MetricPoint[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const p of points) if (p.t < min) min = p.t;
  return Number.isFinite(min) ? min : 0;
}

function drawable(value: number, logY: boolean): number | null {
  if (!Number.isFinite(value)) return null;
  if (logY && value <= 0) return null;
  return value;
}

/** Short numbers for axes and the hover: 4 significant digits, exponents for the very large and small. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return Number(v.toPrecision(5)).toString();
}
