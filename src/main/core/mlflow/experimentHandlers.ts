import {
  type Fields,
  type MlflowContext,
  keyValues,
  optionalInteger,
  optionalList,
  optionalString,
  requireString,
} from './context';
import type { MlflowExperiment } from './experiments';
import { doesNotExist, invalidParameter } from './mlflowErrors';
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

const EXPERIMENT_ATTRIBUTES: AttributeKeys = {
  strings: new Set(['name', 'experiment_id']),
  numbers: new Set(['creation_time', 'last_update_time']),
};

export function getExperiment(ctx: MlflowContext, fields: Fields) {
  return { experiment: ctx.experiments.byId(requireString(fields, 'experiment_id')) };
}

export function getExperimentByName(ctx: MlflowContext, fields: Fields) {
  const name = requireString(fields, 'experiment_name');
  const experiment = ctx.experiments.byName(name);
  if (!experiment) throw doesNotExist(`Could not find experiment with name '${name}'`);
  return { experiment };
}

export function createExperiment(ctx: MlflowContext, fields: Fields) {
  return { experiment_id: ctx.experiments.create(fields.name, keyValues(fields, 'tags')) };
}

export function setExperimentTag(ctx: MlflowContext, fields: Fields) {
  const id = requireString(fields, 'experiment_id');
  const { key, value } = keyValues({ tags: [{ key: fields.key, value: fields.value }] }, 'tags')[0] as {
    key: string;
    value: string;
  };
  ctx.experiments.setTag(id, key, value);
  return {};
}

/** experiments/search: filter on name, ids, times and tags; order_by; pages. */
export function searchExperiments(ctx: MlflowContext, fields: Fields) {
  const clauses = parseSearchFilter(optionalString(fields, 'filter'), EXPERIMENT_ATTRIBUTES);
  const orderBy = optionalList(fields, 'order_by').map((o) => parseOrderBy(String(o), EXPERIMENT_ATTRIBUTES));
  const max = optionalInteger(fields, 'max_results') ?? 1000;
  if (max < 1 || max > 50_000) throw invalidParameter(`Invalid value ${max} for parameter 'max_results' supplied.`);
  if (optionalString(fields, 'view_type') === 'DELETED_ONLY') return {};
  const valueOf = (e: MlflowExperiment, type: EntityType, key: string): string | number | undefined => {
    if (type === 'tag') return e.tags.find((t) => t.key === key)?.value;
    if (type === 'attribute') return (e as unknown as Record<string, string | number>)[key];
    return undefined;
  };
  for (const clause of clauses)
    if (clause.type === 'metric' || clause.type === 'parameter')
      throw invalidParameter(
        `Experiments have no ${clause.type}s: filter on name, creation_time, last_update_time or tags.`,
      );
  const matched = ctx.experiments.all().filter((e) => matchesAll(e, clauses, valueOf));
  const sorted = sortBy(
    matched,
    orderBy,
    valueOf,
    (a, b) => b.last_update_time - a.last_update_time || Number(b.experiment_id) - Number(a.experiment_id),
  );
  const offset = pageOffset(optionalString(fields, 'page_token'));
  const page = sorted.slice(offset, offset + max);
  return {
    ...(page.length ? { experiments: page } : {}),
    ...(offset + max < sorted.length ? { next_page_token: pageToken(offset + max) } : {}),
  };
}
