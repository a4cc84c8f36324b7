import { memo, useEffect, useMemo, useRef, useState } from 'react';
// uPlot: draws 100,000 points on a canvas in a few ms (SVG charts choke long before), has a crosshair with a live
// legend, drag-zoom and log scales built in, and needs no eval (it works under the app's CSP).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { runColors } from '../runColors';
import { ChartControls, type ChartSettings, DEFAULT_CHART_SETTINGS } from './ChartControls';
import { type ChartSeries, alignedData, isDrawable } from './chartData';
import { chartOptions } from './chartOptions';

export type { ChartSeries, MetricPoint, XMode } from './chartData';

export interface MetricChartProps {
  title: string;
  series: ChartSeries[];
  /** The y axis title (default: the chart's title). */
  yLabel?: string;
  /** Default: 240 px, 320 px on screens 1800 px wide and more. */
  height?: number;
  /** The least linear y range, e.g. [0, 100] for percentages (widened when the data goes beyond). */
  yRange?: [number, number];
  /** Shared settings (x axis, log, smoothing) for a screen of charts; absent: the chart shows its own controls. */
  settings?: ChartSettings;
}

/**
 * A metric chart: one series per run (overlaid when comparing), each in its run's colour. Hover shows every series'
 * value at the cursor in the legend; drag zooms, a double-click resets; a legend entry click hides its series.
 */
export const MetricChart = memo(function MetricChart({
  title,
  series: given,
  yLabel,
  height: fixedHeight,
  yRange,
  settings,
}: MetricChartProps) {
  const height = fixedHeight ?? (window.innerWidth >= 1800 ? 320 : 240);
  const [own, setOwn] = useState<ChartSettings>(DEFAULT_CHART_SETTINGS);
  const current = settings ?? own;
  const series = useSameSeries(given);
  const figure = useRef<HTMLElement>(null);
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const hidden = useRef(new Set<string>());
  const total = series.reduce((n, s) => n + s.points.length, 0);
  const drawable = series.some((s) => s.points.some((p) => isDrawable(p.value)));
  const colors = useMemo(() => {
    const byRun = runColors(series.map((s) => s.runId));
    return series.map((s) => s.color ?? (byRun.get(s.runId) as string));
  }, [series]);
  const data = useMemo(
    () => (performance.mark('metric-chart-data'), alignedData(series, current.xMode, current.logY, current.smoothing)),
    [series, current.xMode, current.logY, current.smoothing],
  );
  // A new plot when what its options depend on changes; new data alone goes through setData (keeps it cheap live).
  const shape = `${current.xMode}|${current.logY}|${series.map((s) => s.runId + s.label).join(',')}|${colors.join()}`;
  useEffect(() => {
    const el = holder.current;
    const fig = figure.current;
    if (!el || !fig || !drawable) return;
    const mark = (name: string, value: string) => fig.setAttribute(name, value);
    let draws = 0;
    // Marks for bench/chartRender.bench.ts: where the time goes between the data's arrival and the first frame.
    performance.mark('metric-chart-create');
    const made = new uPlot(
      chartOptions({
        width: Math.max(200, el.clientWidth),
        height,
        series,
        colors,
        xMode: current.xMode,
        logY: current.logY,
        yLabel: yLabel ?? title,
        yRange,
        hidden: hidden.current,
        onScale: (key, min, max) => {
          mark(`data-${key}-min`, String(min));
          mark(`data-${key}-max`, String(max));
        },
        onDraw: () => {
          if (draws === 0) performance.mark('metric-chart-drawn');
          mark('data-drawn', String(++draws));
        },
        onToggle: (key, shown) => (shown ? hidden.current.delete(key) : hidden.current.add(key)),
      }),
      data,
      el,
    );
    plot.current = made;
    // What the plot really uses (uPlot's distr 3 is its log scale), for the UI tests and anyone inspecting.
    mark('data-y-scale', made.scales.y?.distr === 3 ? 'log' : 'linear');
    keyboardLegend(made);
    // Charts grow with their pane (1920 px screens) and shrink at 1024 px.
    const resize = new ResizeObserver(([entry]) => {
      const width = Math.floor(entry?.contentRect.width ?? 0);
      if (width > 0 && width !== made.width) made.setSize({ width, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
    // data is applied by the effect below after the first draw; shape says when a new plot is needed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, drawable, title, yLabel, yRange?.[0], yRange?.[1]]);
  useEffect(() => {
    if (plot.current && plot.current.data !== data) plot.current.setData(data);
  }, [data]);
  return (
    <figure className="chart metric-chart" ref={figure} data-points={total} aria-label={`Chart of ${title}`}>
      <figcaption>
        <span className="metric-chart-title">{title}</span>{' '}
        <span className="muted">
          ({total.toLocaleString()} point{total === 1 ? '' : 's'})
        </span>
        {!settings && <ChartControls value={own} onChange={setOwn} compact />}
      </figcaption>
      {drawable ? (
        <div className="metric-chart-plot" ref={holder} title="Drag to zoom, double-click to reset" />
      ) : (
        <p className="muted">No numeric values yet.</p>
      )}
    </figure>
  );
});

/** uPlot's legend rows toggle their series on click; this lets Tab reach them and Enter / Space press them. */
function keyboardLegend(u: uPlot): void {
  u.root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
    if (i === 0) return; // The x value, not a series.
    row.tabIndex = 0;
    row.setAttribute('role', 'button');
    row.setAttribute('aria-label', `Show or hide ${u.series[i]?.label ?? 'series'}`);
    row.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      u.setSeries(i, { show: !u.series[i]?.show });
    });
  });
}

/**
 * The previous series array while every series is the same (run, label, colour, points array and its length): a
 * parent that builds `[{ runId, label, points }]` on each render does not make 100,000 points be prepared again,
 * while a live run's points (appended in place) still do. React's derived-state pattern (state set while rendering).
 */
function useSameSeries(series: ChartSeries[]): ChartSeries[] {
  const [kept, setKept] = useState(() => ({ series, lengths: series.map((s) => s.points.length) }));
  const same =
    kept.series.length === series.length &&
    series.every((s, i) => {
      const k = kept.series[i] as ChartSeries;
      return (
        k.runId === s.runId &&
        k.label === s.label &&
        k.color === s.color &&
        k.points === s.points &&
        kept.lengths[i] === s.points.length
      );
    });
  if (same) return kept.series;
  setKept({ series, lengths: series.map((s) => s.points.length) });
  return series;
}
