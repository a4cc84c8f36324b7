import type { ModelRecord } from '../../../shared/api/modelTypes';
import { BuildService } from '../builds/buildService';
import { EnvironmentService } from '../environments/environmentService';
import { EventBus } from '../events';
import { JobManager } from '../jobs/jobManager';
import { checkModelName } from '../models/modelRules';
import { ModelService } from '../models/modelService';
import { RunService } from '../runs/runService';
import {
  type Fields,
  type MlflowContext,
  keyValues,
  optionalInteger,
  optionalList,
  optionalString,
  requireString,
} from './context';
import { doesNotExist, invalidParameter, MlflowError } from './mlflowErrors';
import { resolveVersionSource } from './registrySources';
import { canonicalStage, RegistryStore, versionNumber } from './registryStore';
import {
  type AttributeKeys,
  type EntityType,
  matchesAll,
  pageOffset,
  pageToken,
  parseOrderBy,
  parseSearchFilter,
  sortBy,
} from './searchFilter';

/**
 * MLflow's model-registry calls (mlflow/protos/model_registry.proto, as mlflow/store/model_registry/rest_store.py
 * sends them) on Benchtop's model registry: a version is made by Benchtop's model service from the run's files
 * (MLmodel read, files stored by content, linked to the run), and its number is Benchtop's.
 */

interface Registry {
  store: RegistryStore;
  models: ModelService;
}

const registries = new WeakMap<MlflowContext, Registry>();

/** Made on the first registry call: the tracking server's other calls never need the model service. */
function registry(ctx: MlflowContext): Registry {
  let found = registries.get(ctx);
  if (!found) {
    const bus = new EventBus();
    const jobs = new JobManager(ctx.db, ctx.paths, bus);
    const builds = new BuildService(ctx.db, ctx.paths, jobs);
    const runs = new RunService(ctx.db, ctx.paths, new EnvironmentService(ctx.db, builds, bus), bus, builds);
    found = { store: new RegistryStore(ctx.db), models: new ModelService(ctx.db, ctx.paths, jobs, runs, bus) };
    registries.set(ctx, found);
  }
  return found;
}

function tagObject(fields: Fields): Record<string, string> {
  return Object.fromEntries(keyValues(fields, 'tags').map((t) => [t.key, t.value]));
}

/** A tag's key and value from set-tag's flat fields. */
function oneTag(fields: Fields): { key: string; value: string } {
  const key = requireString(fields, 'key');
  const value = fields.value === undefined || fields.value === null ? '' : fields.value;
  if (typeof value !== 'string') throw invalidParameter("Parameter 'value' must be a string.");
  return { key, value };
}

function requireVersion(ctx: MlflowContext, fields: Fields): ModelRecord {
  const { store } = registry(ctx);
  const name = requireString(fields, 'name');
  const version = versionNumber(fields.version);
  store.requireRegistered(name);
  return store.version(name, version);
}

// Registered models

export function createRegisteredModel(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const name = checkModelName(requireString(fields, 'name'));
  if (store.exists(name))
    throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
  store.create(name, optionalString(fields, 'description') ?? null, tagObject(fields));
  return { registered_model: store.registeredJson(name) };
}

export function getRegisteredModel(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const name = requireString(fields, 'name');
  store.requireRegistered(name);
  return { registered_model: store.registeredJson(name) };
}

export function updateRegisteredModel(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const name = requireString(fields, 'name');
  store.update(name, { description: optionalString(fields, 'description') ?? '' });
  return { registered_model: store.registeredJson(name) };
}

export function renameRegisteredModel(ctx: MlflowContext, fields: Fields) {
  const name = requireString(fields, 'name');
  registry(ctx).store.requireRegistered(name);
  throw invalidParameter(
    `Benchtop's model names are fixed once registered (services and runs name ${name}:<version>), so it cannot be ` +
      'renamed. Register its versions under the new name instead (`benchtop model download` then `model register`).',
  );
}

