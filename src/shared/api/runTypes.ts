import { z } from 'zod';

import { FINAL_STATUSES, RUN_STATUSES } from './runStatus';

export { FINAL_STATUSES, RUN_STATUSES };
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunSummary = z.object({
  id: z.string(),
  experiment: z.string(),
  status: RunStatus,
  script: z.string(),
  arguments: z.array(z.string()),
  environment: z.string(),
  buildKey: z.string().nullable(),
  target: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  exitCode: z.number().nullable(),
  reason: z.string().nullable(),
  /** The last value of each scalar metric. */
  metrics: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  tags: z.record(z.string(), z.string()),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const SubmitRun = z.object({
  sourceDirectory: z.string().min(1),
  script: z.string().min(1),
  arguments: z.array(z.string()).default([]),
  environment: z.string().optional(),
  experiment: z.string().optional(),
  target: z.enum(['local', 'docker']).default('local'),
  maxDurationSeconds: z.number().int().positive().optional(),
  /** Override the workspace's snapshot limits for this run. */
  snapshotMaxMb: z.number().positive().optional(),
  snapshotMaxFiles: z.number().int().positive().optional(),
});
export type SubmitRun = z.input<typeof SubmitRun>;

export const RunQuery = z.object({
  experiment: z.string().optional(),
  status: RunStatus.optional(),
  /** "key" or "key=value". */
  tag: z.string().optional(),
  /** e.g. { name: "accuracy", op: ">", value: 0.9 } */
  metric: z.object({ name: z.string(), op: z.enum(['>', '>=', '<', '<=', '=']), value: z.number() }).optional(),
  sortMetric: z.string().optional(),
  sortOrder: z.enum(['asc', 'desc']).default('desc'),
  limit: z.number().int().min(1).max(20_000).default(500),
  offset: z.number().int().min(0).default(0),
});
export type RunQuery = z.input<typeof RunQuery>;

const MetricValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export const ScalarPoint = z.object({ step: z.number(), value: MetricValue, t: z.number() });
export const RunMetrics = z.object({
  scalars: z.record(z.string(), z.array(ScalarPoint)),
  lists: z.record(z.string(), z.array(MetricValue)),
  rows: z.record(z.string(), z.record(z.string(), z.array(MetricValue))),
  tables: z.record(z.string(), z.record(z.string(), z.array(MetricValue))),
  images: z.record(z.string(), z.array(z.string())),
  tags: z.record(z.string(), z.string()),
  properties: z.record(z.string(), z.string()),
  files: z.array(z.string()),
  models: z.array(z.object({ name: z.string(), version: z.number(), path: z.string().nullable() })),
  status: z.object({ status: z.string(), error: z.string().nullable() }).nullable(),
});
export type RunMetricsData = z.infer<typeof RunMetrics>;

export const RunFiles = z.object({
  snapshot: z.array(z.string()),
  outputs: z.array(z.string()),
  logs: z.array(z.string()),
  uploads: z.array(z.string()),
});
