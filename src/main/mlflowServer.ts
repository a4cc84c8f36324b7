import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tryAcquireBuildLock } from './core/builds/buildLock';
import { createTrackingServer } from './core/mlflow/trackingServer';
import { readServerState, workspaceServerFiles, writeServerState } from './core/mlflow/workspaceServerState';
import { openDatabase } from './core/workspace/database';
import { nowIso } from './core/workspace/files';
import { WorkspacePaths } from './core/workspace/paths';

/**
 * `mlflowServer.js WORKSPACE`: the workspace's MLflow tracking server for interactive runs from a
 * notebook's own Python (`benchtop mlflow-uri` starts it, detached, like a run's supervisor). One
 * per workspace (a lock file held for its life), on 127.0.0.1 with the token of the state file,
 * on the port it had before where that port is free, so a URI given out earlier stays valid.
 *
 * It exits after BENCHTOP_MLFLOW_IDLE_S (default 4 h) without a request, but only once no run it
 * created is still open (such a run is owned by this pid, so it stays Running while this lives),
 * and at once when its workspace's database is gone (a deleted workspace).
 */
const IDLE_MS = Math.max(1, Number(process.env.BENCHTOP_MLFLOW_IDLE_S) || 4 * 3600) * 1000;
const CHECK_MS = Math.min(60_000, IDLE_MS / 4);

function log(line: string): void {
  process.stderr.write(`${nowIso()} ${line}\n`);
}

function listen(server: import('node:http').Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

async function main(): Promise<void> {
  const workspace = process.argv[2];
  if (!workspace) {
    process.stderr.write('usage: mlflowServer.js WORKSPACE\n');
    process.exit(2);
  }
  const paths = new WorkspacePaths(workspace);
  const files = workspaceServerFiles(paths);
  const releaseLock = tryAcquireBuildLock(files.serverLock);
  if (!releaseLock) {
    log('another MLflow tracking server holds this workspace; exiting');
    process.exit(0);
  }
  const db = openDatabase(paths.database);
  const previous = readServerState(paths);
  const token = previous?.token ?? randomBytes(24).toString('hex');
  const tracking = createTrackingServer({ db, paths, tokens: new Set([token]), runId: null, log });
  let lastRequest = Date.now();
  tracking.server.on('request', () => (lastRequest = Date.now()));
  let port: number;
  try {
    port = await listen(tracking.server, previous?.port ?? 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    log(`port ${previous?.port} is taken now: listening on a new one (URIs given out before change)`);
    port = await listen(tracking.server, 0);
  }
  writeServerState(paths, { pid: process.pid, port, token, startedAt: nowIso() });
  log(`listening on 127.0.0.1:${port} (pid ${process.pid})`);

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`stopping: ${why}`);
    clearInterval(timer);
    await tracking.close().catch(() => undefined);
    db.close();
    releaseLock();
    process.exit(0);
  };
  // Runs this server created (owned by its pid) that are not finished yet.
  const openRuns = db.prepare(
    "SELECT COUNT(*) AS n FROM runs WHERE supervisor_pid = ? AND status NOT IN ('Completed', 'Failed', 'Canceled')",
  );
  const timer = setInterval(() => {
    if (!fs.existsSync(paths.database)) return void stop('the workspace is gone');
    if (Date.now() - lastRequest < IDLE_MS) return;
    const { n } = openRuns.get(process.pid) as { n: number };
    if (n === 0) void stop(`idle for ${Math.round(IDLE_MS / 1000)} s with no open run`);
  }, CHECK_MS);
  process.on('SIGTERM', () => void stop('asked to stop (SIGTERM)'));
  process.on('SIGINT', () => void stop('asked to stop (SIGINT)'));
}

main().catch((err: Error) => {
  log(`failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
