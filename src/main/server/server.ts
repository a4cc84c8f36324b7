import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { EVENT_NAMES } from '../../shared/api/contract';
import { handlers } from '../core/api/handlers';
import { dispatch } from '../core/api/router';
import type { Core } from '../core/core';
import { RequestGuard, contentSecurityPolicy } from './security';
import { serveModelDownload } from './modelDownload';
import { serveStatic } from './staticFiles';

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

interface ClientMessage {
  id: number;
  call: string;
  input: unknown;
}

/** `benchtop serve`: the UI over HTTP and the whole API over one token-guarded WebSocket. */
export async function startServer(options: {
  core: Core;
  host: string;
  port: number;
  staticDir: string;
  token?: string;
}): Promise<RunningServer> {
  const { core } = options;
  const token = options.token ?? randomBytes(24).toString('hex');
  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  core.runs.watch();
  core.runs.prewarm();
  // Services that were running when the machine or the app went down come back.
  void core.services.restore();
  const guard = new RequestGuard(token, options.host, port);
  const csp = contentSecurityPolicy(`ws://127.0.0.1:${port} ws://localhost:${port}`);

  server.on('request', (req, res) => {
    if (!guard.hostAllowed(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Forbidden: unknown Host header.');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/download/')) {
      // Downloads are API access: the token (in the link the UI makes) is required, as on the socket.
      if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
      if (!guard.tokenValid(url.searchParams.get('token')))
        return void res
          .writeHead(401, { 'content-type': 'text/plain' })
          .end('Unauthorized: the token is missing or wrong.');
      void serveModelDownload(core, url.pathname, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    serveStatic(options.staticDir, req.url ?? '/', res, {
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'invalid'}`);
    const refuse = (status: string) => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/api') return refuse('404 Not Found');
    if (!guard.hostAllowed(req) || !guard.originAllowed(req)) return refuse('403 Forbidden');
    if (!guard.tokenValid(url.searchParams.get('token'))) return refuse('401 Unauthorized');
    sockets.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  function connect(ws: WebSocket): void {
    const connectionId = `ws-${randomUUID()}`;
    const attached = new Set<string>();
    const send = (message: unknown) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = EVENT_NAMES.filter((e) => e !== 'job.output' && e !== 'run.output').map((event) =>
      core.bus.on(event, (payload) => send({ event, payload })),
    );
    const attachedRuns = new Set<string>();
    const ctx = {
      connectionId,
      viewerFor: (kind: 'job' | 'run', id: string) => {
        (kind === 'job' ? attached : attachedRuns).add(id);
        const write =
          kind === 'job'
            ? (data: string) => send({ event: 'job.output', payload: { jobId: id, data } })
            : (data: string) => send({ event: 'run.output', payload: { runId: id, data } });
        return { id: connectionId, acknowledges: true, write };
      },
    };
    ws.on('message', (raw) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(raw.toString()) as ClientMessage;
      } catch {
        return send({ id: null, result: { ok: false, error: { code: 'BAD_INPUT', message: 'Malformed message.' } } });
      }
      void dispatch(handlers, core, message.call, message.input, ctx).then((result) =>
        send({ id: message.id, result }),
      );
    });
    ws.on('close', () => {
      unsubscribe.forEach((off) => off());
      for (const jobId of attached) {
        try {
          core.jobs.get(jobId).output.detach(connectionId);
        } catch {
          // The job is gone; nothing to detach.
        }
      }
      for (const runId of attachedRuns) core.runs.detach(runId, connectionId);
    });
  }

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
