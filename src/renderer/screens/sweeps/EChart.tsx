import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart, type LineSeriesOption, ParallelChart, type ParallelSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  ParallelComponent,
  type ParallelComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// ECharts (not uPlot, which the rest of the app could use) because it has parallel coordinates built in.
// Only the two charts and four components the sweep view draws are registered, so Vite tree-shakes the rest.
echarts.use([
  LineChart,
  ParallelChart,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type SweepChartOption = echarts.ComposeOption<
  | LineSeriesOption
  | ParallelSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | ParallelComponentOption
  | TooltipComponentOption
>;

/** One ECharts canvas that fills its box and follows its size (ResizeObserver), replaced option by option. */
export function EChart({ option, label, height = 300 }: { option: SweepChartOption; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    // notMerge: a trial that left a series (e.g. became early-terminated) must not linger in the old one.
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={box} className="echart" role="img" aria-label={label} style={{ height }} />;
}
