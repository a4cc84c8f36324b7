import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { RunStatusName } from '../../../shared/api/runStatus';
import { RunStore } from '../runs/runStore';
import { finishSdkRun } from '../runs/sdkRuns';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { MlflowExperiments } from './experiments';
import { createTrackingServer, type TrackingServer } from './trackingServer';

/**
 * A run's own MLflow endpoint, started by its supervisor before the script: on 127.0.0.1 with a fresh token,
 * and the variables that point the MLflow client at it and attach mlflow.start_run() to the Benchtop run.
 * Loaded lazily by the supervisor (it is not needed before the script starts).
 */
export interface RunTracking {
  /** MLFLOW_TRACKING_URI, _TOKEN, MLFLOW_RUN_ID, MLFLOW_EXPERIMENT_NAME and _ID for the script. */
  env: Record<string, string>;
  token: string;
  /** Serves the same run on a unix socket too (a container reaches the run's folder, not the host's ports). */
  listenOnSocket(socketPath: string): Promise<void>;
  /** Ends the runs the script made through MLflow and left open (with the run's outcome), then stops serving. */
  close(status: RunStatusName): Promise<void>;
}

/**
 * A standby supervisor's warm-up (it waits for a run with everything loaded): the first listen on a TCP port
 * costs about 9 ms of lazy set-up in Node, paid here instead of between submit and the script's start.
 */
export async function warmRunTracking(): Promise<void> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => {
    probe.once('error', () => resolve());
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

export async function startRunTracking(
  db: Db,
  paths: WorkspacePaths,
  runId: string,
  experiment: string,
  log: (line: string) => void,
): Promise<RunTracking> {
  const token = randomBytes(24).toString('hex');
  const options = { db, paths, tokens: new Set([token]), runId, log };
  const servers: TrackingServer[] = [createTrackingServer(options)];
  const main = servers[0] as TrackingServer;
  await new Promise<void>((resolve, reject) => {
    main.server.once('error', reject);
    main.server.listen(0, '127.0.0.1', () => resolve());
  });
  const experimentId = new MlflowExperiments(db).idFor(experiment);
  // MLflow's client refuses other run ids (mlflow/utils/validation.py, _RUN_ID_REGEX): a run of an experiment
  // named with a "." gets no MLFLOW_RUN_ID, so start_run() makes a run of its own instead of failing.
  const attachable = /^[a-zA-Z0-9][\w-]{0,255}$/.test(runId);
  if (!attachable)
    log(
      `the run id ${runId} has characters MLflow's client refuses in a run id (only letters, digits, "_" and "-"), ` +
        'so mlflow.start_run() makes a new run in this experiment instead of logging to this one.',
    );
  return {
    token,
    env: {
      MLFLOW_TRACKING_URI: main.url(),
      MLFLOW_TRACKING_TOKEN: token,
      ...(attachable ? { MLFLOW_RUN_ID: runId } : {}),
      MLFLOW_EXPERIMENT_NAME: experiment,
      MLFLOW_EXPERIMENT_ID: experimentId,
    },
    async listenOnSocket(socketPath) {
      fs.rmSync(socketPath, { force: true });
      const extra = createTrackingServer(options);
      servers.push(extra);
      await new Promise<void>((resolve, reject) => {
        extra.server.once('error', reject);
        extra.server.listen(socketPath, () => resolve());
      });
    },
    async close(status) {
      const store = new RunStore(db);
      const final = status === 'Completed' ? 'Completed' : status === 'Canceled' ? 'Canceled' : 'Failed';
      for (const id of new Set(servers.flatMap((s) => s.openRuns()))) {
        const row = store.get(id);
        if (row && !['Completed', 'Failed', 'Canceled'].includes(row.status))
          finishSdkRun(store, paths, row, final, final === 'Completed' ? null : `Ended with run ${runId} (${status}).`);
      }
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
