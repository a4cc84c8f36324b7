import { decodeValue, type RunEvent, type RunMetrics, type ScalarPoint } from '../../../shared/api/runEvents';
import { FINAL_STATUSES, type RunStatusName } from '../../../shared/api/runStatus';
import { appendRunEvents } from '../runs/sdkRuns';
import type { RunRow } from '../runs/runStore';
import { type Fields, type MlflowContext, optionalInteger, requireString } from './context';
import { describeValue, invalidParameter, MlflowError } from './mlflowErrors';

/**
 * Writes from MLflow calls, into the run's events file exactly as run.log writes (so they are live in the UI and
 * in `benchtop run metrics`): metrics as 'scalar' lines with MLflow's timestamp as t, params as 'params' lines,
 * tags as 'tags' lines. One append per request, however many values it carries.
 */

// MLflow's own limits (mlflow/utils/validation.py).
const MAX_KEY = 250;
const MAX_PARAM_VALUE = 6000;
const MAX_TAG_VALUE = 8000;
const KEY_PATTERN = /^[/\w.\- :]*$/;

type Scalar = Extract<RunEvent, { type: 'scalar' }>;

function checkKey(key: string, what: string): void {
  if (key.length > MAX_KEY)
    throw invalidParameter(
      `${what} name '${key.slice(0, 40)}...' is ${key.length} characters; the limit is ${MAX_KEY}.`,
    );
  if (!KEY_PATTERN.test(key) || key.split('/').includes('..') || key.startsWith('/'))
    throw invalidParameter(
      `Invalid ${what.toLowerCase()} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), ` +
        'periods (.), spaces ( ), colon(:) and slashes (/), and may not be or contain a path such as "..".',
    );
}

/** A double as protobuf's JSON sends it: a number, or "NaN" / "Infinity" / "-Infinity" (or a numeric string). */
function metricValue(raw: unknown, key: string): number | { $float: string } {
  const n = typeof raw === 'string' ? (raw === 'NaN' ? Number.NaN : Number(raw)) : raw;
  if (typeof n !== 'number' || (Number.isNaN(n) && raw !== 'NaN' && !(typeof raw === 'number')))
    throw invalidParameter(`Got invalid value ${describeValue(raw)} for metric '${key}' (a number is expected).`);
  if (Number.isNaN(n)) return { $float: 'NaN' };
  if (!Number.isFinite(n)) return { $float: n > 0 ? 'Infinity' : '-Infinity' };
  return n;
}

export function metricRecord(fields: Fields): Omit<Scalar, 't'> & { t: number } {
  const key = requireString(fields, 'key');
  checkKey(key, 'Metric');
  if (fields.value === undefined || fields.value === null)
    throw invalidParameter(`Missing value for required parameter 'value' of metric '${key}'.`);
  const timestamp = optionalInteger(fields, 'timestamp');
  if (timestamp === undefined)
    throw invalidParameter(`Missing value for required parameter 'timestamp' of metric '${key}'.`);
  return {
    type: 'scalar',
    name: key,
    value: metricValue(fields.value, key),
    step: optionalInteger(fields, 'step') ?? 0,
    t: timestamp / 1000,
  };
}

function stringField(fields: Fields, what: string, limit: number): { key: string; value: string } {
  const key = requireString(fields, 'key');
  checkKey(key, what);
  const value = fields.value ?? '';
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    throw invalidParameter(`${what} '${key}' has a value that is not a string.`);
  const text = String(value);
  if (text.length > limit)
    throw invalidParameter(`${what} '${key}' is ${text.length} characters long; the limit is ${limit}.`);
  return { key, value: text };
}

function alreadyLogged(
  points: ScalarPoint[] | undefined,
  record: { step?: unknown; t: number; value: unknown },
): boolean {
  const value =
    typeof record.value === 'object' && record.value !== null ? decodeValue(record.value) : (record.value as number);
  return (points ?? []).some(
    (p) =>
      p.step === record.step &&
      Math.round(p.t * 1000) === Math.round(record.t * 1000) &&
      (p.value === value || (Number.isNaN(p.value) && Number.isNaN(value))),
  );
}

