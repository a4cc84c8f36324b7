import { FINAL_STATUSES } from '../../../shared/api/runTypes';
import { processAlive } from '../builds/buildLock';
import { removeRunContainer } from '../docker/containerRun';
import { DockerEngine } from '../docker/dockerEngine';
import { MLFLOW_TARGET } from '../mlflowImport/runImport';
import { SWEEP_TARGET } from '../sweeps/sweepTarget';
import type { Db } from '../workspace/database';
import { nowIso } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';
import { readAssignment } from '../../supervisor/runAssignment';
import { finalizeRunFiles } from './finalizeRunFiles';
import type { RunStore } from './runStore';
import { finishChildren, reconcileSdkRun, SDK_TARGET } from './sdkRuns';

/** How long a started run may go without a supervisor pid before it counts as lost. */
const SUPERVISOR_START_GRACE_MS = 30_000;

/**
 * A run that is not finished but whose supervisor is gone is marked Failed with the reason; never left Running.
 * A queued run (not claimed by the queue yet) is never lost: it waits for the queue owner however long.
 */
export function reconcileSupervisedRun(
  ctx: { db: Db; store: RunStore; paths: WorkspacePaths; docker: DockerEngine },
  id: string,
): void {
  const { store, paths } = ctx;
  const row = store.get(id);
  if (!row || FINAL_STATUSES.has(row.status)) return;
  if (row.target === SDK_TARGET) return reconcileSdkRun(store, paths, row.id);
  // An imported run has no supervisor: its MLflow store owns its status, and importing again brings it up to date.
  if (row.target === MLFLOW_TARGET) return;
  // A sweep's parent run has no supervisor: the queue owner's sweep driver ends it.
  if (row.target === SWEEP_TARGET) return;
  if (row.status === 'Queued' && !row.queue_claimed_at && !row.supervisor_pid) return;
  // The grace counts from when the queue started it (runs from before the queue: from their submit).
  const age = Date.now() - Date.parse(row.queue_claimed_at ?? row.created_at);
  const lost = row.supervisor_pid ? !processAlive(row.supervisor_pid) : age > SUPERVISOR_START_GRACE_MS;
  if (!lost) return;
  // Re-read: the supervisor may have finished between the two reads.
  const again = store.get(id);
  if (!again || FINAL_STATUSES.has(again.status)) return;
  store.update(id, {
    status: 'Failed',
    reason:
      'The run stopped unexpectedly: its Benchtop supervisor process is gone (killed, or the machine restarted). ' +
      'Its outputs and logs so far are kept (`benchtop run download`, the Files tab).',
    ended_at: nowIso(),
  });
  // What the script wrote so far is still in the working copy: keep it as a finished run keeps it.
  // A container, if any, would run on with nobody to collect it: stop it first, so it writes no more.
  // (Best effort here, where any read of the run lands: filesOf does it again and reports a failure.)
  const keep = () => {
    try {
      finalizeRunFiles(paths.runDir(id));
    } catch {
      // filesOf retries, with the error.
    }
  };
  if (again.target === 'docker') {
    // A pool run's container is on the engine the queue sent it to.
    const engine = readAssignment(ctx.db, id).engine;
    const docker = engine ? new DockerEngine(ctx.db, engine) : ctx.docker;
    void removeRunContainer(docker, id).then(keep, keep);
  } else keep();
  finishChildren(store, paths, id, 'Failed');
}

/**
 * The run's supervisor pid. The queue records it a moment after it claims the run: a cancel landing in between
 * waits for it (at most about a second), so the cancel is not lost.
 */
export function supervisorPid(store: RunStore, id: string): number | null {
  for (let wait = 0; ; wait++) {
    const row = store.get(id);
    if (!row || row.supervisor_pid || !row.queue_claimed_at || FINAL_STATUSES.has(row.status) || wait >= 40)
      return row?.supervisor_pid ?? null;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
  }
}
