import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { applyRunEvents, emptyMetrics, type RunEvent, type RunMetrics } from '../../../shared/api/runEvents';
import { FINAL_STATUSES, type RunStatusName as RunStatus } from '../../../shared/api/runStatus';
import { BenchtopError } from '../../../shared/errors';
import { processAlive } from '../builds/buildLock';
import { nowIso } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';
import { readRunEvents } from './readRunEvents';
import type { RunRow, RunStore } from './runStore';

/**
 * Runs made from Python rather than from a script: interactive runs (Experiment.start_logging),
 * child runs (run.child_run, run.create_children) and the changes Python makes to any run (tags,
 * properties, display name). Such a run has target "sdk", no supervisor, and the Python process
 * that logs to it in supervisor_pid. Python appends its metrics to the run's events file itself,
 * as a script does; this module keeps the database's summary of them.
 *
 * Kept to fs, path and the store: the run supervisor loads it to end a script's children.
 */

export const SDK_TARGET = 'sdk';

/** An event before it is stamped with its time. */
type NewEvent = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 't'> : never) : never;

/** The run's events as one fold (tags, properties, metrics, files). */
export function foldRunEvents(runDir: string): RunMetrics {
  return applyRunEvents(emptyMetrics(), readRunEvents(path.join(runDir, 'events.jsonl')).events);
}

/** The last value of each scalar: the run list's metric columns. */
export function metricSummary(metrics: RunMetrics): Record<string, number | string | boolean | null> {
  const out: Record<string, number | string | boolean | null> = {};
  for (const [name, points] of Object.entries(metrics.scalars)) {
    const last = points[points.length - 1]?.value ?? null;
    out[name] = typeof last === 'number' && !Number.isFinite(last) ? String(last) : last;
  }
  return out;
}

/** The database columns that mirror the events file: every writer of a fold's columns goes through here. */
export function summaryColumns(
  metrics: RunMetrics,
): Pick<RunRow, 'metrics' | 'tags' | 'properties'> & Required<Pick<RunRow, 'params'>> {
  return {
    metrics: JSON.stringify(metricSummary(metrics)),
    tags: JSON.stringify(metrics.tags),
    properties: JSON.stringify(metrics.properties),
    params: JSON.stringify(metrics.params),
  };
}

/**
 * Appends records to a run's events file as the Python writer does: whole lines in one write, so concurrent
 * writers never mix. A record's own `t` (an MLflow metric's timestamp) is kept; the others get now.
 */
export function appendRunEvents(runDir: string, records: (NewEvent & { t?: number })[]): void {
  if (records.length === 0) return;
  const t = Date.now() / 1000;
  fs.mkdirSync(runDir, { recursive: true });
  fs.appendFileSync(path.join(runDir, 'events.jsonl'), records.map((r) => `${JSON.stringify({ t, ...r })}\n`).join(''));
}

/** Initial tags and properties, as the first lines of a new run's events file. */
export function initialEvents(tags?: Record<string, string>, properties?: Record<string, string>): NewEvent[] {
  const out: NewEvent[] = [];
  if (tags && Object.keys(tags).length) out.push({ type: 'tags', tags });
  if (properties && Object.keys(properties).length) out.push({ type: 'properties', properties });
  return out;
}

export interface NewSdkRun {
  experiment: string;
  runId?: string;
  parent: RunRow | null;
  displayName?: string;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  ownerPid?: number;
  status: 'NotStarted' | 'Running';
  tagKey?: string;
  tagValues?: string[];
  /** Copies the snapshot into the new run's folder (the caller applies the snapshot rules). */
  snapshot?: (runDir: string) => void;
}

/** Creates one run, or one per tag value (create_children); returns their ids in order. */
export function createSdkRuns(store: RunStore, paths: WorkspacePaths, input: NewSdkRun): string[] {
  const each = input.tagValues ? input.tagValues.map((v) => ({ [input.tagKey ?? '']: v })) : [{}];
  if (input.tagValues && !input.tagKey)
    throw new BenchtopError('BAD_INPUT', 'tag_values need a tag_key.', 'Give both, or count=N.');
  if (input.runId && each.length > 1)
    throw new BenchtopError('BAD_INPUT', 'A run id can be given for one run only.', 'Leave the id out.');
  if (input.runId && store.get(input.runId))
    throw new BenchtopError('ALREADY_EXISTS', `A run "${input.runId}" exists already.`, 'Give another run id.');
  const ids: string[] = [];
  const created = nowIso();
  store.transaction(() => {
    let index = input.parent ? store.children(input.parent.id).length : 0;
    for (const extra of each) {
      const id =
        input.runId ??
        (input.parent
          ? `${input.parent.id}_${index++}`
          : `${input.experiment}_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`);
      const tags = { ...(input.tags ?? {}), ...extra };
      store.insert({
        id,
        experiment: input.parent?.experiment ?? input.experiment,
        status: input.status,
        script: '',
        arguments: '[]',
        environment: input.parent?.environment ?? '',
        build_key: null,
        target: SDK_TARGET,
        source_dir: '',
        max_duration_s: null,
        created_at: created,
        started_at: input.status === 'Running' ? created : null,
        parent_run_id: input.parent?.id ?? null,
        display_name: input.displayName ?? null,
        description: input.description ?? null,
        tags: JSON.stringify(tags),
        properties: JSON.stringify(input.properties ?? {}),
        supervisor_pid: input.ownerPid ?? null,
      });
      ids.push(id);
    }
  });
  for (const [i, id] of ids.entries()) {
    const dir = paths.runDir(id);
    fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
    appendRunEvents(dir, initialEvents({ ...(input.tags ?? {}), ...each[i] }, input.properties));
    input.snapshot?.(dir);
  }
  return ids;
}

