import { z } from 'zod';

import { RunDatasetInput } from './datasetTypes';
import { FINAL_STATUSES, RUN_STATUSES } from './runStatus';

export { FINAL_STATUSES, RUN_STATUSES };
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

/** A run's wish for resources, and what the queue gave it. */
export const RunResources = z.object({
  cpus: z.number().int().min(1).max(1024).optional(),
  /** GPUs (each given to one run at a time). Omitted: the workspace's default (Settings). */
  gpus: z.number().int().min(0).max(64).optional(),
});
export type RunResources = z.infer<typeof RunResources>;

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
  /** Add-only key/value pairs (Azure's run properties). */
  properties: z.record(z.string(), z.string()),
  /** MLflow-logged params (log_param, log-batch), first value wins; the command line's are in `arguments`. */
  params: z.record(z.string(), z.string()).optional(),
  /** The run this one is a child of (child_run, create_children, submit_child). */
  parentRunId: z.string().nullable(),
  /** Azure's display name (defaults to the id); description as Azure has it. */
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  /** Azure's run type: "azureml.scriptrun" for a submitted script, null for runs made from Python. */
  runType: z.string().nullable(),
  /** How many child runs it has. */
  children: z.number(),
  /** The queue: higher priority starts first; what it asked for and what it was given. */
  priority: z.number().int(),
  resources: z.object({ cpus: z.number().int(), gpus: z.number().int() }),
  assignedGpus: z.array(z.number().int()),
  /** The Docker engine a container run was sent to (its URL); null: the workspace's engine or a process. */
  engine: z.string().nullable(),
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
  tags: z.record(z.string(), z.string()).optional(),
  properties: z.record(z.string(), z.string()).optional(),
  displayName: z.string().max(256).optional(),
  description: z.string().max(5000).optional(),
  /** Submit as a child of this run (Run.submit_child). */
  parentRunId: z.string().optional(),
  /** Dataset versions the run reads (as_named_input(...).as_mount() / as_download()); `DatasetConsumptionConfig:<name>` in arguments becomes the input's path. */
  inputs: z.array(RunDatasetInput).optional(),
  /** Queue priority: higher starts first, equal ones in submit order (default 0). */
  priority: z.number().int().min(-1000).max(1000).optional(),
  resources: RunResources.optional(),
  /** A container run that may go to any engine of the pool (Settings: dockerPool) with a free slot. */
  pool: z.boolean().optional(),
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
  /** Only the children of this run. */
  parentRunId: z.string().optional(),
  /** Only runs that are no other run's child (Experiment.get_runs without include_children). */
  topLevel: z.boolean().optional(),
  /** Only runs with all of these properties ("key" or "key=value"). */
  properties: z.array(z.string()).optional(),
  /** Every tag filter must match (more than the single `tag`). */
  tags: z.array(z.string()).optional(),
  runType: z.string().optional(),
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
  /** MLflow params (mlflow.log_param), kept first-value-wins. */
  params: z.record(z.string(), z.string()).default({}),
  files: z.array(z.string()),
  models: z.array(z.object({ name: z.string(), version: z.number(), path: z.string().nullable() })),
  status: z.object({ status: z.string(), error: z.string().nullable() }).nullable(),
});
export type RunMetricsData = z.infer<typeof RunMetrics>;
/** A scalar series as three parallel arrays (runs.metricColumns): a third of the JSON and parse time of points. */
export const ScalarColumns = z.object({
  step: z.array(z.number()),
  value: z.array(MetricValue),
  t: z.array(z.number()),
});
export type ScalarColumnsData = z.infer<typeof ScalarColumns>;
/** runs.metrics with the scalars as columns: what the UI's charts read (100,000 points in ~4 MB, not ~6 MB). */
export const RunMetricColumns = RunMetrics.omit({ scalars: true }).extend({
  scalarColumns: z.record(z.string(), ScalarColumns),
});
export type RunMetricColumnsData = z.infer<typeof RunMetricColumns>;

/** A run made from Python, not from a script: an interactive run (start_logging) or a child run. */
export const CreateRun = z.object({
  experiment: z.string().optional(),
  /** The id to give it (child_run(run_id=...), start_logging(run_id=...)); one run only. */
  runId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/)
    .optional(),
  parentRunId: z.string().optional(),
  displayName: z.string().max(256).optional(),
  description: z.string().max(5000).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  properties: z.record(z.string(), z.string()).optional(),
  /** Copied as the run's snapshot (start_logging(snapshot_directory=...)). */
  snapshotDirectory: z.string().optional(),
  /** The Python process logging to it: when it is gone and the run is not finished, the run is marked Failed. */
  ownerPid: z.number().int().positive().optional(),
  /** NotStarted (create_children) or Running. */
  status: z.enum(['NotStarted', 'Running']).default('Running'),
  /** create_children(): one run per value, each tagged tagKey=value. */
  tagKey: z.string().optional(),
  tagValues: z.array(z.string()).max(100).optional(),
});
export type CreateRun = z.input<typeof CreateRun>;

/** Tags, properties and names changed from Python (Run.tag, add_properties, display_name). */
export const UpdateRun = z.object({
  runId: z.string(),
  tags: z.record(z.string(), z.string()).optional(),
  removeTags: z.array(z.string()).optional(),
  properties: z.record(z.string(), z.string()).optional(),
  displayName: z.string().max(256).optional(),
  description: z.string().max(5000).optional(),
  /** Start a NotStarted run (Run.start). */
  start: z.boolean().optional(),
});
export type UpdateRun = z.input<typeof UpdateRun>;

/** Ends a run made from Python (run.complete(), run.fail(), run.cancel(), leaving `with`). */
export const FinishRun = z.object({
  runId: z.string(),
  status: z.enum(['Completed', 'Failed', 'Canceled']),
  error: z.string().max(100_000).optional(),
  /** The folder whose files become the run's outputs/ (start_logging's outputs). */
  outputsDirectory: z.string().optional(),
});
export type FinishRun = z.input<typeof FinishRun>;

export const RunFiles = z.object({
  snapshot: z.array(z.string()),
  outputs: z.array(z.string()),
  logs: z.array(z.string()),
  uploads: z.array(z.string()),
});

/** runs.table: the runs table's rows for many runs at once (params from the arguments and MLflow, last metrics). */
export const RunTableQuery = z.object({
  experiment: z.string().optional(),
  /** Only runs that are no other run's child. */
  topLevel: z.boolean().optional(),
  limit: z.number().int().min(1).max(20_000).default(10_000),
  offset: z.number().int().min(0).default(0),
});
export type RunTableQuery = z.input<typeof RunTableQuery>;
export const RunTableRow = z.object({
  runId: z.string(),
  displayName: z.string().nullable(),
  experiment: z.string(),
  status: RunStatus,
  parentRunId: z.string().nullable(),
  startTime: z.string().nullable(),
  /** Seconds from start to end (to now while running); null before the start. */
  duration: z.number().nullable(),
  params: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), MetricValue),
});
export type RunTableRow = z.infer<typeof RunTableRow>;
export const RunTable = z.object({
  runs: z.array(RunTableRow),
  /** Every parameter and metric name of the matching runs (not only this page), sorted. */
  paramKeys: z.array(z.string()),
  metricKeys: z.array(z.string()),
  total: z.number(),
});
export type RunTable = z.infer<typeof RunTable>;
