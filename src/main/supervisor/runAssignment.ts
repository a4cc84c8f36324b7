import type { Db } from '../core/workspace/database';

/** What the queue gave a run when it started it (runs.assigned): GPU indices and, for a pool run, the engine. */
export interface RunAssignment {
  /** GPU indices for this run alone; null: the queue assigned none (a run from before the queue). */
  gpus: number[] | null;
  /** The Docker engine's URL for a pool run; null: the workspace's engine. */
  engine: string | null;
}

/** The run's assignment, read once when its supervisor starts. */
export function readAssignment(db: Db, runId: string): RunAssignment {
  const row = db.prepare('SELECT assigned FROM runs WHERE id = ?').get(runId) as { assigned?: string } | undefined;
  let parsed: { gpus?: number[]; engine?: string } = {};
  try {
    parsed = JSON.parse(row?.assigned || '{}') as typeof parsed;
  } catch {
    // A malformed column reads as no assignment.
  }
  return { gpus: Array.isArray(parsed.gpus) ? parsed.gpus : null, engine: parsed.engine ?? null };
}

/**
 * The variables that give a process run only its GPUs: CUDA_VISIBLE_DEVICES (what CUDA, PyTorch and TensorFlow
 * read) and NVIDIA_VISIBLE_DEVICES (what the NVIDIA container toolkit reads, for a script that starts containers).
 * "" hides every GPU from a run that asked for none on a GPU machine. No assignment (a machine without GPUs, a run
 * from before the queue): the environment is left as it is.
 */
export function gpuEnvironment(assignment: RunAssignment): Record<string, string> {
  if (!assignment.gpus) return {};
  const visible = assignment.gpus.join(',');
  return { CUDA_VISIBLE_DEVICES: visible, NVIDIA_VISIBLE_DEVICES: visible };
}
