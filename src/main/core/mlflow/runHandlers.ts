import { randomBytes } from 'node:crypto';
import { appendRunEvents, createSdkRuns, finishSdkRun, SDK_TARGET } from '../runs/sdkRuns';
import type { RunRow } from '../runs/runStore';
import {
  type Fields,
  type MlflowContext,
  keyValues,
  optionalInteger,
  optionalList,
  optionalString,
  requireString,
} from './context';
import { doesNotExist, invalidParameter } from './mlflowErrors';
import { benchtopStatus, deleteTag, isFinal, logBatch } from './runWrites';
import { latestMetrics, metricJson, numericValue, runInfoJson, runJson, runTags } from './runView';
import {
  type EntityType,
  matchesAll,
  pageOffset,
  pageToken,
  parseOrderBy,
  parseSearchFilter,
  sortBy,
} from './searchFilter';

const SEARCH_MAX_RESULTS = 50_000;
const DATASET_FIELDS = ['name', 'digest', 'source_type', 'source', 'schema', 'profile'];

function experimentIdOf(ctx: MlflowContext, row: RunRow): string {
  return ctx.experiments.idFor(row.experiment);
}

export function getRun(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id ?? fields.run_uuid);
  return { run: runJson(ctx.db, row, ctx.folds.get(row.id), experimentIdOf(ctx, row)) };
}

