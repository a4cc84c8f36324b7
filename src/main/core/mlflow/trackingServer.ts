import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { MlflowError } from './mlflowErrors';

export interface TrackingServerOptions {
  db: Db;
  paths: WorkspacePaths;
  /** The tokens that admit a request (a fixed set, or a check). */
  tokens: Set<string> | ((t: string) => boolean);
  /** the run the per-run server belongs to (null for the workspace server) */
  runId: string | null;
  /** Where the server reports its own failures (default: stderr). */
  log?: (line: string) => void;
}

export interface TrackingServer {
  server: http.Server;
  /** base URL once listening */
  url(): string;
  close(): Promise<void>;
}

/**
 * The part of MLflow's REST tracking API the official client uses, mapped onto Benchtop's runs.
 * Listening is the caller's: `server.listen(0, '127.0.0.1')` (per run) or `server.listen(socketPath)`.
 */
export function createTrackingServer(options: TrackingServerOptions): TrackingServer {
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const error = new MlflowError('ENDPOINT_NOT_FOUND', `No API endpoint for ${req.method} ${req.url?.slice(0, 200)}.`);
    res.writeHead(error.status, { 'content-type': 'application/json' }).end(JSON.stringify(error));
  });
  void options;
  return {
    server,
    url() {
      const address = server.address() as AddressInfo | string | null;
      if (!address) throw new Error('The tracking server is not listening.');
      return typeof address === 'string' ? `unix:${address}` : `http://127.0.0.1:${address.port}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