/** Deletes every version through Benchtop's model service (which refuses one a service uses), then the name. */
export function deleteRegisteredModel(ctx: MlflowContext, fields: Fields) {
  const { store, models } = registry(ctx);
  const name = requireString(fields, 'name');
  store.requireRegistered(name);
  // All or nothing: a version a service uses keeps every version (the model service would refuse it midway).
  const inUse = store.versions(name).flatMap((v) => models.store.usedBy(name, v.version).map((s) => `${s} (${v.id})`));
  if (inUse.length)
    throw invalidParameter(
      `Registered model ${name} is used by the service${inUse.length > 1 ? 's' : ''} ${inUse.join(', ')}: delete ` +
        'those services (or update them to another model) first; nothing was deleted.',
    );
  for (const record of store.versions(name)) {
    models.delete(name, record.version);
    store.forgetVersion(name, record.version);
  }
  store.forget(name);
  return {};
}

export function setRegisteredModelTag(ctx: MlflowContext, fields: Fields) {
  const name = requireString(fields, 'name');
  const { key, value } = oneTag(fields);
  registry(ctx).store.update(name, { tags: (tags) => (tags[key] = value) });
  return {};
}

export function deleteRegisteredModelTag(ctx: MlflowContext, fields: Fields) {
  const name = requireString(fields, 'name');
  const key = requireString(fields, 'key');
  registry(ctx).store.update(name, { tags: (tags) => delete tags[key] });
  return {};
}

const REGISTERED_ATTRIBUTES: AttributeKeys = {
  strings: new Set(['name']),
  numbers: new Set(['creation_timestamp', 'last_updated_timestamp']),
};

type Json = Record<string, unknown>;

const IS_PROMPT = 'mlflow.prompt.is_prompt';

/**
 * A tag's value. The client adds `tags.\`mlflow.prompt.is_prompt\` != 'true'` to every registered-model search (to
 * leave prompts out), and MLflow's own stores count a model without the tag as not a prompt: so do we.
 */
function tagValue(entity: Json, key: string): string | undefined {
  const value = (entity.tags as { key: string; value: string }[]).find((t) => t.key === key)?.value;
  return value === undefined && key === IS_PROMPT ? 'false' : value;
}

/** search_registered_models: filter on name (=, !=, LIKE, ILIKE) and tags; order by name or the timestamps. */
export function searchRegisteredModels(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const clauses = parseSearchFilter(optionalString(fields, 'filter'), REGISTERED_ATTRIBUTES);
  const orderBy = optionalList(fields, 'order_by').map((o) => parseOrderBy(String(o), REGISTERED_ATTRIBUTES));
  const max = optionalInteger(fields, 'max_results') ?? 100;
  if (max < 1 || max > 1000)
    throw invalidParameter(`Invalid value for max_results. It must be at most 1000, but got value ${max}`);
  const valueOf = (e: Json, type: EntityType, key: string): string | number | undefined =>
    type === 'tag' ? tagValue(e, key) : type === 'attribute' ? (e[key] as string | number) : undefined;
  const all = store.names().map((name) => store.registeredJson(name) as unknown as Json);
  const matched = all.filter((e) => matchesAll(e, clauses, valueOf));
  const sorted = sortBy(matched, orderBy, valueOf, (a, b) => (String(a.name) < String(b.name) ? -1 : 1));
  const offset = pageOffset(optionalString(fields, 'page_token'));
  const page = sorted.slice(offset, offset + max);
  return {
    ...(page.length ? { registered_models: page } : {}),
    ...(offset + max < sorted.length ? { next_page_token: pageToken(offset + max) } : {}),
  };
}

export function getLatestVersions(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const name = requireString(fields, 'name');
  store.requireRegistered(name);
  const stages = optionalList(fields, 'stages').map(String);
  const versions = store.latestVersions(name, stages).map((v) => store.versionJson(v));
  return versions.length ? { model_versions: versions } : {};
}

// Model versions

