import type { QueueEntry, QueueState } from '../../shared/api/sweepTypes';
import { BenchtopError } from '../../shared/errors';
import type { Core } from '../core/core';
import type { RunRow } from '../core/runs/runStore';
import { ensureQueueOwner } from './ensureQueueOwner';
import { liveOwnerPid } from './ownerLock';
import { schedulerInputs } from './queueInputs';
import { gpusWanted, schedule } from './scheduler';
import { knownGpus } from './submitChecks';
import { readDetectedCapacity } from './capacity';
import { readEngineHealth } from './engineHealth';

/** queue.list: the capacity, then the runs the queue started (running) and the queued ones in start order. */
export function queueState(core: Core): QueueState {
  const root = core.paths.root;
  // A queued run with no owner (killed, the machine restarted) gets one now (its pid, while it starts up).
  const pid = core.runs.store.hasQueued() ? ensureQueueOwner(root) : liveOwnerPid(root);
  const recorded = readDetectedCapacity(root);
  const gpus = pid && recorded?.ownerPid === pid ? recorded.gpus : knownGpus(root);
  const store = core.runs.store;
  const inputs = schedulerInputs(core.db, store, gpus);
  // The owner's answers from its pings (this process does not ping: `benchtop queue` stays instant).
  inputs.capacity.unusableEngines = readEngineHealth(root, pid);
  const { waiting } = schedule(inputs.queued, inputs.active, inputs.capacity);
  const activeRows = store.claimedUnfinished();
  const queuedRows = store.queued();
  const engines = inputs.capacity.engines.map((e) => ({
    url: e.url,
    slots: e.slots,
    used: inputs.active.filter((r) => r.engine === e.url).length,
  }));
  return {
    owner: { alive: pid !== null, pid },
    capacity: {
      cpus: inputs.capacity.cpus,
      gpus: gpus.map((g) => ({ index: g.index, name: g.name, memoryMb: g.memoryMb })),
      maxConcurrentRuns: inputs.capacity.maxConcurrentRuns,
      engines,
    },
    entries: [
      ...activeRows.map((row, i) => entry(row, null, null, inputs.active[i]!)),
      ...queuedRows.map((row, i) => {
        const run = inputs.queued[i]!;
        // A child inside its parent's slot that asked for none shares its parent's GPUs: it takes none of its own.
        const gpusAsked = run.invalid || (run.insideParent && run.gpus === null) ? 0 : gpusWanted(run, inputs.capacity);
        return entry(row, i + 1, waiting[row.id] ?? null, { cpus: run.cpus, gpus: [], engine: null }, gpusAsked);
      }),
    ],
  };
}

function entry(
  row: RunRow,
  position: number | null,
  waiting: string | null,
  held: { cpus: number; gpus: number[]; engine: string | null },
  gpusAsked = held.gpus.length,
): QueueEntry {
  return {
    runId: row.id,
    experiment: row.experiment,
    status: row.status,
    priority: row.priority,
    position,
    cpus: held.cpus,
    gpus: gpusAsked,
    assignedGpus: held.gpus,
    engine: held.engine,
    sweepId: row.parent_target === 'sweep' ? row.parent_run_id : null,
    waiting,
    queuedAt: row.created_at,
  };
}

/** queue.setPriority: a queued run moves; a started one keeps its place (refused, with why). */
export function setQueuePriority(core: Core, runId: string, priority: number): QueueEntry {
  const row = core.runs.store.get(runId);
  if (!row) throw new BenchtopError('NOT_FOUND', `No run "${runId}".`, 'See `benchtop queue` for the queued runs.');
  if (!core.runs.store.setPriority(runId, priority))
    throw new BenchtopError(
      'BAD_INPUT',
      `Run ${runId} is not waiting in the queue (it is ${row.status}${row.queue_claimed_at ? ', started by the queue' : ''}): its priority no longer changes anything.`,
      'Only a queued run can be moved: see `benchtop queue`.',
    );
  const found = queueState(core).entries.find((e) => e.runId === runId);
  if (!found)
    throw new BenchtopError('NOT_FOUND', `Run ${runId} left the queue.`, 'See `benchtop run show ' + runId + '`.');
  return found;
}
