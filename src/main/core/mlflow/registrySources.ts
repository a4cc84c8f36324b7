import path from 'node:path';
import type { MlflowContext } from './context';
import { doesNotExist, invalidParameter } from './mlflowErrors';

/** What a model version is registered from: a path inside a run's files, or a folder of the workspace. */
export interface VersionSource {
  runId: string | null;
  /** Inside the run (as `benchtop model register --run ID -p PATH` takes it), or absolute without a run. */
  path: string;
  /** The MLflow 3 logged model the version comes from, if any. */
  modelId: string | null;
}

const HOW =
  'Benchtop registers a version from a run or a logged model: use runs:/<run id>/<path>, models:/<model id> or ' +
  'mlflow-artifacts:/runs/<run id>/<path> (for a folder on this machine: `benchtop model register -p PATH`).';

function clean(rel: string): string {
  return rel.replace(/^\/+|\/+$/g, '');
}

function loggedModel(ctx: MlflowContext, modelId: string, rest: string): VersionSource {
  const row = ctx.db
    .prepare('SELECT artifact_path, source_run_id FROM mlflow_logged_models WHERE model_id = ?')
    .get(modelId) as { artifact_path: string; source_run_id: string | null } | undefined;
  if (!row) throw doesNotExist(`Logged model with ID '${modelId}' not found.`);
  const sub = clean(rest);
  if (row.source_run_id) {
    const folder = row.artifact_path.slice(`runs/${row.source_run_id}/`.length);
    return { runId: row.source_run_id, path: sub ? `${folder}/${sub}` : folder, modelId };
  }
  const root = path.join(ctx.paths.root, 'mlflow', 'models', modelId);
  return { runId: null, path: sub ? path.join(root, ...sub.split('/')) : root, modelId };
}

function inRun(ctx: MlflowContext, runId: string, rel: string, modelId: string | null): VersionSource {
  ctx.run(runId);
  const sub = clean(rel);
  if (!sub || sub.split('/').some((s) => s === '..' || s === '.'))
    throw invalidParameter(`The source names no path inside run ${runId}: ${HOW}`);
  return { runId, path: sub, modelId };
}

/**
 * The `source` of create_model_version, in the forms MLflow's client sends: `models:/m-<id>` (log_model with
 * registered_model_name, register_model of a run's logged model), the run's artifact location
 * (`mlflow-artifacts:/runs/<id>/<path>`, register_model of files logged with log_artifacts), or `runs:/...`.
 */
export function resolveVersionSource(ctx: MlflowContext, source: string, modelIdField?: string): VersionSource {
  const models = /^models:\/(m-[0-9a-f]+)(\/.*)?$/.exec(source);
  if (models) return loggedModel(ctx, models[1] as string, models[2] ?? '');
  const runs = /^runs:\/([^/]+)\/(.*)$/.exec(source);
  if (runs) return inRun(ctx, runs[1] as string, runs[2] as string, modelIdField ?? null);
  const artifacts = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(runs|models)\/([^/]+)(\/.*)?$/.exec(source);
  if (artifacts) {
    const [, kind, id, rest] = artifacts as unknown as [string, string, string, string | undefined];
    return kind === 'models' ? loggedModel(ctx, id, rest ?? '') : inRun(ctx, id, rest ?? '', modelIdField ?? null);
  }
  if (modelIdField && /^m-[0-9a-f]+$/.test(modelIdField)) return loggedModel(ctx, modelIdField, '');
  throw invalidParameter(`Unsupported model version source '${source.slice(0, 200)}'. ${HOW}`);
}
