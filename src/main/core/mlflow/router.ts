import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BenchtopError } from '../../../shared/errors';
import { openRunFile } from '../runs/runFiles';
import { artifactSegments, findArtifact, listArtifacts, locate, writeArtifact } from './artifactStore';
import { type Fields, type MlflowContext, optionalString } from './context';
import * as experiments from './experimentHandlers';
import * as models from './loggedModels';
import { invalidParameter, MlflowError } from './mlflowErrors';
import { listRegistryArtifacts, sendRegistryArtifact } from './registryArtifacts';
import { REGISTRY_ROUTES } from './registryHandlers';
import { discardBody, queryFields, readJson, tooLarge } from './requestBody';
import * as runs from './runHandlers';
import { appendRunEvents } from '../runs/sdkRuns';

type JsonHandler = (ctx: MlflowContext, fields: Fields) => unknown;

/** The MLflow REST calls served, by "METHOD path-after-/api/2.0/mlflow/" (mlflow/protos/service.proto). */
const ROUTES: Record<string, JsonHandler> = {
  'GET experiments/get': experiments.getExperiment,
  'GET experiments/get-by-name': experiments.getExperimentByName,
  'POST experiments/create': experiments.createExperiment,
  'POST experiments/search': experiments.searchExperiments,
  'GET experiments/search': experiments.searchExperiments,
  'POST experiments/set-experiment-tag': experiments.setExperimentTag,
  'POST runs/create': runs.createRun,
  'POST runs/update': runs.updateRun,
  'GET runs/get': runs.getRun,
  'POST runs/search': runs.searchRuns,
  'POST runs/log-metric': runs.logMetric,
  'POST runs/log-parameter': runs.logParam,
  'POST runs/log-batch': runs.logBatchCall,
  'POST runs/set-tag': runs.setTag,
  'POST runs/delete-tag': runs.removeTag,
  'POST runs/log-inputs': runs.logInputs,
  'POST runs/outputs': runs.logOutputs,
  'POST runs/log-model': logModelHistory,
  'GET metrics/get-history': runs.metricHistory,
  'GET artifacts/list': listRunArtifacts,
  'POST logged-models': models.createLoggedModel,
  'POST logged-models/search': models.searchLoggedModels,
  ...REGISTRY_ROUTES,
};

/** Routes with ids in the path: [method, pattern, handler]; the pattern's groups become fields. */
const PATTERN_ROUTES: [string, RegExp, string[], JsonHandler][] = [
  ['GET', /^logged-models\/([^/]+)$/, ['model_id'], models.getLoggedModel],
  ['PATCH', /^logged-models\/([^/]+)$/, ['model_id'], models.finalizeLoggedModel],
  ['PATCH', /^logged-models\/([^/]+)\/tags$/, ['model_id'], models.setLoggedModelTags],
  ['DELETE', /^logged-models\/([^/]+)\/tags\/([^/]+)$/, ['model_id', 'tag_key'], models.deleteLoggedModelTag],
  ['POST', /^logged-models\/([^/]+)\/params$/, ['model_id'], models.logLoggedModelParams],
];

export const API_PREFIXES = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'];
export const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts/artifacts', '/ajax-api/2.0/mlflow-artifacts/artifacts'];

export interface RouterLimits {
  /** The largest JSON body (bytes). */
  jsonBytes: number;
  /** The largest artifact upload (bytes), streamed to disk. */
  artifactBytes: number;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: MlflowError): void {
  sendJson(res, error.status, error.toJSON());
}

/** MLflow's error for anything this endpoint does not serve, naming the call. */
function notServed(method: string, path: string): MlflowError {
  return new MlflowError(
    'ENDPOINT_NOT_FOUND',
    `Benchtop's MLflow endpoint does not support ${method} ${path}. It serves experiments, runs, metrics, params, ` +
      'tags, logged models, artifacts and the model registry (see README, "MLflow tracking").',
  );
}

