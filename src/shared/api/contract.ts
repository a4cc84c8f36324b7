import { z } from 'zod';
import { BackendChoice, EnvironmentDefinition } from '../environments/definition';
import {
  ModelDetail,
  ModelQuery,
  ModelRecord,
  ModelRef,
  RegisteredModel,
  RegisterModel,
  UpdateModel,
} from './modelTypes';
import {
  DatasetDetail,
  DatasetPreview,
  DatasetProfile,
  DatasetQuery,
  DatasetRecord,
  DatasetRef,
  ModelDatasetLink,
  RegisterDataset,
  RegisteredDataset,
  RunDatasetInput,
  RunDatasetUse,
  UpdateDataset,
} from './datasetTypes';
import { EngineStatus, ImageSummary, LoadImage, PoolEngine } from './dockerTypes';
import { QueueEntry, QueueState, SubmitSweep, SweepDetail, SweepRef, SweepSummary, SweepTrial } from './sweepTypes';
import { ImportMlflow, MlflowImportSummary } from './importTypes';
import { BundleSummary, ExportBundle, ImportBundle, ImportOutcome } from './bundleTypes';
import { DeployService, ScoreResult, ScoringRoute, ServiceRecord, UpdateService } from './serviceTypes';
import {
  CreateRun,
  FinishRun,
  RunFiles,
  RunMetrics,
  RunMetricColumns,
  RunQuery,
  RunSummary,
  RunTable,
  RunTableQuery,
  SubmitRun,
  UpdateRun,
} from './runTypes';
import {
  AppInfo,
  BuildInfo,
  BuildStart,
  CacheEntry,
  EnvironmentRecord,
  EnvironmentSummary,
  Job,
  RegisterResult,
  Settings,
  Wheel,
} from './types';

/**
 * Every call and event, declared once. The IPC handlers, the WebSocket
 * server, the preload bridge and the renderer client are all derived from
 * these two maps, so no channel name is ever typed twice.
 */
function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

const NameVersion = z.object({ name: z.string().min(1), version: z.string().regex(/^\d+$/).optional() });
const JobRef = z.object({ jobId: z.string().min(1) });
const RunRef = z.object({ runId: z.string().min(1).max(400) });

