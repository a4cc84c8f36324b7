import type uPlot from 'uplot';

/**
 * One point of a metric series as the core reports it: step, value, and when it was logged (epoch seconds). The
 * core's points are charted as they come (no copy of 100,000 points first): a value that is not a finite number
 * (a string or boolean logged under a scalar name, NaN and the infinities, sent as strings) is a gap.
 */
export interface MetricPoint {
  step: number;
  value: number | string | boolean | null;
  t: number;
}

/** Whether the point can be drawn on a linear scale. */
export function isDrawable(value: MetricPoint['value']): value is number {
  return typeof value === 'number' && Number.isFinite(value);
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
  const tables = series.map((s) => seriesTable(s.points, mode, logY, smoothing));
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

/** One series' x and y arrays, sorted by x: plain loops, as this runs on every 100,000-point draw. */
function seriesTable(points: MetricPoint[], mode: XMode, logY: boolean, smoothing: number) {
  const t0 = mode === 'relative' ? minTime(points) : 0;
  let ordered = points;
  for (let i = 1; i < points.length; i++) {
    if (xOf(points[i] as MetricPoint, mode, t0) < xOf(points[i - 1] as MetricPoint, mode, t0)) {
      // Logged out of order (steps given by the script): sort a copy (stable, so equal x keep their order).
      ordered = [...points].sort((a, b) => xOf(a, mode, t0) - xOf(b, mode, t0));
      break;
    }
  }
  const xs = new Array<number>(ordered.length);
  const ys = new Array<number | null>(ordered.length);
  for (let i = 0; i < ordered.length; i++) {
    const p = ordered[i] as MetricPoint;
    xs[i] = xOf(p, mode, t0);
    ys[i] = drawable(p.value, logY);
  }
  return { xs, ys: smooth(ys, smoothing) };
}

/** The earliest time, without spreading 100,000 arguments into Math.min (a stack overflow). */
function minTime(points: MetricPoint[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const p of points) if (p.t < min) min = p.t;
  return Number.isFinite(min) ? min : 0;
}

function drawable(value: MetricPoint['value'], logY: boolean): number | null {
  if (!isDrawable(value)) return null;
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
