import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  type Fields,
  type MlflowContext,
  keyValues,
  optionalInteger,
  optionalList,
  optionalString,
  requireString,
} from './context';
import { describeValue, doesNotExist, invalidParameter } from './mlflowErrors';
import {
  type AttributeKeys,
  type EntityType,
  matchesAll,
  pageOffset,
  pageToken,
  parseSearchFilter,
} from './searchFilter';

/**
 * MLflow 3's logged models (mlflow.<flavor>.log_model creates one, uploads its files to the artifact URI we
 * give it, then finalizes it). A model logged in a run gets the folder <name>/ in the run's files, so that the
 * run holds model/MLmodel beside everything else and `benchtop model register --run ID -p model` finds it.
 */

interface ModelRow {
  model_id: string;
  experiment_id: string;
  name: string;
  source_run_id: string | null;
  artifact_path: string;
  status: string;
  status_message: string | null;
  model_type: string | null;
  creation_time: number;
  last_update_time: number;
  tags: string;
  params: string;
}

const STATUSES = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

function statusName(raw: unknown): string {
  const name = typeof raw === 'number' ? STATUSES[raw] : raw;
  if (typeof name !== 'string' || !STATUSES.includes(name))
    throw invalidParameter(
      `Invalid value ${describeValue(raw)} for parameter 'status': use LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.`,
    );
  return name;
}

function modelJson(ctx: MlflowContext, row: ModelRow) {
  const pairs = (text: string) =>
    Object.entries(JSON.parse(text) as Record<string, string>).map(([key, value]) => ({ key, value }));
  return {
    info: {
      model_id: row.model_id,
      experiment_id: row.experiment_id,
      name: row.name,
      creation_timestamp_ms: row.creation_time,
      last_updated_timestamp_ms: row.last_update_time,
      artifact_uri: `mlflow-artifacts:/models/${row.model_id}`,
      status: row.status,
      ...(row.status_message ? { status_message: row.status_message } : {}),
      ...(row.model_type ? { model_type: row.model_type } : {}),
      ...(row.source_run_id ? { source_run_id: row.source_run_id } : {}),
      tags: pairs(row.tags),
    },
    data: { params: pairs(row.params), metrics: [] as unknown[] },
  };
}

function get(ctx: MlflowContext, id: unknown): ModelRow {
  const modelId = requireString({ model_id: id }, 'model_id');
  const row = ctx.db.prepare('SELECT * FROM mlflow_logged_models WHERE model_id = ?').get(modelId) as
    ModelRow | undefined;
  if (!row) throw doesNotExist(`Logged model with ID '${modelId}' not found.`);
  return row;
}

/** The model's folder in its run's files: <name>/, or <name>-<id>/ when that name is taken in the run. */
function folderInRun(ctx: MlflowContext, runId: string, name: string, modelId: string): string {
  const uploads = path.join(ctx.paths.runDir(runId), 'files', 'uploads');
  const taken = (rel: string) =>
    fs.existsSync(path.join(uploads, rel)) ||
    ctx.db.prepare('SELECT 1 FROM mlflow_logged_models WHERE artifact_path = ?').get(`runs/${runId}/${rel}`) !==
      undefined;
  return taken(name) ? `${name}-${modelId}` : name;
}

export function createLoggedModel(ctx: MlflowContext, fields: Fields) {
  const experiment = ctx.experiments.byId(requireString(fields, 'experiment_id'));
  const runId = optionalString(fields, 'source_run_id');
  if (runId) ctx.run(runId);
  const modelId = `m-${randomBytes(16).toString('hex')}`;
  const name = optionalString(fields, 'name') || `model-${modelId.slice(2, 10)}`;
  if (!/^[\w.\- ]{1,200}$/.test(name) || name === '.' || name === '..')
    throw invalidParameter(`Invalid model name ${JSON.stringify(name)}: use letters, digits, ".", "_", "-" or spaces.`);
  const artifactPath = runId ? `runs/${runId}/${folderInRun(ctx, runId, name, modelId)}` : `models/${modelId}`;
  const now = Date.now();
  const toObject = (list: { key: string; value: string }[]) =>
    JSON.stringify(Object.fromEntries(list.map((p) => [p.key, p.value])));
  ctx.db
    .prepare(
      `INSERT INTO mlflow_logged_models(model_id, experiment_id, name, source_run_id, artifact_path, status, model_type,
         creation_time, last_update_time, tags, params) VALUES (?, ?, ?, ?, ?, 'LOGGED_MODEL_PENDING', ?, ?, ?, ?, ?)`,
    )
    .run(
      modelId,
      experiment.experiment_id,
      name,
      runId ?? null,
      artifactPath,
      optionalString(fields, 'model_type') ?? null,
      now,
      now,
      toObject(keyValues(fields, 'tags')),
      toObject(keyValues(fields, 'params')),
    );
  return { model: modelJson(ctx, get(ctx, modelId)) };
}

