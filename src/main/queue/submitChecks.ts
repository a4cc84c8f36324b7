import type { RunResources } from '../../shared/api/runTypes';
import { BenchtopError } from '../../shared/errors';
import type { Db } from '../core/workspace/database';
import { readSettings } from '../core/workspace/settings';
import { cpuSlots, detectGpus, type Gpu, readDetectedCapacity } from './capacity';
import { liveOwnerPid } from './ownerLock';

/** The GPUs the queue schedules on: the live owner's record (what it detected), else detected here now. */
export function knownGpus(root: string): Gpu[] {
  const recorded = readDetectedCapacity(root);
  if (recorded && recorded.ownerPid === liveOwnerPid(root)) return recorded.gpus;
  return detectGpus();
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Refuses at submit a run that could never start: more CPU slots or GPUs than the queue has at all, or a pool run
 * with no pool. (A run that fits waits its turn instead.) GPUs are looked up only when asked for.
 */
export function checkRequestFits(db: Db, root: string, resources: RunResources, pool: boolean): void {
  const settings = readSettings(db);
  const slots = cpuSlots(settings);
  if (resources.cpus !== undefined && resources.cpus > slots && !pool)
    throw new BenchtopError(
      'BAD_INPUT',
      `The run asks for ${plural(resources.cpus, 'CPU slot')}, but the queue has ${slots}.`,
      `Ask for at most ${slots} (--cpus ${slots}), or give the queue more: benchtop queue settings --cpus ${resources.cpus}.`,
    );
  if (pool) {
    if (settings.dockerPool.length === 0)
      throw new BenchtopError(
        'BAD_INPUT',
        'The run asks for the Docker pool, but no pool is set up.',
        'Add engines first: benchtop docker pool add URL --slots N (the local one too, e.g. unix:///var/run/docker.sock).',
      );
    if (resources.gpus)
      throw new BenchtopError(
        'BAD_INPUT',
        "A pool run cannot ask for GPUs: the queue gives out this machine's GPUs, and a pool run may go to any engine.",
        "Leave out --gpus, or submit it without --pool (--target docker) to use this machine's GPUs.",
      );
    return;
  }
  if (!resources.gpus) return;
  const gpus = knownGpus(root);
  if (resources.gpus > gpus.length)
    throw new BenchtopError(
      'BAD_INPUT',
      gpus.length === 0
        ? `The run asks for ${plural(resources.gpus, 'GPU')}, but this machine has none (nvidia-smi is not on PATH or lists no GPU).`
        : `The run asks for ${plural(resources.gpus, 'GPU')}, but this machine has ${gpus.length} (GPU ${gpus.map((g) => g.index).join(', ')}).`,
      gpus.length === 0
        ? 'Submit it without --gpus (or --gpus 0), or on a machine with NVIDIA GPUs and their driver.'
        : `Ask for at most ${gpus.length} (--gpus ${gpus.length}).`,
    );
}