/** Handler errors as MLflow's: our own, Benchtop's (mapped by meaning), anything else a 500 (logged). */
export function asMlflowError(err: unknown, log: (line: string) => void, what: string): MlflowError {
  if (err instanceof MlflowError) return err;
  if (err instanceof BenchtopError) {
    const text = err.hint ? `${err.message} ${err.hint}` : err.message;
    if (err.code === 'NOT_FOUND') return new MlflowError('RESOURCE_DOES_NOT_EXIST', text);
    if (err.code === 'ALREADY_EXISTS') return new MlflowError('RESOURCE_ALREADY_EXISTS', text);
    if (err.code !== 'INTERNAL' && err.code !== 'DISK_FULL') return new MlflowError('INVALID_PARAMETER_VALUE', text);
  }
  log(`error answering ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return new MlflowError('INTERNAL_ERROR', 'The MLflow endpoint failed to answer this request (see the run log).');
}

/** Routes one admitted request (token and Host already checked; `path` starts at /api/ or /ajax-api/). */
export async function route(
  ctx: MlflowContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  limits: RouterLimits,
): Promise<void> {
  const method = req.method ?? 'GET';
  const artifactPrefix = ARTIFACT_PREFIXES.find((p) => path === p || path.startsWith(`${p}/`));
  if (artifactPrefix) return artifacts(ctx, req, res, method, path.slice(artifactPrefix.length), query, limits);
  const prefix = API_PREFIXES.find((p) => path.startsWith(p));
  const call = prefix ? path.slice(prefix.length).replace(/\/+$/, '') : null;
  let handler = call !== null ? ROUTES[`${method} ${call}`] : undefined;
  const pathFields: Fields = {};
  if (!handler && call !== null)
    for (const [m, pattern, names, h] of PATTERN_ROUTES) {
      const match = m === method ? pattern.exec(call) : null;
      if (!match) continue;
      names.forEach((name, i) => (pathFields[name] = decodeURIComponent(match[i + 1] as string)));
      handler = h;
      break;
    }
  if (!handler) throw notServed(method, path);
  // The client sends GET's fields as a query string and every other method's as JSON, DELETE included.
  const bodiless = method === 'GET';
  if (bodiless && !(await discardBody(req, limits.jsonBytes))) throw tooLarge(limits.jsonBytes);
  const fields = bodiless ? queryFields(query) : { ...queryFields(query), ...(await readJson(req, limits.jsonBytes)) };
  sendJson(res, 200, await handler(ctx, { ...fields, ...pathFields }));
}

/** mlflow-artifacts: PUT uploads a file, GET downloads one, GET with ?path= lists a folder. */
async function artifacts(
  ctx: MlflowContext,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  rest: string,
  query: URLSearchParams,
  limits: RouterLimits,
): Promise<void> {
  if (method !== 'PUT' && !(await discardBody(req, limits.jsonBytes))) throw tooLarge(limits.jsonBytes);
  if (method === 'GET' && (rest === '' || rest === '/')) {
    const segments = artifactSegments(query.get('path') ?? '');
    if (segments.length < 2) return sendJson(res, 200, {});
    const files =
      segments[0] === 'registry' ? listRegistryArtifacts(ctx, segments) : await listArtifacts(locate(ctx, segments));
    return sendJson(res, 200, files.length ? { files } : {});
  }
  const segments = artifactSegments(rest);
  if (segments[0] === 'registry') {
    if (method === 'GET') return sendRegistryArtifact(ctx, segments, res);
    throw invalidParameter("A registered model version's files are read-only (mlflow-artifacts:/registry/...).");
  }
  if (method === 'PUT') {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.artifactBytes)
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `The artifact is over the limit of ${limits.artifactBytes} bytes.`,
        413,
      );
    await writeArtifact(ctx, locate(ctx, segments), req, limits.artifactBytes);
    return sendJson(res, 200, {});
  }
  if (method !== 'GET') throw notServed(method, `/api/2.0/mlflow-artifacts/artifacts${rest}`);
  const location = locate(ctx, segments);
  let fd: number;
  let size: number;
  if (location.runId) {
    const opened = openRunFile(ctx.paths.runDir(location.runId), `files/uploads/${location.uploadsRel}`);
    fd = opened.fd;
    size = opened.size;
  } else {
    const real = await findArtifact(location);
    if (!real || !fs.statSync(real).isFile())
      throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No artifact ${location.rel}.`);
    fd = fs.openSync(real, 'r');
    size = fs.fstatSync(fd).size;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  const stream = fs.createReadStream('', { fd, autoClose: true });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** The pre-3 artifacts/list (run_id, path), answered from the same files as mlflow-artifacts. */
async function listRunArtifacts(ctx: MlflowContext, fields: Fields) {
  const run = ctx.run(fields.run_id ?? fields.run_uuid);
  const rel = optionalString(fields, 'path') ?? '';
  const files = await listArtifacts(locate(ctx, ['runs', run.id, ...artifactSegments(rel)]));
  return {
    root_uri: `mlflow-artifacts:/runs/${run.id}`,
    files: files.map((f) => ({ ...f, path: rel ? `${rel.replace(/\/+$/, '')}/${f.path}` : f.path })),
  };
}

/** runs/log-model (MLflow 2's record of a logged model): kept in the mlflow.log-model.history tag, as MLflow does. */
function logModelHistory(ctx: MlflowContext, fields: Fields) {
  const run = ctx.run(fields.run_id);
  const modelJson = optionalString(fields, 'model_json');
  if (!modelJson) throw invalidParameter("Missing value for required parameter 'model_json'.");
  let model: unknown;
  try {
    model = JSON.parse(modelJson);
  } catch {
    throw invalidParameter('model_json is not valid JSON.');
  }
  if (!model || typeof model !== 'object' || Array.isArray(model))
    throw invalidParameter('model_json must be a JSON object.');
  let history: unknown[];
  try {
    const had = JSON.parse(ctx.folds.get(run.id).tags['mlflow.log-model.history'] ?? '[]') as unknown;
    history = Array.isArray(had) ? had : [];
  } catch {
    history = [];
  }
  history.push(model);
  let text: string;
  try {
    text = JSON.stringify(history);
  } catch {
    throw invalidParameter('model_json is nested too deeply to keep.'); // JSON.stringify's recursion ran out
  }
  appendRunEvents(ctx.paths.runDir(run.id), [{ type: 'tags', tags: { 'mlflow.log-model.history': text } }]);
  return {};
}
