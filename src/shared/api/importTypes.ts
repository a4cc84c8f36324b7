import { z } from 'zod';

/** `benchtop import mlflow SOURCE`: an `mlruns/` folder (or one holding it), a file: URI, or http://127.0.0.1:PORT. */
export const ImportMlflow = z.object({
  source: z.string().min(1).max(4096),
  /** Only these experiments (by MLflow name); all when empty. */
  experiments: z.array(z.string().min(1).max(500)).max(200).optional(),
  /** Chosen by the caller so it can follow the job (progress, cancel) before the call returns. */
  requestId: z.string().max(100).optional(),
});
export type ImportMlflow = z.infer<typeof ImportMlflow>;

export const ImportState = z.enum(['new', 'updated', 'unchanged']);
export type ImportState = z.infer<typeof ImportState>;

const Counts = z.object({ new: z.number(), updated: z.number(), unchanged: z.number() });

export const ImportedItem = z.object({
  kind: z.enum(['experiment', 'run', 'model_version']),
  /** The MLflow side: an experiment name, a run id, "name/version". */
  source: z.string(),
  /** The Benchtop side: an experiment name, a run id, "name:version". */
  target: z.string(),
  state: ImportState,
});
export type ImportedItem = z.infer<typeof ImportedItem>;

export const MlflowImportSummary = z.object({
  /** The store as Benchtop names it (a file: URI or the server's URL): the key of what was imported from where. */
  source: z.string(),
  mlflowVersion: z.string(),
  experiments: Counts,
  runs: Counts,
  modelVersions: Counts,
  items: z.array(ImportedItem),
  /** What was changed on the way in (a name Benchtop does not accept, a status mapped), one line each. */
  notes: z.array(z.string()),
});
export type MlflowImportSummary = z.infer<typeof MlflowImportSummary>;
