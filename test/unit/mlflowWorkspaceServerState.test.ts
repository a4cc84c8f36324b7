import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  liveServer,
  readServerState,
  trackingUri,
  workspaceServerFiles,
  writeServerState,
} from '../../src/main/core/mlflow/workspaceServerState';
import { WorkspacePaths } from '../../src/main/core/workspace/paths';

/** The workspace MLflow server's state file: what `benchtop mlflow-uri` trusts in it, and what it does not. */

const workspace = () => new WorkspacePaths(fs.mkdtempSync(path.join(os.tmpdir(), 'bt-mlflow-state-')));
const TOKEN = 'ab'.repeat(24);

describe('the workspace MLflow server state', () => {
  it('round-trips, readable by the owner only, and names the token in the URI path', () => {
    const paths = workspace();
    const state = { pid: 123, port: 5000, token: TOKEN, startedAt: '2026-01-01T00:00:00.000Z' };
    writeServerState(paths, state);
    expect(readServerState(paths)).toEqual(state);
    expect(fs.statSync(workspaceServerFiles(paths).state).mode & 0o777).toBe(0o600);
    expect(trackingUri(state)).toBe(`http://127.0.0.1:5000/${TOKEN}`);
  });

  it('ignores a file that is not its own shape (no token, a bad port, not JSON)', () => {
    const paths = workspace();
    const file = workspaceServerFiles(paths).state;
    for (const content of [
      '{',
      '[]',
      JSON.stringify({ pid: 1, port: 5000 }),
      JSON.stringify({ pid: 1, port: 5000, token: '../x' }),
      JSON.stringify({ pid: 1, port: 70000, token: TOKEN }),
      JSON.stringify({ pid: 1, port: '5000', token: TOKEN }),
    ]) {
      fs.writeFileSync(file, content);
      expect(readServerState(paths), content).toBeNull();
    }
  });

  it('does not take a live pid for the server unless that pid holds the server lock', async () => {
    const paths = workspace();
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    // This process is alive and the port answers, but the lock is not this pid's: a reused pid, say.
    writeServerState(paths, { pid: process.pid, port, token: TOKEN, startedAt: '' });
    expect(await liveServer(paths)).toBeNull();
    const lock = workspaceServerFiles(paths).serverLock;
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, `${process.pid} abc`);
    expect((await liveServer(paths))?.port).toBe(port);
    // The pid holds the lock, but nothing answers on the port any more.
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    expect(await liveServer(paths)).toBeNull();
  });
});