export async function createModelVersion(ctx: MlflowContext, fields: Fields) {
  const { store, models } = registry(ctx);
  const name = requireString(fields, 'name');
  const sourceUri = requireString(fields, 'source');
  store.requireRegistered(name);
  const source = resolveVersionSource(ctx, sourceUri, optionalString(fields, 'model_id'));
  const runId = optionalString(fields, 'run_id');
  if (runId && source.runId && runId !== source.runId)
    throw invalidParameter(`The source ${sourceUri} is in run ${source.runId}, not in run_id ${runId}.`);
  const registered = await models.register({
    name,
    path: source.path,
    ...(source.runId ? { runId: source.runId } : {}),
    tags: tagObject(fields),
    description: optionalString(fields, 'description'),
  });
  for (const warning of registered.warnings ?? []) ctx.log(`model ${name}:${registered.version}: ${warning}`);
  store.recordVersion(name, registered.version, sourceUri, source.modelId);
  return { model_version: store.versionJson(store.version(name, registered.version)) };
}

export function getModelVersion(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  return { model_version: store.versionJson(requireVersion(ctx, fields)) };
}

export function updateModelVersion(ctx: MlflowContext, fields: Fields) {
  const { store, models } = registry(ctx);
  const record = requireVersion(ctx, fields);
  const description = optionalString(fields, 'description');
  if (description !== undefined) models.update({ name: record.name, version: record.version, description });
  store.touchVersion(record);
  return { model_version: store.versionJson(store.version(record.name, record.version)) };
}

export function deleteModelVersion(ctx: MlflowContext, fields: Fields) {
  const { store, models } = registry(ctx);
  const record = requireVersion(ctx, fields);
  models.delete(record.name, record.version);
  store.forgetVersion(record.name, record.version);
  return {};
}

export function transitionModelVersionStage(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const record = requireVersion(ctx, fields);
  const stage = canonicalStage(requireString(fields, 'stage'));
  const archiveOthers = fields.archive_existing_versions === true || fields.archive_existing_versions === 'true';
  if (archiveOthers && (stage === 'Staging' || stage === 'Production'))
    for (const other of store.versions(record.name))
      if (other.version !== record.version && store.stageOf(other) === stage) store.setStage(other, 'Archived');
  store.setStage(record, stage);
  return { model_version: store.versionJson(store.version(record.name, record.version)) };
}

export function setModelVersionTag(ctx: MlflowContext, fields: Fields) {
  const { store, models } = registry(ctx);
  const record = requireVersion(ctx, fields);
  const { key, value } = oneTag(fields);
  models.update({ name: record.name, version: record.version, addTags: { [key]: value } });
  store.touchVersion(record);
  return {};
}

export function deleteModelVersionTag(ctx: MlflowContext, fields: Fields) {
  const { store, models } = registry(ctx);
  const record = requireVersion(ctx, fields);
  models.update({ name: record.name, version: record.version, removeTags: [requireString(fields, 'key')] });
  store.touchVersion(record);
  return {};
}

/** Where the client downloads a version from: Benchtop's stored files of it, through mlflow-artifacts. */
export function getModelVersionDownloadUri(ctx: MlflowContext, fields: Fields) {
  const record = requireVersion(ctx, fields);
  return { artifact_uri: registryArtifactUri(record) };
}

export function registryArtifactUri(record: ModelRecord): string {
  return `mlflow-artifacts:/registry/${encodeURIComponent(record.name)}/${record.version}`;
}

const VERSION_ATTRIBUTES: AttributeKeys = {
  strings: new Set(['name', 'run_id', 'source', 'source_path', 'version', 'current_stage', 'model_id']),
  numbers: new Set(['creation_timestamp', 'last_updated_timestamp', 'version_number']),
};