export interface RunChanges {
  tags?: Record<string, string>;
  removeTags?: string[];
  properties?: Record<string, string>;
  displayName?: string;
  description?: string;
  start?: boolean;
}

/**
 * Tags (mutable), properties (add-only: a key keeps its first value, as in Azure) and names.
 * Tags and properties go to the events file, which stays the record; the columns follow it.
 */
export function updateRun(store: RunStore, paths: WorkspacePaths, row: RunRow, changes: RunChanges): void {
  const dir = paths.runDir(row.id);
  const current = foldRunEvents(dir);
  for (const [key, value] of Object.entries(changes.properties ?? {})) {
    const had = current.properties[key];
    if (had !== undefined && had !== value)
      throw new BenchtopError(
        'BAD_INPUT',
        `Property ${JSON.stringify(key)} is already set to ${JSON.stringify(had)}; properties cannot be changed.`,
        'Properties are add-only; use a tag for a value that changes.',
      );
  }
  const records: NewEvent[] = [];
  if (changes.tags && Object.keys(changes.tags).length) records.push({ type: 'tags', tags: changes.tags });
  if (changes.removeTags?.length) records.push({ type: 'tags', tags: {}, removed: changes.removeTags });
  if (changes.properties && Object.keys(changes.properties).length)
    records.push({ type: 'properties', properties: changes.properties });
  appendRunEvents(dir, records);
  const folded = records.length ? foldRunEvents(dir) : current;
  const fields: Partial<RunRow> = {};
  if (records.length) {
    fields.tags = JSON.stringify(folded.tags);
    fields.properties = JSON.stringify(folded.properties);
  }
  if (changes.displayName !== undefined) fields.display_name = changes.displayName;
  if (changes.description !== undefined) fields.description = changes.description;
  if (changes.start && row.status === 'NotStarted') {
    fields.status = 'Running';
    fields.started_at = nowIso();
  }
  store.update(row.id, fields);
}

/**
 * Ends a run made from Python: its metrics summary from the events file, the files of
 * `outputsDirectory` as its outputs/ (start_logging's outputs), the status and the reason.
 */
export function finishSdkRun(
  store: RunStore,
  paths: WorkspacePaths,
  row: RunRow,
  status: 'Completed' | 'Failed' | 'Canceled',
  error?: string | null,
  outputsDirectory?: string,
): void {
  const dir = paths.runDir(row.id);
  if (outputsDirectory && fs.statSync(outputsDirectory, { throwIfNoEntry: false })?.isDirectory())
    fs.cpSync(outputsDirectory, path.join(dir, 'outputs'), { recursive: true, force: true });
  const folded = foldRunEvents(dir);
  store.update(row.id, {
    ...summaryColumns(folded),
    status,
    reason: error ?? (status === 'Canceled' ? 'Canceled.' : null),
    started_at: row.started_at ?? nowIso(),
    ended_at: nowIso(),
  });
  finishChildren(store, paths, row.id, status);
}

/**
 * A run's unfinished children end with it: children a script made and did not complete get the
 * script's outcome (Completed, Failed or Canceled), and so do theirs.
 */
export function finishChildren(store: RunStore, paths: WorkspacePaths, parentId: string, status: RunStatus): void {
  for (const child of store.children(parentId)) {
    if (FINAL_STATUSES.has(child.status)) continue;
    if (child.target !== SDK_TARGET) continue; // a submitted child run has its own supervisor
    const final = status === 'Completed' ? 'Completed' : status === 'Canceled' ? 'Canceled' : 'Failed';
    finishSdkRun(
      store,
      paths,
      child,
      final,
      final === 'Completed' ? null : `Ended with its parent run ${parentId} (${status}).`,
    );
  }
}

/**
 * A run made from Python whose process is gone without completing it is marked Failed. A child
 * of an unfinished run is left to its parent, which ends its children when it ends (a script's
 * children stay open until the script's supervisor has finished).
 */
export function reconcileSdkRun(store: RunStore, paths: WorkspacePaths, id: string): void {
  const row = store.get(id);
  if (!row || FINAL_STATUSES.has(row.status) || !row.supervisor_pid || processAlive(row.supervisor_pid)) return;
  const parent = row.parent_run_id ? store.get(row.parent_run_id) : undefined;
  if (parent && !FINAL_STATUSES.has(parent.status)) return;
  finishSdkRun(
    store,
    paths,
    row,
    'Failed',
    `The Python process that logged to this run (pid ${row.supervisor_pid}) ended without completing it ` +
      '(run.complete(), or `with experiment.start_logging() as run:`).',
  );
}
