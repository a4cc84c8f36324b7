import type { RunRow } from '../runs/runStore';
import { RunStore } from '../runs/runStore';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { MlflowExperiments } from './experiments';
import { describeValue, doesNotExist, invalidParameter } from './mlflowErrors';
import { RunFolds } from './runView';

/** What every handler works with: the workspace, and which run (if any) this server belongs to. */
export class MlflowContext {
  readonly store: RunStore;
  readonly experiments: MlflowExperiments;
  readonly folds: RunFolds;
  /** Top-level runs made through this server and not ended yet: they end with the server's run. */
  readonly openRuns = new Set<string>();

  constructor(
    readonly db: Db,
    readonly paths: WorkspacePaths,
    /** The supervisor's own run (per-run server), or null for the workspace server. */
    readonly ownRunId: string | null,
    readonly log: (line: string) => void,
  ) {
    this.store = new RunStore(db);
    this.experiments = new MlflowExperiments(db);
    this.folds = new RunFolds(paths);
  }

  run(id: unknown): RunRow {
    const runId = requireString({ run_id: id }, 'run_id');
    const row = this.store.get(runId);
    if (!row) throw doesNotExist(`Run with id=${runId} not found`);
    return row;
  }
}

/** A request's fields: the JSON body, or for GET the query string (what the MLflow client sends). */
export type Fields = Record<string, unknown>;

/** A string field that must be there: absent, null and '' are all missing to MLflow. */
export function requireString(fields: Fields, name: string): string {
  const value = optionalString(fields, name);
  if (value === undefined || value === '')
    throw invalidParameter(
      `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    );
  return value;
}

export function optionalString(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw invalidParameter(
      `Invalid value ${describeValue(value)} for parameter '${name}' supplied: a string is expected.`,
    );
  return value;
}

/** An int64: protobuf's JSON writes it as a number or a string of digits. */
export function optionalInteger(fields: Fields, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw invalidParameter(
      `Invalid value ${describeValue(value)} for parameter '${name}' supplied: an integer is expected.`,
    );
  return n;
}

export function optionalList(fields: Fields, name: string): unknown[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value]; // one repeated query parameter
  if (!Array.isArray(value))
    throw invalidParameter(`Invalid value for parameter '${name}' supplied: a list is expected.`);
  return value;
}

/** [{key, value}] pairs (tags, params) as protobuf sends them. */
export function keyValues(fields: Fields, name: string): { key: string; value: string }[] {
  return optionalList(fields, name).map((item, i) => {
    if (!item || typeof item !== 'object')
      throw invalidParameter(`${name}[${i}] must be an object with key and value.`);
    const entry = item as Fields;
    const key = requireString(entry, 'key');
    const value = entry.value === undefined || entry.value === null ? '' : entry.value;
    if (typeof value !== 'string') throw invalidParameter(`${name}[${i}].value must be a string.`);
    return { key, value };
  });
}
