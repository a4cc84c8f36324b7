import { useMemo } from 'react';
import type { SweepDetail, SweepTrial } from '../../../shared/api/sweepTypes';
import { EChart, type SweepChartOption } from './EChart';
import { axisKind, bestSoFar, categoryValues, formatValue, parameterNames } from './sweepMath';

const ACCENT = '#2f6feb';
const BEST = '#1a7f37';
const STOPPED = '#98a2b3';
const AXIS_TEXT = '#667085';
const axisName = { color: AXIS_TEXT, fontSize: 12, fontWeight: 600 as const };
const axisLabel = { color: AXIS_TEXT, fontSize: 11 };

const time = (ms: number) => new Date(ms).toLocaleTimeString();

/** The best primary value so far by trial end (a step line), with each ended trial's own value as a dot. */
export function BestSoFarChart({ sweep }: { sweep: SweepDetail }) {
  const { name, goal } = sweep.config.primaryMetric;
  const points = useMemo(() => bestSoFar(sweep.trials, goal), [sweep.trials, goal]);
  const option = useMemo<SweepChartOption>(
    () => ({
      animation: false,
      grid: { left: 64, right: 24, top: 36, bottom: 52 },
      legend: { top: 4, textStyle: { color: AXIS_TEXT } },
      tooltip: {
        trigger: 'axis',
        formatter: (params) => {
          const list = Array.isArray(params) ? params : [params];
          const point = points[list[0]?.dataIndex ?? -1];
          if (!point) return '';
          return [
            `<b>${time(point.t)}</b>`,
            `best ${name} so far: <b>${formatValue(point.best)}</b>`,
            `${point.runId} ${point.stopped ? 'was early terminated at' : 'ended with'} ${formatValue(point.value)}`,
          ].join('<br/>');
        },
      },
      xAxis: {
        type: 'time',
        name: 'Trial end time',
        nameLocation: 'middle',
        nameGap: 30,
        nameTextStyle: axisName,
        axisLabel,
      },
      yAxis: {
        type: 'value',
        scale: true,
        name: `${name} (${goal})`,
        nameLocation: 'middle',
        nameGap: 48,
        nameTextStyle: axisName,
        axisLabel,
      },
      series: [
        {
          type: 'line',
          name: `Best ${name} so far`,
          step: 'end',
          color: BEST,
          symbolSize: 6,
          data: points.map((p) => [p.t, p.best]),
        },
        {
          type: 'line',
          name: 'Trial value',
          color: ACCENT,
          lineStyle: { opacity: 0 },
          symbolSize: 7,
          // Early-terminated trials' dots are grey, as their lines are in the parallel chart.
          data: points.map((p) => ({ value: [p.t, p.value], itemStyle: p.stopped ? { color: STOPPED } : undefined })),
        },
      ],
    }),
    [points, name, goal],
  );
  if (points.length === 0)
    return (
      <figure className="chart sweep-chart">
        <figcaption>Best {name} so far</figcaption>
        <p className="muted">No trial has ended with {name} logged yet.</p>
      </figure>
    );
  return (
    <figure className="chart sweep-chart" data-points={points.length}>
      <figcaption>Best {name} so far, by trial end</figcaption>
      <EChart option={option} label={`Best ${name} so far by trial end`} />
    </figure>
  );
}

/** Parameters -> primary metric, one line per trial; early-terminated trials dashed and grey, the best one green. */
export function ParallelChart({ sweep }: { sweep: SweepDetail }) {
  const { name: metric } = sweep.config.primaryMetric;
  const params = useMemo(() => parameterNames(sweep), [sweep]);
  const option = useMemo<SweepChartOption>(() => {
    const kinds = params.map((p) => axisKind(sweep, p, sweep.trials));
    const categories = params.map((p) => categoryValues(p, sweep.trials));
    // '-' is ECharts' empty value: a trial that has not logged the metric yet stops at the last parameter axis.
    const row = (t: SweepTrial) => [
      ...params.map((p, i) => (kinds[i] === 'category' ? formatValue(t.params[p]) : (t.params[p] as number))),
      t.primaryValue ?? '-',
    ];
    const item = (t: SweepTrial) => ({ name: t.runId, value: row(t) });
    const best = sweep.trials.filter((t) => t.runId === sweep.bestRunId);
    const stopped = sweep.trials.filter((t) => t.earlyTerminated);
    const others = sweep.trials.filter((t) => !t.earlyTerminated && t.runId !== sweep.bestRunId);
    return {
      animation: false,
      legend: { top: 4, textStyle: { color: AXIS_TEXT } },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const one = Array.isArray(p) ? p[0] : p;
          const trial = sweep.trials.find((t) => t.runId === one?.name);
          if (!trial) return '';
          const lines = params.map((name) => `${name}: <b>${formatValue(trial.params[name])}</b>`);
          lines.push(
            `${metric}: <b>${trial.primaryValue === null ? 'not logged' : formatValue(trial.primaryValue)}</b>`,
          );
          return [
            `<b>${trial.runId}</b> (${trial.earlyTerminated ? 'early terminated' : trial.status})`,
            ...lines,
          ].join('<br/>');
        },
      },
      parallel: { left: 48, right: 96, top: 64, bottom: 32 },
      parallelAxis: [
        ...params.map((p, i) => ({
          dim: i,
          name: p,
          type: kinds[i],
          ...(kinds[i] === 'category' ? { data: categories[i] } : { scale: true }),
          nameTextStyle: axisName,
          axisLabel,
        })),
        { dim: params.length, name: metric, type: 'value' as const, scale: true, nameTextStyle: axisName, axisLabel },
      ],
      series: [
        {
          type: 'parallel',
          name: 'Trials',
          color: ACCENT,
          lineStyle: { width: 2, opacity: 0.7 },
          data: others.map(item),
        },
        {
          type: 'parallel',
          name: 'Early terminated',
          color: STOPPED,
          lineStyle: { width: 2, type: 'dashed', opacity: 0.9 },
          data: stopped.map(item),
        },
        {
          type: 'parallel',
          name: 'Best trial',
          color: BEST,
          lineStyle: { width: 4, opacity: 1 },
          data: best.map(item),
        },
      ],
    };
  }, [sweep, params, metric]);
  if (sweep.trials.length === 0)
    return (
      <figure className="chart sweep-chart">
        <figcaption>Parameters and {metric}</figcaption>
        <p className="muted">No trials yet.</p>
      </figure>
    );
  return (
    <figure className="chart sweep-chart" data-lines={sweep.trials.length}>
      <figcaption>Parameters and {metric} (parallel coordinates; early-terminated trials dashed grey)</figcaption>
      <EChart option={option} label={`Parallel coordinates of the parameters and ${metric}`} />
    </figure>
  );
}
