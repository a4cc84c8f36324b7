import { useEffect, useMemo, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { ParallelChart, ScatterChart } from 'echarts/charts';
import { GridComponent, ParallelComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { runColor } from '../../../components/runColors';
import { EChart } from '../../sweeps/EChart';
import { type TableRun, cellValue, metricColumn, paramColumn, toNumber } from './tableModel';

// ECharts (already the sweep view's library) because it has parallel coordinates with axis brushing built in;
// the scatter chart is registered here beside the sweep view's (EChart's) line and parallel charts.
echarts.use([ParallelChart, ScatterChart, GridComponent, ParallelComponent, TooltipComponent, CanvasRenderer]);

type Option = echarts.EChartsCoreOption;

/** The sweep view's EChart; `onBrush` hears which series (runs) an axis brush keeps. */
function Chart(props: { option: Option; label: string; kind: string; series: number; onBrush?(ids: string[]): void }) {
  const onBrush = useRef(props.onBrush);
  useEffect(() => {
    onBrush.current = props.onBrush;
  }, [props.onBrush]);
  const listenForBrush = (instance: echarts.ECharts) =>
    instance.on('axisareaselected', () => {
      // Each run is its own series (its own colour); a run stays when its line passes every brushed range.
      const kept: string[] = [];
      const model = (
        instance as unknown as {
          getModel(): { getSeries(): { name: string; getRawIndicesByActiveState(s: string): number[] }[] };
        }
      ).getModel();
      for (const series of model.getSeries())
        if (series.getRawIndicesByActiveState('active').length) kept.push(series.name);
      onBrush.current?.(kept);
    });
  return (
    <EChart
      option={props.option}
      label={props.label}
      height={260}
      onInit={listenForBrush}
      attributes={{ 'data-chart': props.kind, 'data-series-count': props.series }}
    />
  );
}

/**
 * How a sweep reads: every chosen parameter and metric as a parallel axis (one line per run, in its run colour;
 * drag along an axis to keep only the runs in that range, which becomes the table's selection), and one
 * parameter against one metric as a scatter.
 */
export function SweepCharts(props: {
  runs: TableRun[];
  paramKeys: string[];
  metricKeys: string[];
  onBrush(ids: string[]): void;
  onClose(): void;
}) {
  const { runs } = props;
  const metrics = props.metricKeys.filter((m) => !m.startsWith('system/'));
  const [x, setX] = useState(props.paramKeys[0] ?? '');
  const [y, setY] = useState(metrics[0] ?? '');
  // runColor (not the collision-free runColors of this set): the same colour as the run's chip in the table.
  const colors = useMemo(() => new Map(runs.map((r) => [r.run.id, runColor(r.run.id)])), [runs]);
  // Keyed by the names' text: a new array with the same names keeps the chart (and the user's brush) as it is.
  const axesKey = [...props.paramKeys.map(paramColumn), ...metrics.map(metricColumn)].slice(0, 12).join('\n');
  const axes = useMemo(() => (axesKey ? axesKey.split('\n') : []), [axesKey]);
  const parallel = useMemo<Option>(() => {
    const numeric = axes.map((a) => runs.every((r) => cellValue(r, a) === null || toNumber(cellValue(r, a)) !== null));
    return {
      animation: false,
      tooltip: { trigger: 'item' },
      parallel: { left: 40, right: 60, top: 40, bottom: 30 },
      parallelAxis: axes.map((a, dim) => ({
        dim,
        name: a.replace(/^(param|metric):/, ''),
        nameTextStyle: { fontSize: 12 },
        ...(numeric[dim]
          ? { type: 'value', scale: true }
          : { type: 'category', data: [...new Set(runs.map((r) => String(cellValue(r, a) ?? '')))].sort() }),
      })),
      series: runs.map((r) => ({
        type: 'parallel',
        name: r.run.id,
        lineStyle: { width: 2, color: colors.get(r.run.id), opacity: 0.85 },
        inactiveOpacity: 0.08,
        data: [
          axes.map((a, i) => {
            const v = cellValue(r, a);
            return numeric[i] ? toNumber(v) : String(v ?? '');
          }),
        ],
      })),
    };
  }, [axes, runs, colors]);
  const scatter = useMemo<Option>(() => {
    const xs = runs.map((r) => cellValue(r, paramColumn(x)));
    const numericX = xs.every((v) => v === null || toNumber(v) !== null);
    return {
      animation: false,
      tooltip: {
        trigger: 'item',
        formatter: (p: { seriesName: string; value: unknown[] }) =>
          `${p.seriesName}<br>${x}: ${String(p.value[0])}<br>${y}: ${String(p.value[1])}`,
      },
      grid: { left: 60, right: 20, top: 20, bottom: 50 },
      xAxis: numericX
        ? { type: 'value', name: x, nameLocation: 'middle', nameGap: 28, scale: true }
        : { type: 'category', name: x, nameLocation: 'middle', nameGap: 28, data: [...new Set(xs.map(String))].sort() },
      yAxis: { type: 'value', name: y, nameLocation: 'middle', nameGap: 44, scale: true },
      series: runs.map((r, i) => ({
        type: 'scatter',
        name: r.run.id,
        symbolSize: 10,
        itemStyle: { color: colors.get(r.run.id) },
        data: [[numericX ? toNumber(xs[i]) : String(xs[i]), toNumber(cellValue(r, metricColumn(y)))]],
      })),
    };
  }, [runs, x, y, colors]);
  return (
    <section className="sweep-charts" aria-label="Sweep charts">
      <figure>
        <figcaption>
          <strong>Parallel coordinates</strong> {runs.length} runs · drag along an axis to select the runs in a range
          <span className="spacer" />
          <button type="button" onClick={props.onClose}>
            Close charts
          </button>
        </figcaption>
        {axes.length < 2 ? (
          <p className="muted">Parallel coordinates need two or more parameters or metrics among these runs.</p>
        ) : (
          <Chart
            option={parallel}
            label="Parallel coordinates"
            kind="parallel"
            series={runs.length}
            onBrush={props.onBrush}
          />
        )}
      </figure>
      <figure>
        <figcaption>
          <strong>Scatter</strong>
          <label>
            x{' '}
            <select aria-label="Scatter x parameter" value={x} onChange={(e) => setX(e.target.value)}>
              {props.paramKeys.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <label>
            y{' '}
            <select aria-label="Scatter y metric" value={y} onChange={(e) => setY(e.target.value)}>
              {metrics.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
        </figcaption>
        {!x || !y ? (
          <p className="muted">A scatter needs a parameter (a --name value argument) and a metric.</p>
        ) : (
          <Chart option={scatter} label={`${y} against ${x}`} kind="scatter" series={runs.length} />
        )}
      </figure>
    </section>
  );
}
