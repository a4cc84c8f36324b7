import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { processAlive } from '../builds/buildLock';
import { writeFileAtomic } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';

/**
 * What the workspace's MLflow tracking server (src/main/mlflowServer.ts) leaves in the workspace so
 * that `benchtop mlflow-uri` finds it, and a restarted server takes the same port and token (a URI
 * already pasted into a notebook keeps working). The file outlives the server: a dead pid in it
 * only means "start one again, here".
 */
export interface WorkspaceServerState {
  pid: number | null;
  port: number;
  token: string;
  startedAt: string;
}

export function workspaceServerFiles(paths: WorkspacePaths) {
  return {
    state: path.join(paths.root, 'mlflow-server.json'),
    /** Held by the live server for its whole life: at most one per workspace. */
    serverLock: path.join(paths.locks, 'mlflow-server.lock'),
    /** Held by a CLI while it starts one: two `mlflow-uri` at once start one server. */
    startLock: path.join(paths.locks, 'mlflow-server-start.lock'),
    log: path.join(paths.root, 'logs', 'mlflow-server.log'),
  };
}

export function readServerState(paths: WorkspacePaths): WorkspaceServerState | null {
  try {
    const data = JSON.parse(
      fs.readFileSync(workspaceServerFiles(paths).state, 'utf8'),
    ) as Partial<WorkspaceServerState>;
    if (typeof data.token !== 'string' || !/^[0-9a-f]{32,}$/.test(data.token)) return null;
    if (typeof data.port !== 'number' || !Number.isInteger(data.port) || data.port < 0 || data.port > 65535)
      return null;
    return {
      pid: typeof data.pid === 'number' ? data.pid : null,
      port: data.port,
      token: data.token,
      startedAt: String(data.startedAt ?? ''),
    };
  } catch {
    return null;
  }
}

/** Written atomically and readable by the owner only: the token in it admits anyone who reads it. */
export function writeServerState(paths: WorkspacePaths, state: WorkspaceServerState): void {
  const file = workspaceServerFiles(paths).state;
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, false);
  fs.chmodSync(file, 0o600);
}

/** The pid holding the server lock, when that process is alive (the lock holds "<pid> <random>"). */
export function lockHolder(paths: WorkspacePaths): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(workspaceServerFiles(paths).serverLock, 'utf8'), 10);
    return Number.isFinite(pid) && processAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Whether something accepts connections on 127.0.0.1:port within the timeout. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The state of the server that is alive now: its pid alive, holding the server lock (a reused pid
 * does not), and its port answering. Null otherwise.
 */
export async function liveServer(paths: WorkspacePaths): Promise<WorkspaceServerState | null> {
  const state = readServerState(paths);
  if (!state?.pid || state.port === 0 || lockHolder(paths) !== state.pid) return null;
  return (await portAnswers(state.port)) ? state : null;
}

export function trackingUri(state: WorkspaceServerState): string {
  // The token as the first path segment: a plain mlflow.set_tracking_uri(URI) then needs no MLFLOW_TRACKING_TOKEN.
  return `http://127.0.0.1:${state.port}/${state.token}`;
}
