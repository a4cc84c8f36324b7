import type { Command } from 'commander';
import type { SubmitRun } from '../../../shared/api/runTypes';
import { BenchtopError } from '../../../shared/errors';

export interface QueueFlags {
  priority?: string;
  cpus?: string;
  gpus?: string;
  pool?: boolean;
}

/** The queue's flags of `run submit` (and of other commands that submit runs). */
export function addQueueFlags(command: Command): Command {
  return command
    .option('--priority <n>', 'queue priority: higher starts first, equal ones in submit order (default 0)')
    .option('--cpus <n>', 'CPU slots the run takes in the queue (default 1)')
    .option('--gpus <n>', 'GPUs for the run alone (CUDA_VISIBLE_DEVICES); default 1 on a GPU machine, else 0')
    .option(
      '--pool',
      'a container run on whichever engine of the Docker pool has a free slot (implies --target docker)',
    );
}

function wholeNumber(value: string | undefined, flag: string, example: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^-?\d+$/.test(text) || Number(text) < min)
    throw new BenchtopError(
      'BAD_INPUT',
      `${flag} takes a whole number${min > -1000 ? ` from ${min}` : ''}; got "${value}".`,
      `E.g. ${flag} ${example}.`,
    );
  return Number(text);
}

/** What the flags ask of runs.submit (priority, resources, pool). */
export function queueRequest(flags: QueueFlags): Pick<SubmitRun, 'priority' | 'resources' | 'pool'> {
  const priority = wholeNumber(flags.priority, '--priority', '5', -1000);
  const cpus = wholeNumber(flags.cpus, '--cpus', '2', 1);
  const gpus = wholeNumber(flags.gpus, '--gpus', '1', 0);
  return {
    ...(priority !== undefined ? { priority } : {}),
    ...(cpus !== undefined || gpus !== undefined
      ? { resources: { ...(cpus !== undefined ? { cpus } : {}), ...(gpus !== undefined ? { gpus } : {}) } }
      : {}),
    ...(flags.pool ? { pool: true } : {}),
  };
}
