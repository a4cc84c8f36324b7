import path from 'node:path';
import { applyRunEvents, emptyMetrics, type RunMetrics, type ScalarPoint } from '../../../shared/api/runEvents';
import type { RunStatusName } from '../../../shared/api/runStatus';
import { readRunEvents } from '../runs/readRunEvents';
import type { RunRow } from '../runs/runStore';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';

/** MLflow's view of a Benchtop status. */
export function mlflowStatus(status: RunStatusName): 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED' {
  switch (status) {
    case 'Completed':
      return 'FINISHED';
    case 'Failed':
      return 'FAILED';
    case 'Canceled':
      return 'KILLED';
    case 'Running':
    case 'Finalizing':
      return 'RUNNING';
    default:
      return 'SCHEDULED';
  }
}

/** MLflow's JSON for a double: protobuf writes NaN and the infinities as strings. */
export function doubleJson(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

/** Numbers only: a metric logged with run.log as a string has no MLflow form. Booleans count as 0/1. */
export function numericValue(point: ScalarPoint): number | null {
  if (typeof point.value === 'number') return point.value;
  if (typeof point.value === 'boolean') return point.value ? 1 : 0;
  return null;
}

/**
 * Each run's events folded incrementally (only the lines added since the last look are read), so that a
 * log_param after 100,000 metrics costs a stat, not a re-read. Bounded: the least recent runs are dropped.
 */
export class RunFolds {
  private readonly folds = new Map<string, { offset: number; metrics: RunMetrics }>();

  constructor(
    private readonly paths: WorkspacePaths,
    private readonly limit = 64,
  ) {}

  get(runId: string): RunMetrics {
    let fold = this.folds.get(runId);
    if (fold) this.folds.delete(runId);
    else fold = { offset: 0, metrics: emptyMetrics() };
    this.folds.set(runId, fold); // most recent last
    if (this.folds.size > this.limit) this.folds.delete(this.folds.keys().next().value as string);
    const read = readRunEvents(path.join(this.paths.runDir(runId), 'events.jsonl'), fold.offset);
    fold.offset = read.offset;
    if (read.events.length) applyRunEvents(fold.metrics, read.events);
    return fold.metrics;
  }
}

export interface MlflowMetric {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

export function metricJson(key: string, point: ScalarPoint, value: number): MlflowMetric {
  return { key, value: doubleJson(value), timestamp: Math.round(point.t * 1000), step: point.step };
}

/** MLflow's latest value of each metric: the highest step, then the latest timestamp. */
export function latestMetrics(metrics: RunMetrics): Map<string, { point: ScalarPoint; value: number }> {
  const latest = new Map<string, { point: ScalarPoint; value: number }>();
  for (const [key, points] of Object.entries(metrics.scalars)) {
    for (const point of points) {
      const value = numericValue(point);
      if (value === null) continue;
      const had = latest.get(key);
      if (!had || point.step > had.point.step || (point.step === had.point.step && point.t >= had.point.t))
        latest.set(key, { point, value });
    }
  }
  return latest;
}

const ms = (iso: string | null): number | undefined => (iso ? Date.parse(iso) : undefined);

/** The run's tags as MLflow shows them: Benchtop's, plus the system tags MLflow's UI and client read. */
export function runTags(row: RunRow, metrics: RunMetrics): Record<string, string> {
  const tags: Record<string, string> = { ...metrics.tags };
  tags['mlflow.runName'] ??= runName(row, metrics);
  if (row.parent_run_id) tags['mlflow.parentRunId'] ??= row.parent_run_id;
  if (row.script) tags['mlflow.source.name'] ??= row.script;
  return tags;
}

function runName(row: RunRow, metrics: RunMetrics): string {
  return row.display_name ?? metrics.tags['mlflow.runName'] ?? row.id;
}

export function runInfoJson(row: RunRow, metrics: RunMetrics, experimentId: string) {
  return {
    run_id: row.id,
    run_uuid: row.id,
    run_name: runName(row, metrics),
    experiment_id: experimentId,
    user_id: metrics.tags['mlflow.user'] ?? '',
    status: mlflowStatus(row.status as RunStatusName),
    start_time: ms(row.started_at) ?? ms(row.created_at),
    end_time: ms(row.ended_at),
    artifact_uri: `mlflow-artifacts:/runs/${row.id}`,
    lifecycle_stage: 'active',
  };
}

/** runs/get's `run`: info, data (latest metrics, params, tags), inputs and outputs. */
export function runJson(db: Db, row: RunRow, metrics: RunMetrics, experimentId: string) {
  const links = db.prepare('SELECT kind, body FROM mlflow_run_links WHERE run_id = ? ORDER BY rowid').all(row.id) as {
    kind: string;
    body: string;
  }[];
  const of = (kind: string) => links.filter((l) => l.kind === kind).map((l) => JSON.parse(l.body) as unknown);
  return {
    info: runInfoJson(row, metrics, experimentId),
    data: {
      metrics: [...latestMetrics(metrics)].map(([key, { point, value }]) => metricJson(key, point, value)),
      params: Object.entries(metrics.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(runTags(row, metrics)).map(([key, value]) => ({ key, value })),
    },
    inputs: { dataset_inputs: of('dataset'), model_inputs: of('model_input') },
    outputs: { model_outputs: of('model_output') },
  };
}