export function getLoggedModel(ctx: MlflowContext, fields: Fields) {
  return { model: modelJson(ctx, get(ctx, fields.model_id)) };
}

export function finalizeLoggedModel(ctx: MlflowContext, fields: Fields) {
  const row = get(ctx, fields.model_id);
  const status = statusName(fields.status);
  ctx.db
    .prepare('UPDATE mlflow_logged_models SET status = ?, last_update_time = ? WHERE model_id = ?')
    .run(status, Date.now(), row.model_id);
  return { model: modelJson(ctx, get(ctx, row.model_id)) };
}

function mergeJson(
  ctx: MlflowContext,
  row: ModelRow,
  column: 'tags' | 'params',
  change: (current: Record<string, string>) => void,
) {
  const current = JSON.parse(row[column]) as Record<string, string>;
  change(current);
  ctx.db
    .prepare(`UPDATE mlflow_logged_models SET ${column} = ?, last_update_time = ? WHERE model_id = ?`)
    .run(JSON.stringify(current), Date.now(), row.model_id);
}

export function setLoggedModelTags(ctx: MlflowContext, fields: Fields) {
  const row = get(ctx, fields.model_id);
  const tags = keyValues(fields, 'tags');
  mergeJson(ctx, row, 'tags', (current) => tags.forEach((t) => (current[t.key] = t.value)));
  return {};
}

export function deleteLoggedModelTag(ctx: MlflowContext, fields: Fields) {
  const row = get(ctx, fields.model_id);
  const key = requireString(fields, 'tag_key');
  mergeJson(ctx, row, 'tags', (current) => delete current[key]);
  return {};
}

export function logLoggedModelParams(ctx: MlflowContext, fields: Fields) {
  const row = get(ctx, fields.model_id);
  const params = keyValues(fields, 'params');
  mergeJson(ctx, row, 'params', (current) => params.forEach((p) => (current[p.key] ??= p.value)));
  return {};
}

const MODEL_ATTRIBUTES: AttributeKeys = {
  strings: new Set(['name', 'model_id', 'status', 'source_run_id', 'model_type']),
  numbers: new Set(['creation_timestamp', 'creation_time', 'last_updated_timestamp']),
};

/** logged-models/search: by experiment, with MLflow's filter on attributes, tags and params (the client's lookups). */
export function searchLoggedModels(ctx: MlflowContext, fields: Fields) {
  const clauses = parseSearchFilter(optionalString(fields, 'filter'), MODEL_ATTRIBUTES);
  const ids = optionalList(fields, 'experiment_ids').map(String);
  const max = optionalInteger(fields, 'max_results') ?? 100;
  const rows = ctx.db
    .prepare(
      `SELECT * FROM mlflow_logged_models WHERE experiment_id IN (SELECT value FROM json_each(?)) ORDER BY creation_time DESC, model_id`,
    )
    .all(JSON.stringify(ids)) as ModelRow[];
  const valueOf = (row: ModelRow, type: EntityType, key: string): string | number | undefined => {
    if (type === 'tag') return (JSON.parse(row.tags) as Record<string, string>)[key];
    if (type === 'parameter') return (JSON.parse(row.params) as Record<string, string>)[key];
    if (type === 'metric') return undefined;
    if (key === 'creation_timestamp' || key === 'creation_time') return row.creation_time;
    if (key === 'last_updated_timestamp') return row.last_update_time;
    return (row as unknown as Record<string, string | null>)[key] ?? undefined;
  };
  const matched = rows.filter((row) => matchesAll(row, clauses, valueOf));
  const offset = pageOffset(optionalString(fields, 'page_token'));
  const page = matched.slice(offset, offset + max).map((row) => modelJson(ctx, row));
  return { models: page, ...(offset + max < matched.length ? { next_page_token: pageToken(offset + max) } : {}) };
}