/** An id MLflow's client accepts (^[a-zA-Z0-9][\w\-]{0,255}$) in Benchtop's shape: experiment_time_random. */
function newRunId(experiment: string): string {
  const stem = experiment.replace(/[^\w-]/g, '_').replace(/^[^a-zA-Z0-9]+/, '') || 'run';
  return `${stem.slice(0, 200)}_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
}

/**
 * runs/create: a run with tag mlflow.parentRunId becomes that run's child run; any other is a new top-level run
 * of the experiment. Both are Benchtop "sdk" runs owned by this process, ended by runs/update (or with the
 * supervisor's run, if the script never ends them).
 */
export function createRun(ctx: MlflowContext, fields: Fields) {
  const tags = Object.fromEntries(keyValues(fields, 'tags').map((t) => [t.key, t.value]));
  const runName = optionalString(fields, 'run_name') ?? tags['mlflow.runName'];
  if (runName) tags['mlflow.runName'] = runName;
  const parentId = tags['mlflow.parentRunId'];
  const parent = parentId ? (ctx.store.get(parentId) ?? null) : null;
  if (parentId && !parent) throw doesNotExist(`Run with id=${parentId} not found (the mlflow.parentRunId tag).`);
  const experiment = ctx.experiments.byId(fields.experiment_id ?? '0');
  if (parent && ctx.experiments.idFor(parent.experiment) !== experiment.experiment_id)
    throw invalidParameter(
      `The parent run ${parent.id} is in experiment ${ctx.experiments.idFor(parent.experiment)}, not ${experiment.experiment_id}: ` +
        'a child run stays in its parent run experiment.',
    );
  const [id] = createSdkRuns(ctx.store, ctx.paths, {
    experiment: experiment.name,
    runId: parent ? undefined : newRunId(experiment.name),
    parent,
    displayName: runName,
    tags,
    ownerPid: process.pid,
    status: 'Running',
  });
  const row = ctx.store.get(id as string) as RunRow;
  if (!parent) ctx.openRuns.add(row.id);
  return { run: runJson(ctx.db, row, ctx.folds.get(row.id), experiment.experiment_id) };
}

/**
 * runs/update. A run Benchtop supervises (a submitted script's) ends when its script exits, never early: an
 * end requested through MLflow is recorded (FAILED/KILLED as the script marking its run failed, as run.fail()
 * does) and the supervisor applies it then. Runs made through MLflow end here.
 */
export function updateRun(ctx: MlflowContext, fields: Fields) {
  let row = ctx.run(fields.run_id ?? fields.run_uuid);
  const status = optionalString(fields, 'status');
  const runName = optionalString(fields, 'run_name');
  optionalInteger(fields, 'end_time'); // validated; Benchtop stamps its own end time
  if (runName) {
    appendRunEvents(ctx.paths.runDir(row.id), [{ type: 'tags', tags: { 'mlflow.runName': runName } }]);
    ctx.store.update(row.id, { display_name: runName, tags: JSON.stringify(ctx.folds.get(row.id).tags) });
  }
  if (status) {
    const wanted = benchtopStatus(status);
    if (row.target !== SDK_TARGET) {
      if (wanted === 'Failed' || wanted === 'Canceled')
        appendRunEvents(ctx.paths.runDir(row.id), [
          { type: 'status', status: 'Failed', error: `MLflow ended the run with status ${status}.` },
        ]);
    } else if (wanted === 'Running') {
      if (isFinal(row.status) || row.status === 'NotStarted')
        ctx.store.update(row.id, {
          status: 'Running',
          ended_at: null,
          started_at: row.started_at ?? new Date().toISOString(),
        });
    } else {
      finishSdkRun(
        ctx.store,
        ctx.paths,
        row,
        wanted,
        wanted === 'Failed' ? `MLflow ended the run with status ${status}.` : null,
      );
      ctx.openRuns.delete(row.id);
    }
    row = ctx.store.get(row.id) as RunRow;
  }
  return { run_info: runInfoJson(row, ctx.folds.get(row.id), experimentIdOf(ctx, row)) };
}

export function logMetric(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id ?? fields.run_uuid);
  logBatch(ctx, row, { metrics: [fields] });
  return {};
}

export function logParam(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id ?? fields.run_uuid);
  logBatch(ctx, row, { params: [fields] });
  return {};
}

export function setTag(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id ?? fields.run_uuid);
  logBatch(ctx, row, { tags: [fields] });
  return {};
}

export function removeTag(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id);
  deleteTag(ctx, row, requireString(fields, 'key'));
  return {};
}

function objects(fields: Fields, name: string): Fields[] {
  return optionalList(fields, name).map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw invalidParameter(`${name}[${i}] must be an object.`);
    return item as Fields;
  });
}

export function logBatchCall(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id);
  logBatch(ctx, row, {
    metrics: objects(fields, 'metrics'),
    params: objects(fields, 'params'),
    tags: objects(fields, 'tags'),
  });
  return {};
}

function addLinks(ctx: MlflowContext, runId: string, kind: string, bodies: unknown[]): void {
  const had = new Set(
    (
      ctx.db.prepare('SELECT body FROM mlflow_run_links WHERE run_id = ? AND kind = ?').all(runId, kind) as {
        body: string;
      }[]
    ).map((r) => r.body),
  );
  const insert = ctx.db.prepare('INSERT INTO mlflow_run_links(run_id, kind, body) VALUES (?, ?, ?)');
  ctx.db.transaction(() => {
    for (const body of bodies) {
      const text = JSON.stringify(body);
      if (!had.has(text)) insert.run(runId, kind, text);
      had.add(text);
    }
  })();
}

/** log-inputs: datasets (name, digest, source...) and model inputs, shown again in runs/get's inputs. */
export function logInputs(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id);
  const datasets = objects(fields, 'datasets').map((input, i) => {
    const dataset = input.dataset as Fields | undefined;
    if (!dataset || typeof dataset !== 'object') throw invalidParameter(`datasets[${i}].dataset is missing.`);
    requireString(dataset, 'name');
    requireString(dataset, 'digest');
    // Only the fields of MLflow's Dataset message, all strings: what is kept and shown again is known in shape.
    const kept = DATASET_FIELDS.flatMap((name) => {
      const value = optionalString(dataset, name);
      return value === undefined ? [] : [[name, value]];
    });
    return { tags: keyValues(input, 'tags'), dataset: Object.fromEntries(kept) as Fields };
  });
  const models = objects(fields, 'models').map((m) => ({ model_id: requireString(m, 'model_id') }));
  addLinks(ctx, row.id, 'dataset', datasets);
  addLinks(ctx, row.id, 'model_input', models);
  return {};
}

/** log-outputs: the logged models a run produced (log_model links each to its run and step). */
export function logOutputs(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id);
  const models = objects(fields, 'models').map((m) => ({
    model_id: requireString(m, 'model_id'),
    step: optionalInteger(m, 'step') ?? 0,
  }));
  addLinks(ctx, row.id, 'model_output', models);
  return {};
}

export function metricHistory(ctx: MlflowContext, fields: Fields) {
  const row = ctx.run(fields.run_id ?? fields.run_uuid);
  const key = requireString(fields, 'metric_key');
  const points = (ctx.folds.get(row.id).scalars[key] ?? []).flatMap((point) => {
    const value = numericValue(point);
    return value === null ? [] : [metricJson(key, point, value)];
  });
  const max = optionalInteger(fields, 'max_results');
  if (max === undefined) return { metrics: points };
  const offset = pageOffset(optionalString(fields, 'page_token'));
  const page = points.slice(offset, offset + max);
  return offset + max < points.length ? { metrics: page, next_page_token: pageToken(offset + max) } : { metrics: page };
}

/** runs/search over the given experiments' runs, with MLflow's filter, order_by and pages. */
export function searchRuns(ctx: MlflowContext, fields: Fields) {
  const ids = optionalList(fields, 'experiment_ids').map(String);
  const clauses = parseSearchFilter(optionalString(fields, 'filter'));
  const orderBy = optionalList(fields, 'order_by').map((o) => parseOrderBy(String(o)));
  const max = optionalInteger(fields, 'max_results') ?? 1000;
  if (max < 1 || max > SEARCH_MAX_RESULTS)
    throw invalidParameter(
      `Invalid value ${max} for parameter 'max_results' supplied: it must be at most ${SEARCH_MAX_RESULTS}.`,
    );
  const viewType = optionalString(fields, 'run_view_type') ?? 'ACTIVE_ONLY';
  if (viewType === 'DELETED_ONLY') return {}; // Benchtop runs are never soft-deleted
  const candidates = ids.flatMap((id) => {
    // An experiment that does not exist has no runs (as in MLflow's stores); a malformed id is still refused.
    const experiment = ctx.experiments.find(id);
    if (!experiment) return [];
    return ctx.store
      .list({ experiment: experiment.name, limit: 1_000_000, offset: 0, sortOrder: 'desc' })
      .rows.map((row) => {
        const metrics = ctx.folds.get(row.id);
        return {
          row,
          metrics,
          experimentId: id,
          latest: latestMetrics(metrics),
          tags: runTags(row, metrics),
          info: runInfoJson(row, metrics, id),
        };
      });
  });
  type Candidate = (typeof candidates)[number];
  const valueOf = (c: Candidate, type: EntityType, key: string): number | string | undefined => {
    if (type === 'metric') return c.latest.get(key)?.value;
    if (type === 'parameter') return c.metrics.params[key];
    if (type === 'tag') return c.tags[key];
    return (c.info as Record<string, number | string | undefined>)[key];
  };
  const matched = candidates.filter((c) => matchesAll(c, clauses, valueOf));
  const sorted = sortBy(matched, orderBy, valueOf, (a, b) =>
    a.info.start_time !== b.info.start_time
      ? (b.info.start_time ?? 0) - (a.info.start_time ?? 0)
      : a.row.id < b.row.id
        ? -1
        : 1,
  );
  const offset = pageOffset(optionalString(fields, 'page_token'));
  const page = sorted.slice(offset, offset + max).map((c) => runJson(ctx.db, c.row, c.metrics, c.experimentId));
  return {
    ...(page.length ? { runs: page } : {}),
    ...(offset + max < sorted.length ? { next_page_token: pageToken(offset + max) } : {}),
  };
}
