import { z } from 'zod';

/**
 * Bundles (.btb): one tar file that carries environments, models, runs and services between
 * workspaces (issue 15). The manifest is the tar's first entry; every file's size and sha256
 * are in it, so an import verifies the whole bundle before it writes anything.
 */
export const BUNDLE_FORMAT_VERSION = 1;

export const BundlePartKind = z.enum(['environment', 'model', 'run', 'service']);
export type BundlePartKind = z.infer<typeof BundlePartKind>;

/** What to export: environments and models by name (latest version when left out), runs by id, services by name. */
export const BundlePartRef = z.object({
  kind: BundlePartKind,
  name: z.string().min(1).max(500).optional(),
  version: z.string().regex(/^\d+$/).optional(),
  runId: z.string().min(1).max(400).optional(),
});
export type BundlePartRef = z.infer<typeof BundlePartRef>;

export const ExportBundle = z.object({
  parts: z.array(BundlePartRef).min(1).max(10_000),
  /** Absolute path of the .btb file to write. */
  output: z.string().min(1).max(4096),
  /** Also carry the environments' built Docker images (`docker save`). */
  includeImages: z.boolean(),
  overwrite: z.boolean().optional(),
  /** Chosen by the caller so it can follow the job (progress, cancel) before the call returns. */
  requestId: z.string().max(100).optional(),
});
export type ExportBundle = z.infer<typeof ExportBundle>;

export const BundlePartSummary = z.object({
  kind: BundlePartKind,
  /** Environment/model/service name; for a run, its experiment. */
  name: z.string(),
  /** Environment or model version ("" for runs and services). */
  version: z.string(),
  /** The run id for runs ("" otherwise). */
  runId: z.string(),
  /** Bytes of all the part's files. */
  bytes: z.number(),
  /** sha256 over the part's file list (each path and file sha256): the part's identity in the bundle. */
  sha256: z.string(),
  files: z.number(),
});
export type BundlePartSummary = z.infer<typeof BundlePartSummary>;

export const BundleSummary = z.object({
  file: z.string(),
  bytes: z.number(),
  formatVersion: z.number(),
  createdAt: z.string(),
  parts: z.array(BundlePartSummary),
});
export type BundleSummary = z.infer<typeof BundleSummary>;

export const ImportBundle = z.object({
  file: z.string().min(1).max(4096),
  requestId: z.string().max(100).optional(),
});
export type ImportBundle = z.infer<typeof ImportBundle>;

export const ImportAction = z.enum(['added', 'unchanged', 'new-version']);
export type ImportAction = z.infer<typeof ImportAction>;

export const ImportedPart = z.object({
  kind: BundlePartKind,
  /** Environment/model/service name; for a run, its id. */
  name: z.string(),
  /** The version it has in this workspace ("" for runs and services). */
  version: z.string(),
  action: ImportAction,
  /** One line saying what happened (e.g. "different content under an existing name: registered as version 3"). */
  note: z.string(),
});
export type ImportedPart = z.infer<typeof ImportedPart>;

export const ImportOutcome = z.object({
  parts: z.array(ImportedPart),
  /** Image tags loaded into the workspace's Docker engine. */
  imagesLoaded: z.array(z.string()),
});
export type ImportOutcome = z.infer<typeof ImportOutcome>;
