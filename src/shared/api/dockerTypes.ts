import { z } from 'zod';

/** What the app shows about the Docker engine it is set to use. */
export const EngineStatus = z.object({
  url: z.string(),
  /** A local engine shares this machine's files (runs and services bind-mount them). */
  local: z.boolean(),
  running: z.boolean(),
  version: z.string().nullable(),
  apiVersion: z.string().nullable(),
  os: z.string().nullable(),
  images: z.number().int().nullable(),
  containers: z.number().int().nullable(),
  diskUsedBytes: z.number().nullable(),
  /** The engine's runtimes ("runc", "nvidia", ...): GPU requests need "nvidia". */
  runtimes: z.array(z.string()),
  error: z.object({ message: z.string(), hint: z.string().optional() }).nullable(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const ImageSummary = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  sizeBytes: z.number(),
  createdAt: z.string(),
  /** The build key when Benchtop built it (benchtop/env:<key>). */
  buildKey: z.string().nullable(),
});
export type ImageSummary = z.infer<typeof ImageSummary>;

export const LoadImage = z.object({
  /** A `docker save` tarball, or a root filesystem tarball (imported as one layer). */
  file: z.string().min(1),
  /** Needed for a rootfs tarball (repo:tag); a `docker save` tarball keeps its own tags. */
  tag: z.string().min(1).optional(),
});
export type LoadImage = z.infer<typeof LoadImage>;

export const IMAGE_REPOSITORY = 'benchtop/env';
export const imageTagFor = (buildKey: string): string => `${IMAGE_REPOSITORY}:${buildKey}`;

/** An engine of the Docker pool (Settings.dockerPool) as `benchtop docker pool` shows it. */
export const PoolEngine = z.object({
  url: z.string(),
  /** Runs that may use this engine at once. */
  slots: z.number().int(),
  /** Runs not final that the queue sent here (runs.assigned.engine). */
  used: z.number().int(),
  local: z.boolean(),
  /** Whether it answered a ping just now; `error` says why not. */
  reachable: z.boolean(),
  error: z.object({ message: z.string(), hint: z.string().optional() }).nullable(),
});
export type PoolEngine = z.infer<typeof PoolEngine>;