/** search_model_versions: filter on name, version, run_id, source, tags; newest first unless ordered. */
export function searchModelVersions(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const clauses = parseSearchFilter(optionalString(fields, 'filter'), VERSION_ATTRIBUTES);
  const orderBy = optionalList(fields, 'order_by').map((o) => parseOrderBy(String(o), VERSION_ATTRIBUTES));
  const max = optionalInteger(fields, 'max_results') ?? 200_000;
  if (max < 1 || max > 200_000)
    throw invalidParameter(`Invalid value for max_results. It must be at most 200000, but got value ${max}`);
  const nameClause = clauses.find((c) => c.type === 'attribute' && c.key === 'name' && c.comparator === '=');
  const names = typeof nameClause?.value === 'string' ? [nameClause.value] : store.names();
  const all = names.flatMap((name) => store.versions(name).map((v) => store.versionJson(v) as unknown as Json));
  const valueOf = (e: Json, type: EntityType, key: string): string | number | undefined => {
    if (type === 'tag') return tagValue(e, key);
    if (type !== 'attribute') return undefined;
    if (key === 'version_number') return Number(e.version);
    if (key === 'source_path') return e.source as string;
    return e[key] as string | number | undefined;
  };
  const matched = all.filter((e) => matchesAll(e, clauses, valueOf));
  const sorted = sortBy(
    matched,
    orderBy.map((o) => (o.key === 'version' ? { ...o, key: 'version_number' } : o)),
    valueOf,
    (a, b) =>
      Number(b.last_updated_timestamp) - Number(a.last_updated_timestamp) ||
      (String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0) ||
      Number(b.version) - Number(a.version),
  );
  const offset = pageOffset(optionalString(fields, 'page_token'));
  const page = sorted.slice(offset, offset + max);
  return {
    ...(page.length ? { model_versions: page } : {}),
    ...(offset + max < sorted.length ? { next_page_token: pageToken(offset + max) } : {}),
  };
}

// Aliases

const ALIAS = /^[\w-]{1,255}$/;

export function setRegisteredModelAlias(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const record = requireVersion(ctx, fields);
  const alias = requireString(fields, 'alias');
  if (!ALIAS.test(alias) || /^v\d+$/i.test(alias) || alias.toLowerCase() === 'latest')
    throw invalidParameter(
      `Invalid alias name '${alias.slice(0, 100)}': use letters, digits, "_" or "-", and not "latest" or v<number> ` +
        '(they name versions in models:/ URIs).',
    );
  store.setAlias(record.name, alias, record.version);
  return {};
}

export function deleteRegisteredModelAlias(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const name = requireString(fields, 'name');
  store.requireRegistered(name);
  store.deleteAlias(name, requireString(fields, 'alias'));
  return {};
}

export function getModelVersionByAlias(ctx: MlflowContext, fields: Fields) {
  const { store } = registry(ctx);
  const name = requireString(fields, 'name');
  const alias = requireString(fields, 'alias');
  store.requireRegistered(name);
  const record = store.aliasTarget(name, alias);
  if (!record) throw doesNotExist(`Registered model alias ${alias} not found.`);
  return { model_version: store.versionJson(record) };
}

/** "METHOD path" -> handler, as model_registry.proto routes them. */
export const REGISTRY_ROUTES: Record<string, (ctx: MlflowContext, fields: Fields) => unknown> = {
  'POST registered-models/create': createRegisteredModel,
  'GET registered-models/get': getRegisteredModel,
  'PATCH registered-models/update': updateRegisteredModel,
  'POST registered-models/rename': renameRegisteredModel,
  'DELETE registered-models/delete': deleteRegisteredModel,
  'GET registered-models/search': searchRegisteredModels,
  'POST registered-models/get-latest-versions': getLatestVersions,
  'GET registered-models/get-latest-versions': getLatestVersions,
  'POST registered-models/set-tag': setRegisteredModelTag,
  'DELETE registered-models/delete-tag': deleteRegisteredModelTag,
  'POST registered-models/alias': setRegisteredModelAlias,
  'DELETE registered-models/alias': deleteRegisteredModelAlias,
  'GET registered-models/alias': getModelVersionByAlias,
  'POST model-versions/create': createModelVersion,
  'GET model-versions/get': getModelVersion,
  'PATCH model-versions/update': updateModelVersion,
  'DELETE model-versions/delete': deleteModelVersion,
  'POST model-versions/transition-stage': transitionModelVersionStage,
  'GET model-versions/search': searchModelVersions,
  'GET model-versions/get-download-uri': getModelVersionDownloadUri,
  'POST model-versions/set-tag': setModelVersionTag,
  'DELETE model-versions/delete-tag': deleteModelVersionTag,
};
