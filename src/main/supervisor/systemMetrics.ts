import fs from 'node:fs';
import type Docker from 'dockerode';
import { ContainerStatsSampler } from './systemMetricsDocker';
import { GpuSampler } from './systemMetricsGpu';
import { ProcessTreeSampler } from './systemMetricsProc';

/** MLflow's prefix for system metrics (mlflow/system_metrics/system_metrics_monitor.py): MLflow clients group by it. */
export const SYSTEM_METRIC_PREFIX = 'system/';
export const DEFAULT_SYSTEM_METRICS_INTERVAL_S = 5;

export type SampledTarget =
  { kind: 'process'; pid: number } | { kind: 'container'; docker: Docker; runId: string; localEngine: boolean };

/**
 * Samples a run's CPU, memory and GPUs every interval into its events file as scalar metrics named system/<name>
 * (MLflow's names), so the app, MLflow's REST API and the SDK read them like any metric. Sampling never fails a run:
 * every error is swallowed and the sample skipped.
 */
export class SystemMetricsSampler {
  private timer: NodeJS.Timeout | null = null;
  private step = 0;
  private fd: number | null = null;
  private sources: { take(): Record<string, number> | null; stop?(): void }[] = [];

  constructor(
    private readonly eventsFile: string,
    private readonly intervalS: number,
    private readonly gpus: number[] | null,
  ) {}

  start(target: SampledTarget): void {
    if (this.timer || !(this.intervalS > 0)) return;
    try {
      // O_APPEND and one write per sample of whole lines: the script's writer and the MLflow endpoint append to the
      // same file at the same time, and no line is torn (see src/runtime/benchtop/_writer.py).
      this.fd = fs.openSync(this.eventsFile, 'a');
      const intervalMs = Math.round(this.intervalS * 1000);
      if (target.kind === 'process') {
        const tree = new ProcessTreeSampler(target.pid);
        tree.sample(); // The first CPU reading needs a previous one.
        this.sources.push({ take: () => tree.sample() });
      } else {
        this.sources.push(new ContainerStatsSampler(target.docker, target.runId));
      }
      // The host's nvidia-smi sees a local engine's GPUs, not a remote one's; a container given no GPUs uses none.
      const gpuVisible = target.kind === 'process' || (target.localEngine && (this.gpus?.length ?? 0) > 0);
      if (gpuVisible) this.sources.push(new GpuSampler(intervalMs, this.gpus));
      this.timer = setInterval(() => this.sample(), intervalMs);
      this.timer.unref();
      // A first reading after a second, so a run shorter than the interval still gets one.
      if (intervalMs > 1000) setTimeout(() => this.sample(), 1000).unref();
    } catch {
      this.stop();
    }
  }

  /** One sample now (also the last one when the run ends, so a short run gets at least its memory). */
  sample(): void {
    if (this.fd === null) return;
    try {
      const values: Record<string, number> = {};
      for (const source of this.sources) Object.assign(values, source.take() ?? {});
      const names = Object.keys(values);
      if (names.length === 0) return;
      const t = Date.now() / 1000;
      const step = this.step++;
      const lines = names.map((name) =>
        JSON.stringify({
          type: 'scalar',
          name: SYSTEM_METRIC_PREFIX + name,
          value: round(values[name] as number),
          step,
          t,
        }),
      );
      fs.writeSync(this.fd, `${lines.join('\n')}\n`);
    } catch {
      // A full disk or a vanished folder: the run goes on without this sample.
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const source of this.sources) source.stop?.();
    this.sources = [];
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) fs.close(fd, () => undefined);
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Whether a metric is one the sampler wrote (kept apart from the user's in the run list, Metrics tab and SDK). */
export const isSystemMetric = (name: string) => name.startsWith(SYSTEM_METRIC_PREFIX);
