import fs from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import path from 'node:path';

/** The socket's name in the run's folder (the container sees the folder at the same path). */
export const RUN_MLFLOW_SOCKET = 'mlflow.sock';

/**
 * Serves a run's MLflow tracking server also on a Unix socket in the run's folder, for a script in a
 * container on the local engine: it cannot reach the host's 127.0.0.1, but the run's folder is
 * bind-mounted, and src/runtime/sitecustomize.py forwards the container's 127.0.0.1:<port> to this
 * socket. Each connection is handed to the same http.Server, so its token check, timeouts and
 * limits apply unchanged.
 */
export async function serveOnRunSocket(
  httpServer: http.Server,
  runDir: string,
): Promise<{ path: string; close(): Promise<void> }> {
  const file = path.join(runDir, RUN_MLFLOW_SOCKET);
  fs.rmSync(file, { force: true });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    httpServer.emit('connection', socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Node cuts a Unix socket path past ~107 bytes without a word (a socket somewhere else), and
    // workspace paths can be long: bind by a name relative to the run's folder, which listen()
    // resolves at once (the bind is synchronous; this process runs nothing else meanwhile).
    const cwd = process.cwd();
    process.chdir(runDir);
    try {
      server.listen(RUN_MLFLOW_SOCKET, () => resolve());
    } finally {
      process.chdir(cwd);
    }
  });
  fs.chmodSync(file, 0o600);
  return {
    path: file,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          fs.rmSync(file, { force: true });
          resolve();
        });
      }),
  };
}
