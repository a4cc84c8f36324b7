import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import { acquireBuildLock, processAlive } from '../builds/buildLock';
import { bundledScript } from '../bundledScript';
import type { WorkspacePaths } from '../workspace/paths';
import {
  type WorkspaceServerState,
  liveServer,
  lockHolder,
  readServerState,
  workspaceServerFiles,
} from './workspaceServerState';

/** How long a starting server may take to listen (Node + SQLite load in well under a second). */
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * The workspace's MLflow tracking server, started (detached, so it outlives this CLI) when none is
 * alive. Starts are serialised by a lock file, so concurrent callers get the same one server.
 */
export async function ensureWorkspaceServer(
  paths: WorkspacePaths,
): Promise<{ state: WorkspaceServerState; started: boolean }> {
  const alive = await liveServer(paths);
  if (alive) return { state: alive, started: false };
  const files = workspaceServerFiles(paths);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), START_TIMEOUT_MS);
  let release: () => void;
  try {
    release = await acquireBuildLock(files.startLock, controller.signal, () => undefined);
  } catch {
    throw new BenchtopError(
      'INTERNAL',
      'Another `benchtop mlflow-uri` is starting the MLflow tracking server and did not finish in time.',
      `See ${files.log}; run \`benchtop mlflow-uri --stop\`, then try again.`,
    );
  } finally {
    clearTimeout(timer);
  }
  try {
    // The caller that held the lock before us may have started it.
    const startedMeanwhile = await liveServer(paths);
    if (startedMeanwhile) return { state: startedMeanwhile, started: false };
    return { state: await startServer(paths), started: true };
  } finally {
    release();
  }
}

async function startServer(paths: WorkspacePaths): Promise<WorkspaceServerState> {
  const files = workspaceServerFiles(paths);
  fs.mkdirSync(path.dirname(files.log), { recursive: true });
  const log = fs.openSync(files.log, 'a');
  const script = bundledScript('mlflowServer.js', process.env.BENCHTOP_MLFLOW_SERVER, 'The MLflow tracking server');
  const child = spawn(process.execPath, [script, paths.root], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  fs.closeSync(log);
  child.unref();
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? 1));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const state = readServerState(paths);
    if (state?.pid === child.pid) {
      const live = await liveServer(paths);
      if (live) return live;
    }
    if (exited !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (exited === null && child.pid) process.kill(child.pid, 'SIGTERM');
  throw new BenchtopError(
    'INTERNAL',
    exited !== null
      ? `The MLflow tracking server exited at start (code ${exited}).`
      : `The MLflow tracking server did not start listening within ${START_TIMEOUT_MS / 1000} s.`,
    `See its log: ${files.log}`,
  );
}

/** Stops the workspace's server (SIGTERM, then SIGKILL); the state file stays so a restart keeps the URI. */
export async function stopWorkspaceServer(paths: WorkspacePaths): Promise<{ stopped: number | null }> {
  const pid = lockHolder(paths);
  if (!pid) return { stopped: null };
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  return { stopped: pid };
}
