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

/**
 * One ECharts canvas that fills its box and follows its size (ResizeObserver), replaced option by option.
 * `onInit` gets the instance once (to add event listeners); `attributes` are data-* marks for tests and tools.
 */
export function EChart({
  option,
  label,
  height = 300,
  onInit,
  attributes,
}: {
  option: SweepChartOption | echarts.EChartsCoreOption;
  label: string;
  height?: number;
  onInit?(instance: echarts.ECharts): void;
  attributes?: Record<`data-${string}`, string | number>;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  // Read once when the chart is made: a new callback each render must not re-create the chart.
  const init = useRef(onInit);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    init.current?.(instance);
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
  return <div ref={box} className="echart" role="img" aria-label={label} style={{ height }} {...attributes} />;
}
