import type { RunStatusName } from '../../../shared/api/runStatus';
import { NAME_PATTERN } from '../../../shared/environments/names';

/** The lines src/runtime/tools/mlflow_export.py writes (see its docstring). */
export type ExportLine =
  | { kind: 'plan'; runs: number; models: number; mlflow_version: string }
  | { kind: 'experiment'; id: string; name: string; tags: Record<string, string>; runs: number }
  | ({ kind: 'run'; unchanged?: boolean } & ExportedRun)
  | { kind: 'metric'; key: string; value: number | { $float: string }; step: number; timestamp: number }
  | { kind: 'artifact'; path: string; local: string; size: number }
  | { kind: 'run_end'; run_id: string; fingerprint: string }
  | ({ kind: 'model_version'; unchanged?: boolean } & ExportedVersion)
  | { kind: 'error'; code: string; message: string; hint?: string }
  | { kind: 'done' };

export interface ExportedRun {
  run_id: string;
  experiment_id: string;
  experiment: string;
  run_name: string | null;
  status: string;
  start_time: number | null;
  end_time: number | null;
  artifact_uri: string | null;
  parent_run_id: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Null for a run the importer does not hold yet (run_end carries it). */
  fingerprint: string | null;
}

export interface ExportedVersion {
  name: string;
  version: string;
  description: string;
  model_description: string;
  tags: Record<string, string>;
  model_tags: Record<string, string>;
  run_id: string | null;
  source: string | null;
  status: string;
  creation_timestamp: number | null;
  fingerprint: string;
  /** The version's files inside its run's artifacts ("model"), when it was logged by a run. */
  run_path?: string;
  /** Else a local file or folder holding them. */
  local?: string;
  /** The name they are registered under (a logged model's name, "model"), when `local` is given. */
  root?: string;
}

/**
 * MLflow's run status -> Benchtop's. RUNNING and SCHEDULED stay unfinished (Running, Queued):
 * the store owns the run, and importing again after it ends brings the final status in.
 */
export const STATUS_MAP: Record<string, RunStatusName> = {
  FINISHED: 'Completed',
  FAILED: 'Failed',
  KILLED: 'Canceled',
  RUNNING: 'Running',
  SCHEDULED: 'Queued',
};

/** A name Benchtop accepts for an experiment or model: characters it refuses become "_". */
export function benchtopName(name: string, fallback: string): string {
  if (NAME_PATTERN.test(name)) return name;
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 255);
  return cleaned || fallback;
}

export function isoOf(ms: number | null | undefined): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null;
}
