import { RunResources } from '../../shared/api/runTypes';
import { SWEEP_TARGET } from '../core/sweeps/sweepTarget';
import type { RunRow, RunStore } from '../core/runs/runStore';
import type { Db } from '../core/workspace/database';
import { readSettings } from '../core/workspace/settings';
import { cpuSlots, type Gpu } from './capacity';
import type { ActiveRun, QueueCapacity, QueuedRun } from './scheduler';

/** Whose trial a run is (a sweep parent's child), and whether it runs inside a script run's slot (submit_child). */
function family(row: RunRow): { sweepId: string | null; insideParent: boolean; parentId: string | null } {
  const parentId = row.parent_run_id;
  if (!parentId) return { sweepId: null, insideParent: false, parentId };
  if (row.parent_target === SWEEP_TARGET) return { sweepId: parentId, insideParent: false, parentId };
  return { sweepId: null, insideParent: true, parentId };
}

/** A queued row as the scheduler sees it; a row whose resources column does not parse is skipped with why. */
export function toQueuedRun(row: RunRow): QueuedRun {
  const base = { id: row.id, pool: row.pool === 1, ...family(row) };
  let asked: RunResources;
  try {
    asked = RunResources.parse(JSON.parse(row.resources || '{}'));
  } catch {
    return {
      ...base,
      cpus: 1,
      gpus: 0,
      invalid: `skipped: its resources column is not valid (${JSON.stringify(row.resources).slice(0, 80)}); cancel it and submit it again`,
    };
  }
  return { ...base, cpus: asked.cpus ?? 1, gpus: asked.gpus ?? null };
}

/** A run's resources column as asked at submit (what a rerun asks again); a malformed one: nothing asked. */
export function askedResources(column: string): RunResources {
  try {
    return RunResources.parse(JSON.parse(column || '{}'));
  } catch {
    return {};
  }
}

/** A started run's hold on slots; a corrupt assigned column holds its CPU slot but no GPU or engine. */
export function toActiveRun(row: RunRow): ActiveRun {
  let cpus = 1;
  let gpus: number[] = [];
  let engine: string | null = null;
  try {
    cpus = RunResources.parse(JSON.parse(row.resources || '{}')).cpus ?? 1;
  } catch {
    // Counted as one slot.
  }
  try {
    const given = JSON.parse(row.assigned || '{}') as { gpus?: unknown; engine?: unknown };
    if (Array.isArray(given.gpus)) gpus = given.gpus.filter((g): g is number => Number.isInteger(g));
    if (typeof given.engine === 'string') engine = given.engine;
  } catch {
    // Nothing held beyond the slot.
  }
  return { id: row.id, cpus, gpus, engine, ...family(row) };
}

/** Each unfinished sweep's max_concurrent_runs, from its stored config (unreadable: no limit). */
export function sweepLimits(db: Db): Record<string, number | null> {
  const rows = db
    .prepare("SELECT id, config FROM sweeps WHERE status NOT IN ('Completed', 'Failed', 'Canceled')")
    .all() as { id: string; config: string }[];
  const limits: Record<string, number | null> = {};
  for (const row of rows) {
    try {
      const limit = (JSON.parse(row.config) as { maxConcurrentRuns?: unknown }).maxConcurrentRuns;
      limits[row.id] = typeof limit === 'number' && limit > 0 ? limit : null;
    } catch {
      limits[row.id] = null;
    }
  }
  return limits;
}

export function queueCapacity(db: Db, gpus: Gpu[]): QueueCapacity {
  const settings = readSettings(db);
  return {
    cpus: cpuSlots(settings),
    gpus: gpus.map((g) => g.index),
    maxConcurrentRuns: settings.queueMaxConcurrentRuns,
    defaultGpus: settings.queueDefaultGpus,
    engines: settings.dockerPool,
    sweepLimits: sweepLimits(db),
  };
}

/** Everything the scheduler reads, in one go. */
export function schedulerInputs(db: Db, store: RunStore, gpus: Gpu[]) {
  return {
    queued: store.queued().map(toQueuedRun),
    active: store.claimedUnfinished().map(toActiveRun),
    capacity: queueCapacity(db, gpus),
  };
}
