import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Core } from '../core/core';
import { serveApiSocket } from './apiSocket';
import { type ServerLog, answerClientError, guardRequest, guardUpgrade, refuseSocket } from './handlerGuards';
import { serveModelDownload } from './modelDownload';
import { type RequestTarget, parseRequestTarget } from './requestTarget';
import { type HostVerdict, RequestGuard, contentSecurityPolicy, securityHeaders } from './security';
import { serveStatic } from './staticFiles';
import { watchDatasetChanges } from '../core/datasets/datasetWatcher';
import { watchOtherProcessJobs } from '../core/jobs/jobWatcher';

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** How long slow or silent clients may hold a connection (ms). Tests shorten them. */
export interface ServerTimeouts {
  /** Until the request's headers are complete (slowloris). */
  headers: number;
  /** Until the whole request is received. */
  request: number;
  /** An idle keep-alive connection between requests. */
  keepAlive: number;
  /** No bytes either way on a connection (e.g. a download nobody reads). */
  idle: number;
  /** From an upgrade request to the finished WebSocket handshake. */
  handshake: number;
  /** WebSocket ping period; a client that misses one pong is dropped. */
  heartbeat: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headers: 10_000,
  request: 30_000,
  keepAlive: 5_000,
  idle: 120_000,
  handshake: 10_000,
  heartbeat: 30_000,
};

/** The largest WebSocket message accepted; bigger frames close that socket with 1009. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** `benchtop serve`: the UI over HTTP and the whole API over one token-guarded WebSocket. */
export async function startServer(options: {
  core: Core;
  host: string;
  port: number;
  staticDir: string;
  token?: string;
  timeouts?: Partial<ServerTimeouts>;
  log?: ServerLog;
}): Promise<RunningServer> {
  const { core } = options;
  const token = options.token ?? randomBytes(24).toString('hex');
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const log = options.log ?? ((line: string) => void process.stderr.write(`benchtop serve: ${line}\n`));
  const server = http.createServer({
    headersTimeout: timeouts.headers,
    requestTimeout: timeouts.request,
    keepAliveTimeout: timeouts.keepAlive,
    // Node would answer a missing Host itself, without our headers; admit() answers it (400) instead.
    requireHostHeader: false,
    // How often node checks the two timeouts above (its default, 30 s, would let them run long).
    connectionsCheckingInterval: Math.min(1_000, timeouts.headers),
  });
  server.timeout = timeouts.idle;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  core.runs.watch();
  // Datasets registered or changed by the CLI or a script show in the UI at once.
  watchDatasetChanges(core.db, core.bus);
  watchOtherProcessJobs(core.db, core.jobs, core.bus);
  core.runs.prewarm();
  // Services that were running when the machine or the app went down come back.
  void core.services.restore();
  const guard = new RequestGuard(token, options.host, port);
  const headers = securityHeaders(contentSecurityPolicy(`ws://127.0.0.1:${port} ws://localhost:${port}`));

  /** Host check first, then the target: a malformed one is a 400, whoever it names. Null: answered. */
  const admit = (req: IncomingMessage, refuse: (status: number, text: string) => void): RequestTarget | null => {
    const target = parseRequestTarget(req.url);
    const verdicts: HostVerdict[] = [guard.hostVerdict(req.headers.host)];
    if (target?.authority !== undefined) verdicts.push(guard.hostVerdict(target.authority));
    if (verdicts.includes('malformed')) refuse(400, 'Bad request: malformed Host header.');
    else if (verdicts.includes('foreign')) refuse(403, 'Forbidden: unknown Host header.');
    else if (!target) refuse(400, 'Bad request: malformed request target or %-escape.');
    else return target;
    return null;
  };

  const withHeaders = (res: ServerResponse) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    withHeaders(res);
    const refuse = (status: number, text: string) =>
      void res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
    const target = admit(req, refuse);
    if (!target) return;
    if (target.pathname.startsWith('/download/')) {
      // Downloads are API access: the token (in the link the UI makes) is required, as on the socket.
      if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
      if (!guard.tokenValid(target.query.get('token')))
        return refuse(401, 'Unauthorized: the token is missing or wrong.');
      return serveModelDownload(core, target.pathname, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return serveStatic(options.staticDir, target.decodedPath, req.method, res);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // An upgrade pipelined behind a request whose answer is still being made: answer in order (node leaves the
    // earlier response attached to the socket; writing ours first would hand the client the answers swapped).
    const earlier = (socket as unknown as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (earlier && !earlier.writableFinished) {
      earlier.once('finish', () => onUpgrade(req, socket, head));
      earlier.once('close', () => earlier.writableFinished || socket.destroy());
      return;
    }
    // Until the handshake is done; ws clears it on success (socket.setTimeout(0)).
    (socket as Socket).setTimeout(timeouts.handshake, () => socket.destroy());
    const refuse = (status: number, body?: string) =>
      refuseSocket(socket, status, headers, { body, method: req.method });
    const target = admit(req, refuse);
    if (!target) return;
    if (target.pathname !== '/api') return refuse(404);
    if (!guard.originAllowed(req)) return refuse(403, 'Forbidden: foreign Origin.');
    if (!guard.tokenValid(target.query.get('token')))
      return refuse(401, 'Unauthorized: the token is missing or wrong.');
    sockets.handleUpgrade(req, socket, head, (ws) => serveApiSocket(ws, core, log, timeouts.heartbeat));
  };

  server.on('request', guardRequest(onRequest, log));
  // `Expect: something-else` and CONNECT would otherwise be answered (or dropped) by node without our headers.
  server.on(
    'checkExpectation',
    guardRequest((_req, res) => {
      withHeaders(res);
      res.writeHead(417).end();
    }, log),
  );
  server.on(
    'connect',
    guardUpgrade((_req, socket) => refuseSocket(socket, 405, headers), headers, log),
  );
  server.on('upgrade', guardUpgrade(onUpgrade, headers, log));
  server.on('clientError', answerClientError(headers));
  // ws's own refusals (bad Sec-WebSocket-Key or -Version, not GET) would go out without our headers.
  sockets.on('wsClientError', (err, socket, req) => {
    const extra: Record<string, string> = /Sec-WebSocket-Version/.test(err.message)
      ? { 'sec-websocket-version': '13, 8' }
      : {};
    refuseSocket(
      socket,
      /method/i.test(err.message) ? 405 : 400,
      { ...headers, ...extra },
      { body: `Bad request: ${err.message}.`, method: req.method },
    );
  });
  // The 101 answer carries the same headers as every other response.
  sockets.on('headers', (lines) => lines.push(...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)));

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