export interface Batch {
  metrics?: Fields[];
  params?: Fields[];
  tags?: Fields[];
}

/** log-batch, and every single-value call through it: validated whole first, then one append. */
export function logBatch(ctx: MlflowContext, row: RunRow, batch: Batch): void {
  const records: Parameters<typeof appendRunEvents>[1] = [];
  // The fold (what the run holds already) is read only when needed: a metrics-only batch is one append.
  let folded: RunMetrics | null = null;
  const current = () => (folded ??= ctx.folds.get(row.id));
  for (const metric of batch.metrics ?? []) {
    const record = metricRecord(metric);
    // log_model logs the step's metrics again with the model's id; MLflow's store keeps one copy of a metric
    // (same key, step, timestamp and value), and so does Benchtop.
    if (metric.model_id !== undefined && alreadyLogged(current().scalars[record.name], record)) continue;
    records.push(record);
  }
  const params: Record<string, string> = {};
  for (const entry of batch.params ?? []) {
    const { key, value } = stringField(entry, 'Param', MAX_PARAM_VALUE);
    const had = current().params[key] ?? params[key];
    if (had !== undefined && had !== value)
      throw invalidParameter(
        `Changing param values is not allowed. Param with key='${key}' was already logged with value='${had}' ` +
          `for run ID='${row.id}'. Attempted logging new value '${value}'.`,
      );
    params[key] = value;
  }
  const fresh = Object.entries(params).filter(([k]) => current().params[k] === undefined);
  if (fresh.length) records.push({ type: 'params', params: Object.fromEntries(fresh) });
  const tags: Record<string, string> = {};
  for (const entry of batch.tags ?? []) {
    const { key, value } = stringField(entry, 'Tag', MAX_TAG_VALUE);
    tags[key] = value;
  }
  if (Object.keys(tags).length) records.push({ type: 'tags', tags });
  appendRunEvents(ctx.paths.runDir(row.id), records);
  // The params column merges (runStore), so the new names alone keep it whole, live or after the run ended.
  if (fresh.length) ctx.store.update(row.id, { params: JSON.stringify(Object.fromEntries(fresh)) });
  if (Object.keys(tags).length) afterTags(ctx, row, tags);
}

/** Tags are columns too (the run list filters on them); mlflow.runName is the run's display name. */
function afterTags(ctx: MlflowContext, row: RunRow, tags: Record<string, string>): void {
  const folded = ctx.folds.get(row.id);
  const fields: Partial<RunRow> = { tags: JSON.stringify(folded.tags) };
  if (tags['mlflow.runName'] !== undefined) fields.display_name = tags['mlflow.runName'];
  ctx.store.update(row.id, fields);
}

export function deleteTag(ctx: MlflowContext, row: RunRow, key: string): void {
  const current = ctx.folds.get(row.id);
  if (current.tags[key] === undefined)
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${row.id}`);
  appendRunEvents(ctx.paths.runDir(row.id), [{ type: 'tags', tags: {}, removed: [key] }]);
  ctx.store.update(row.id, { tags: JSON.stringify(ctx.folds.get(row.id).tags) });
}

/** MLflow's end states as Benchtop's. */
export function benchtopStatus(status: string): 'Completed' | 'Failed' | 'Canceled' | 'Running' {
  switch (status) {
    case 'FINISHED':
      return 'Completed';
    case 'FAILED':
      return 'Failed';
    case 'KILLED':
      return 'Canceled';
    case 'RUNNING':
    case 'SCHEDULED':
      return 'Running';
  }
  throw invalidParameter(
    `Invalid value ${describeValue(status)} for parameter 'status': use RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.`,
  );
}

export function isFinal(status: string): boolean {
  return FINAL_STATUSES.has(status as RunStatusName);
}
