import { z } from 'zod';

/** Azure ML's service name rule: 3-32 lower-case letters, digits and '-', starting with a letter. */
export const SERVICE_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * `degraded`: the server runs but not every worker serves (one died and is restarting, or keeps dying),
 * or GET / does not answer; `error` says why. Read live (the server's status file and a probe), never stored.
 */
export const ServiceState = z.enum(['deploying', 'running', 'degraded', 'failed', 'deleted']);
export type ServiceState = z.infer<typeof ServiceState>;

/** States in which the service takes requests (a degraded one still answers with the workers it has). */
export const serving = (state: ServiceState): boolean => state === 'running' || state === 'degraded';

export const ServiceRecord = z.object({
  name: z.string(),
  state: ServiceState,
  port: z.number().int(),
  scoringUri: z.string(),
  swaggerUri: z.string(),
  /** "name:version" of each deployed model. */
  models: z.array(z.string()),
  /** Null for a no-code deployment (the built-in scikit-learn scorer). */
  entryScript: z.string().nullable(),
  sourceDirectory: z.string().nullable(),
  environment: z.string(),
  workers: z.number().int(),
  timeoutMs: z.number().int(),
  maxBodyMb: z.number(),
  target: z.enum(['local', 'docker']),
  pid: z.number().int().nullable(),
  /** The container serving it (target docker). */
  containerId: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ServiceRecord = z.infer<typeof ServiceRecord>;

export const DeployService = z.object({
  name: z.string(),
  /** "name" (latest version) or "name:version". */
  models: z.array(z.string().min(1)).min(1),
  entryScript: z.string().min(1).optional(),
  sourceDirectory: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  workers: z.number().int().min(1).max(64).optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  maxBodyMb: z.number().positive().max(4096).optional(),
  target: z.enum(['local', 'docker']).optional(),
});
export type DeployService = z.infer<typeof DeployService>;

export const UpdateService = z.object({
  name: z.string().min(1),
  models: z.array(z.string().min(1)).min(1).optional(),
  environment: z.string().min(1).optional(),
  workers: z.number().int().min(1).max(64).optional(),
});
export type UpdateService = z.infer<typeof UpdateService>;

/** The scoring contracts every service answers: Azure ML's and MLflow's scoring server's. */
export const ScoringRoute = z.enum(['/score', '/invocations']);
export type ScoringRoute = z.infer<typeof ScoringRoute>;

export const ScoreResult = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  ms: z.number(),
});
export type ScoreResult = z.infer<typeof ScoreResult>;