export const calls = {
  'app.info': call(z.object({}), AppInfo),
  'settings.update': call(Settings.partial(), Settings),
  /** A native file or folder picker: the desktop window answers it; headless, `supported` is false (type the path). */
  'app.pickPath': call(
    z.object({ kind: z.enum(['file', 'folder']), title: z.string().max(200).optional() }),
    z.object({ path: z.string().nullable(), supported: z.boolean() }),
  ),

  'environments.list': call(z.object({ curated: z.boolean().optional() }), z.array(EnvironmentSummary)),
  'environments.versions': call(z.object({ name: z.string().min(1) }), z.array(EnvironmentRecord)),
  'environments.get': call(NameVersion, EnvironmentRecord),
  'environments.scaffold': call(z.object({ name: z.string() }), EnvironmentDefinition),
  'environments.register': call(z.object({ definition: z.unknown() }), RegisterResult),
  'environments.registerText': call(z.object({ text: z.string(), format: z.enum(['json', 'yaml']) }), RegisterResult),
  'environments.validateText': call(
    z.object({ text: z.string(), format: z.enum(['json', 'yaml']) }),
    z.object({ definition: EnvironmentDefinition.nullable(), buildKey: z.string().nullable() }),
  ),
  'environments.download': call(
    NameVersion.extend({ directory: z.string().min(1), overwrite: z.boolean().optional() }),
    z.object({ directory: z.string(), files: z.array(z.string()) }),
  ),
  /** Fetches every wheel the environment's lock names (its Python and platform) into the workspace wheels. */
  'environments.wheelhouse': call(
    NameVersion.extend({ requestId: z.string().max(100).optional() }),
    z.object({
      fetched: z.array(z.string()),
      present: z.array(z.string()),
      failed: z.array(z.object({ name: z.string(), reason: z.string() })),
    }),
  ),

  'builds.start': call(
    NameVersion.extend({
      backend: BackendChoice.optional(),
      rebuild: z.boolean().optional(),
      offline: z.boolean().optional(),
    }),
    BuildStart,
  ),
  'builds.info': call(z.object({ buildKey: z.string().regex(/^[0-9a-f]{32}$/) }), BuildInfo.nullable()),
  'cache.list': call(z.object({}), z.array(CacheEntry)),
  'cache.prune': call(
    z.object({ keep: z.number().int().min(0).optional(), buildKeys: z.array(z.string()).optional() }),
    z.object({ removed: z.array(z.string()), freedBytes: z.number() }),
  ),

  'wheels.list': call(z.object({}), z.array(Wheel)),
  'wheels.add': call(z.object({ path: z.string().min(1) }), Wheel),

  'jobs.list': call(z.object({}), z.array(Job)),
  'jobs.cancel': call(JobRef, Job),
  /** Subscribes the caller to a job's live output; returns what was printed so far. */
  'jobs.attach': call(JobRef, z.object({ job: Job, replay: z.string(), truncated: z.boolean() })),
  'jobs.detach': call(JobRef, z.object({})),
  /** Flow control: the viewer has drawn this many characters. */
  'jobs.ack': call(JobRef.extend({ chars: z.number().int().min(0) }), z.object({})),
  'jobs.log': call(JobRef, z.object({ text: z.string() })),

  'runs.submit': call(SubmitRun, RunSummary),
  /** Submits again from a run's snapshot, with its arguments, environment or experiment changed. */
  'runs.rerun': call(
    RunRef.extend({
      arguments: z.array(z.string()).optional(),
      environment: z.string().optional(),
      experiment: z.string().optional(),
      target: z.enum(['local', 'docker']).optional(),
      /** Inputs to change (by input name); the others keep the dataset versions the run recorded. */
      inputs: z.array(RunDatasetInput).optional(),
      /** The queue's fields, as runs.submit takes them; left out: what the run asked for. */
      priority: SubmitRun.shape.priority,
      resources: SubmitRun.shape.resources,
      pool: SubmitRun.shape.pool,
    }),
    RunSummary,
  ),
  'runs.list': call(RunQuery, z.object({ runs: z.array(RunSummary), total: z.number() })),
  /** The runs table: many runs' params (from their arguments) and last metric values, with every column name. */
  'runs.table': call(RunTableQuery, RunTable),
  'runs.experiments': call(
    z.object({}),
    z.array(z.object({ name: z.string(), runs: z.number(), lastRunAt: z.string() })),
  ),
  'runs.get': call(RunRef, RunSummary),
  'runs.metrics': call(RunRef, RunMetrics),
  /** The same metrics with each scalar series as columns (step[], value[], t[]): cheaper for big charts. */
  'runs.metricColumns': call(RunRef, RunMetricColumns),
  'runs.watchMetrics': call(RunRef.extend({ on: z.boolean() }), z.object({})),
  'runs.cancel': call(RunRef, RunSummary),
  'runs.attach': call(
    RunRef,
    z.object({ run: RunSummary, replay: z.string(), truncated: z.boolean(), live: z.boolean() }),
  ),
  'runs.detach': call(RunRef, z.object({})),
  'runs.ack': call(RunRef.extend({ chars: z.number().int().min(0) }), z.object({})),
  'runs.input': call(RunRef.extend({ data: z.string().max(65_536) }), z.object({})),
  'runs.resize': call(
    RunRef.extend({ cols: z.number().int().min(1).max(500), rows: z.number().int().min(1).max(200) }),
    z.object({}),
  ),
  'runs.log': call(
    RunRef.extend({ search: z.string().optional() }),
    z.object({ text: z.string(), matches: z.array(z.object({ line: z.number(), text: z.string() })) }),
  ),
  'runs.files': call(RunRef, RunFiles),
  'runs.file': call(
    RunRef.extend({ path: z.string().min(1) }),
    z.object({ base64: z.string(), mime: z.string(), size: z.number() }),
  ),
  'runs.download': call(
    RunRef.extend({ directory: z.string().min(1) }),
    /** skipped: links the run made that point outside it, not copied. */
    z.object({ directory: z.string(), files: z.number(), skipped: z.array(z.string()) }),
  ),
  /** Runs made from Python (Experiment.start_logging, run.child_run, run.create_children). */
  'runs.create': call(CreateRun, z.array(RunSummary)),
  'runs.update': call(UpdateRun, RunSummary),
  /** Ends a run made from Python; a script's run ends with its script. */
  'runs.finish': call(FinishRun, RunSummary),
  /** The run's files by Azure's artifact names (outputs/..., logs/..., uploaded names, azureml-logs/70_driver_log.txt). */
  'runs.artifacts': call(RunRef, z.array(z.string())),
  'runs.downloadArtifact': call(
    RunRef.extend({ name: z.string().min(1), destination: z.string().min(1) }),
    z.object({ path: z.string(), size: z.number() }),
  ),
  'runs.downloadArtifacts': call(
    RunRef.extend({
      directory: z.string().min(1),
      prefix: z.string().optional(),
      appendPrefix: z.boolean().optional(),
    }),
    z.object({ directory: z.string(), files: z.array(z.string()), skipped: z.array(z.string()) }),
  ),

  'models.register': call(RegisterModel, RegisteredModel),
  'models.list': call(ModelQuery, z.array(ModelRecord)),
  'models.get': call(ModelRef, ModelDetail),
  'models.update': call(UpdateModel, ModelRecord),
  'models.delete': call(
    ModelRef.extend({ version: z.number().int().positive() }),
    z.object({ freedBytes: z.number() }),
  ),
  'models.download': call(
    ModelRef.extend({
      directory: z.string().min(1),
      existOk: z.boolean().optional(),
      requestId: z.string().max(100).optional(),
    }),
    z.object({ path: z.string(), files: z.number(), size: z.number() }),
  ),

  'datasets.register': call(RegisterDataset, RegisteredDataset),
  'datasets.list': call(DatasetQuery, z.array(DatasetRecord)),
  'datasets.get': call(DatasetRef, DatasetDetail),
  /** Azure's Dataset.get_by_id: the version with this GUID. */
  'datasets.getById': call(z.object({ id: z.string().min(1) }), DatasetDetail),
  /** The first rows of a tabular dataset (reads only the head of its files). */
  'datasets.preview': call(DatasetRef.extend({ rows: z.number().int().min(1).max(1000).default(100) }), DatasetPreview),
  /** Computes (once, as a job with progress and cancel) and stores a tabular version's profile. */
  'datasets.profile': call(
    DatasetRef.extend({ recompute: z.boolean().optional(), requestId: z.string().max(100).optional() }),
    DatasetProfile,
  ),
  'datasets.update': call(UpdateDataset, DatasetRecord),
  /** Refused while a run or model records it (naming them). */
  'datasets.delete': call(
    DatasetRef.extend({ version: z.number().int().positive() }),
    z.object({ freedBytes: z.number() }),
  ),
  'datasets.download': call(
    DatasetRef.extend({
      directory: z.string().min(1),
      overwrite: z.boolean().optional(),
      requestId: z.string().max(100).optional(),
    }),
    z.object({ path: z.string(), files: z.number(), size: z.number() }),
  ),
  /** A script read this dataset through the API (Dataset.get_by_name inside a run): lineage `via: 'api'`. */
  'datasets.recordUse': call(
    RunRef.extend({
      name: z.string().min(1),
      version: z.number().int().positive().optional(),
      inputName: z.string().optional(),
    }),
    RunDatasetUse,
  ),
  /** The dataset versions a run used (inputs and API reads). */
  'runs.datasets': call(RunRef, z.array(RunDatasetUse)),
  /** The dataset versions a model version was made from. */
  'models.datasets': call(ModelRef.extend({ version: z.number().int().positive() }), z.array(ModelDatasetLink)),
  /** The workspace's datastores: folders under `<workspace>/datastores/` (workspaceblobstore always). */
  'datastores.list': call(z.object({}), z.array(z.object({ name: z.string(), path: z.string() }))),

  /** An MLflow store (mlruns/ folder, file: URI, tracking server on 127.0.0.1) into the workspace, idempotently. */
  'imports.mlflow': call(ImportMlflow, MlflowImportSummary),

  /** Writes a .btb bundle (environments with lock, wheels and optionally images; models; runs; services), as a job. */
  'bundles.export': call(ExportBundle, BundleSummary),
  /** Reads only a bundle's manifest (fast): what an import would bring. */
  'bundles.inspect': call(z.object({ file: z.string().min(1).max(4096) }), BundleSummary),
  /** Verifies every checksum, then registers the parts in one transaction and loads images, as a job. */
  'bundles.import': call(ImportBundle, ImportOutcome),

  'docker.status': call(z.object({}), EngineStatus),
  'docker.images': call(z.object({}), z.array(ImageSummary)),
  'docker.load': call(LoadImage, z.object({ tags: z.array(z.string()) })),
  /** The Docker pool (Settings.dockerPool): each engine's slots, runs on it now, and whether it answers. */
  'docker.pool': call(z.object({}), z.array(PoolEngine)),
  /** Adds an engine to the pool (or changes its slots); "local" is this machine's engine. */
  'docker.poolAdd': call(
    z.object({ url: z.string().min(1), slots: z.number().int() }),
    z.object({ pool: z.array(PoolEngine), url: z.string(), previousSlots: z.number().int().nullable() }),
  ),
  /** Takes an engine out of the pool; runs already there finish there. */
  'docker.poolRemove': call(
    z.object({ url: z.string().min(1) }),
    z.object({ pool: z.array(PoolEngine), url: z.string() }),
  ),
  /** The Dockerfile an environment version builds with (backend docker), its interpreter and base images. */
  'docker.dockerfile': call(
    NameVersion.extend({ offline: z.boolean().optional() }),
    z.object({
      dockerfile: z.string(),
      pythonPath: z.string(),
      baseImages: z.array(z.string()),
      buildKey: z.string(),
      imageTag: z.string(),
    }),
  ),

  'services.deploy': call(DeployService, ServiceRecord),
  'services.list': call(z.object({}), z.array(ServiceRecord)),
  'services.get': call(z.object({ name: z.string().min(1) }), ServiceRecord),
  'services.logs': call(
    z.object({ name: z.string().min(1), offset: z.number().int().min(0).optional() }),
    z.object({ text: z.string(), offset: z.number() }),
  ),
  'services.score': call(
    z.object({
      name: z.string().min(1),
      body: z.string().max(64 * 1024 * 1024),
      headers: z.record(z.string(), z.string()).optional(),
      /** Azure's contract (/score, the default) or MLflow's (/invocations). */
      route: ScoringRoute.optional(),
    }),
    ScoreResult,
  ),
  'services.reload': call(
    z.object({ name: z.string().min(1) }),
    ServiceRecord.extend({ reloaded: z.boolean(), message: z.string() }),
  ),
  'services.update': call(UpdateService, ServiceRecord),
  'services.delete': call(z.object({ name: z.string().min(1) }), z.object({})),

  /** A HyperDrive sweep: validated at submit (Azure's wording), then run by the queue owner. */
  'sweeps.submit': call(SubmitSweep, SweepSummary),
  'sweeps.list': call(
    z.object({ experiment: z.string().optional(), limit: z.number().int().min(1).max(10_000).default(200) }),
    z.array(SweepSummary),
  ),
  'sweeps.get': call(SweepRef, SweepDetail),
  /** Cancels the sweep: no new trial starts, queued trials never start, running ones are canceled. */
  'sweeps.cancel': call(SweepRef, SweepSummary),
  /** The best trial by the primary metric and goal (null until one has logged it). */
  'sweeps.best': call(SweepRef, z.object({ trial: SweepTrial.nullable(), run: RunSummary.nullable() })),

  /** The run queue: capacity (CPU slots, GPUs, engines), running and queued runs in start order. */
  'queue.list': call(z.object({}), QueueState),
  /** Changes a queued run's priority (a started run keeps its place). */
  'queue.setPriority': call(RunRef.extend({ priority: z.number().int().min(-1000).max(1000) }), QueueEntry),
} as const;

export const events = {
  'job.updated': Job,
  'job.output': z.object({ jobId: z.string(), data: z.string() }),
  'environments.changed': z.object({ name: z.string() }),
  'run.updated': RunSummary,
  'run.output': z.object({ runId: z.string(), data: z.string() }),
  /** New records from a watched run's events file (fold them with applyRunEvents). */
  'models.changed': z.object({ name: z.string() }),
  'services.changed': ServiceRecord,
  /** A dataset version was registered, updated, profiled or deleted; or a run's dataset uses changed (name: the dataset). */
  'datasets.changed': z.object({ name: z.string() }),
  'run.metrics': z.object({ runId: z.string(), events: z.array(z.record(z.string(), z.unknown())) }),
  /** A sweep's status, counts or best trial changed. */
  'sweeps.changed': z.object({ sweepId: z.string() }),
  /** A run entered, moved in or left the queue, or the capacity changed. */
  'queue.changed': z.object({}),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const CALL_NAMES = Object.keys(calls) as CallName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];
