import { z } from 'zod';
import { EnvironmentDefinition } from '../environments/definition';

export const BuildState = z.enum(['none', 'building', 'ready', 'failed', 'canceled']);
export type BuildState = z.infer<typeof BuildState>;

export const LockedPackage = z.object({
  name: z.string(),
  version: z.string(),
  /** For conda environments: which installer put it there; conda entries carry their package URL and digests. */
  installer: z.enum(['conda', 'pip']).optional(),
  url: z.string().optional(),
  sha256: z.string().optional(),
  md5: z.string().optional(),
});
export type LockedPackage = z.infer<typeof LockedPackage>;

export const BuildInfo = z.object({
  buildKey: z.string(),
  backend: z.string(),
  /** The tool that built it where the backend has several (conda: rattler, micromamba, mamba, conda). */
  tool: z.string().optional(),
  state: BuildState,
  path: z.string().nullable(),
  pythonVersion: z.string().nullable(),
  lock: z.array(LockedPackage),
  sizeBytes: z.number().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type BuildInfo = z.infer<typeof BuildInfo>;

export const EnvironmentRecord = z.object({
  name: z.string(),
  version: z.string(),
  buildKey: z.string(),
  backend: z.string(),
  curated: z.boolean(),
  createdAt: z.string(),
  definition: EnvironmentDefinition,
  build: BuildInfo.nullable(),
});
export type EnvironmentRecord = z.infer<typeof EnvironmentRecord>;

export const EnvironmentSummary = z.object({
  name: z.string(),
  latestVersion: z.string(),
  versionCount: z.number(),
  curated: z.boolean(),
  buildKey: z.string(),
  buildState: BuildState,
  /** The newest version with a ready build (the latest one may not be built while an older one is). */
  builtVersion: z.string().nullable().optional(),
  pythonVersion: z.string().nullable(),
  updatedAt: z.string(),
});
export type EnvironmentSummary = z.infer<typeof EnvironmentSummary>;

export const RegisterResult = z.object({ environment: EnvironmentRecord, created: z.boolean() });
export type RegisterResult = z.infer<typeof RegisterResult>;

export const JobState = z.enum(['queued', 'running', 'completed', 'failed', 'canceled']);
export type JobState = z.infer<typeof JobState>;

export const Job = z.object({
  id: z.string(),
  kind: z.enum(['build', 'model', 'tool', 'import', 'dataset', 'bundle']),
  title: z.string(),
  state: JobState,
  /** 0..1, or null while the amount of work is unknown. */
  progress: z.number().nullable(),
  step: z.string().nullable(),
  cancellable: z.boolean(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
  /** What the job is about, e.g. { environment: "name:1", buildKey }. */
  subject: z.record(z.string(), z.string()),
});
export type Job = z.infer<typeof Job>;

export const BuildStart = z.object({
  job: Job,
  buildKey: z.string(),
  backend: z.string(),
  cached: z.boolean(),
});
export type BuildStart = z.infer<typeof BuildStart>;

export const CacheEntry = z.object({
  buildKey: z.string(),
  backend: z.string(),
  state: BuildState,
  path: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  lastUsedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  environments: z.array(z.string()),
});
export type CacheEntry = z.infer<typeof CacheEntry>;

export const Wheel = z.object({
  file: z.string(),
  name: z.string(),
  version: z.string(),
  sha256: z.string(),
  reference: z.string(),
  addedAt: z.string(),
});
export type Wheel = z.infer<typeof Wheel>;

export const Interpreter = z.object({ path: z.string(), version: z.string() });
export type Interpreter = z.infer<typeof Interpreter>;

export const Settings = z.object({
  offline: z.boolean(),
  installer: z.enum(['auto', 'pip', 'uv']),
  condaPath: z.string().nullable(),
  /** Azure ML's snapshot limits by default: 300 MB / 2,000 files. */
  snapshotMaxMb: z.number().positive(),
  snapshotMaxFiles: z.number().int().positive(),
  /** The Docker engine: null is the local one (DOCKER_HOST, else the default socket); else unix://, tcp:// or ssh://. */
  dockerHost: z.string().nullable(),
  /**
   * The base image for environments that name Azure's default (which cannot be pulled here) or none,
   * e.g. the curated ones: set it to a local Python image so they build as images too.
   */
  dockerDefaultBaseImage: z.string().nullable(),
  /**
   * Scoring server limits, for every local and container service (a running one takes new values when
   * it restarts: `service update`, or the app starting it again). Seconds for a request's headers to
   * arrive, then its body, a keep-alive connection to stay idle, a client to read its answer; open
   * connections per worker.
   */
  serviceHeaderTimeoutS: z.number().positive().max(3600),
  serviceBodyTimeoutS: z.number().positive().max(3600),
  serviceIdleTimeoutS: z.number().positive().max(86_400),
  serviceWriteTimeoutS: z.number().positive().max(3600),
  serviceMaxConnections: z.number().int().min(1).max(100_000),
  /** CPU slots of the run queue; null: this machine's cores. A run takes 1 unless it asks for more. */
  queueCpus: z.number().int().min(1).max(4096).nullable(),
  /** At most this many runs at once in this workspace (besides the slots); null: no limit beyond them. */
  queueMaxConcurrentRuns: z.number().int().min(1).max(4096).nullable(),
  /** GPUs a run gets when it does not say; null: 1 on a machine with GPUs, else 0. */
  queueDefaultGpus: z.number().int().min(0).max(64).nullable(),
  /** Docker engines a run or sweep with `pool` spreads over, each with its own slots (the local one included by URL). */
  dockerPool: z.array(z.object({ url: z.string().min(1), slots: z.number().int().min(1).max(1024) })).max(64),
  /** Seconds between samples of a run's CPU, memory and GPU use (its system/... metrics); 0 turns sampling off. */
  systemMetricsIntervalS: z.number().min(0).max(3600),
});
export type Settings = z.infer<typeof Settings>;

export const AppInfo = z.object({
  version: z.string(),
  workspace: z.string(),
  platform: z.string(),
  interpreters: z.array(Interpreter),
  condaTool: z.string().nullable(),
  settings: Settings,
});
export type AppInfo = z.infer<typeof AppInfo>;
