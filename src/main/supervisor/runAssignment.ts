import fs from 'node:fs';
import path from 'node:path';
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
  let parsed: { gpus?: unknown; engine?: unknown } = {};
  try {
    const value = JSON.parse(row?.assigned || '{}') as unknown;
    if (value && typeof value === 'object') parsed = value as typeof parsed;
  } catch {
    // A malformed column reads as no assignment.
  }
  return {
    gpus: Array.isArray(parsed.gpus) ? parsed.gpus.filter((g): g is number => Number.isInteger(g) && g >= 0) : null,
    engine: typeof parsed.engine === 'string' && parsed.engine ? parsed.engine : null,
  };
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

/**
 * The submitter's environment, kept for the run while it waits in the queue: the run sees the variables of the
 * shell or app that submitted it (as before the queue), not those of whichever process started the queue owner.
 * Owner-only (0600), and removed by the supervisor as soon as it has read it.
 */
const SUBMIT_ENV_FILE = 'submit-env.json';

export function writeSubmitEnvironment(runDir: string, env: NodeJS.ProcessEnv): void {
  const file = path.join(runDir, SUBMIT_ENV_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(env), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Reads and removes the submitter's environment; null for a run without one (from before the queue). */
export function takeSubmitEnvironment(runDir: string): NodeJS.ProcessEnv | null {
  const file = path.join(runDir, SUBMIT_ENV_FILE);
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as NodeJS.ProcessEnv) : null;
  } catch {
    return null;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Makes the submitter's environment this supervisor's own (a standby one was started ahead with the queue owner's),
 * so the engine it reaches, the keys it finds and the script's variables are the submitter's, as before the queue.
 */
export function adoptSubmitEnvironment(runDir: string): void {
  const submitted = takeSubmitEnvironment(runDir);
  if (!submitted) return;
  const keep = { ELECTRON_RUN_AS_NODE: process.env.ELECTRON_RUN_AS_NODE };
  for (const key of Object.keys(process.env)) if (!(key in submitted)) delete process.env[key];
  Object.assign(process.env, submitted);
  if (keep.ELECTRON_RUN_AS_NODE !== undefined) process.env.ELECTRON_RUN_AS_NODE = keep.ELECTRON_RUN_AS_NODE;
}

/** A run canceled in the queue never starts: its kept environment goes now. */
export function dropSubmitEnvironment(runDir: string): void {
  fs.rmSync(path.join(runDir, SUBMIT_ENV_FILE), { force: true });
}
