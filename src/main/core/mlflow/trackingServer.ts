import { timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientError, guardRequest } from '../../server/handlerGuards';
import { parseRequestTarget } from '../../server/requestTarget';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { MlflowContext } from './context';
import { MlflowError } from './mlflowErrors';
import { API_PREFIXES, ARTIFACT_PREFIXES, asMlflowError, route, type RouterLimits, sendError } from './router';
import { discardBody, tooLarge } from './requestBody';

export interface TrackingServerOptions {
  db: Db;
  paths: WorkspacePaths;
  /** The tokens that admit a request (a fixed set, or a check). */
  tokens: Set<string> | ((t: string) => boolean);
  /** the run the per-run server belongs to (null for the workspace server) */
  runId: string | null;
  /** Where the server reports its own failures (default: stderr). */
  log?: (line: string) => void;
  /** Body limits (bytes); tests lower them. */
  limits?: Partial<RouterLimits>;
  /** Until a request's headers are in, and until a whole request is (ms). */
  timeouts?: { headers?: number; request?: number; idle?: number };
}

export interface TrackingServer {
  server: http.Server;
  /** base URL once listening */
  url(): string;
  close(): Promise<void>;
  /** The MLflow runs made through this server and not ended (they end with the server's run). */
  openRuns(): string[];
}

export const DEFAULT_LIMITS: RouterLimits = { jsonBytes: 16 * 1024 * 1024, artifactBytes: 1024 * 1024 * 1024 };

/** Host names a request may name: this machine only, whatever the port (a DNS-rebinding page names its own). */
const LOCAL_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;

function tokenCheck(tokens: TrackingServerOptions['tokens']): (candidate: string) => boolean {
  if (typeof tokens === 'function') return tokens;
  return (candidate) => {
    const given = Buffer.from(candidate);
    for (const token of tokens) {
      const expected = Buffer.from(token);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    }
    return false;
  };
}

/**
 * The part of MLflow's REST tracking API the official client uses, mapped onto Benchtop's runs.
 * Listening is the caller's: `server.listen(0, '127.0.0.1')` (per run) or `server.listen(socketPath)`.
 * A request needs the token, as `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN) or as the first path
 * segment (http://127.0.0.1:PORT/<token>/api/2.0/...: the client appends its paths to the URI's path, so a
 * notebook's URI can carry the token), and a Host naming this machine.
 */
export function createTrackingServer(options: TrackingServerOptions): TrackingServer {
  const log = options.log ?? ((line: string) => void process.stderr.write(`benchtop mlflow: ${line}\n`));
  const ctx = new MlflowContext(options.db, options.paths, options.runId, log);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const validToken = tokenCheck(options.tokens);
  const timeouts = { headers: 10_000, request: 600_000, idle: 120_000, ...options.timeouts };
  const server = http.createServer({
    headersTimeout: timeouts.headers,
    requestTimeout: timeouts.request,
    // The client keeps connections in a pool; a longer keep-alive makes a reuse racing a close rarer.
    keepAliveTimeout: 30_000,
    requireHostHeader: false,
    connectionsCheckingInterval: Math.min(1_000, timeouts.headers),
  });
  server.timeout = timeouts.idle;

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // A body over the limit is refused before anything else, and not read: 413, whoever sends it.
    const limit = (req.url ?? '').includes('/mlflow-artifacts/') ? limits.artifactBytes : limits.jsonBytes;
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      res.setHeader('connection', 'close');
      return sendError(res, tooLarge(limit));
    }
    /** An early refusal: the rest of the body is read first (see discardBody), else the connection closes. */
    const refuse = async (error: MlflowError) => {
      if (!(await discardBody(req, limits.jsonBytes))) res.setHeader('connection', 'close');
      sendError(res, error);
    };
    const target = parseRequestTarget(req.url);
    const host = target?.authority ?? req.headers.host;
    if (!target) return refuse(new MlflowError('BAD_REQUEST', 'Malformed request target or %-escape.'));
    if (typeof host !== 'string' || !LOCAL_HOST.test(host))
      return refuse(
        new MlflowError('PERMISSION_DENIED', 'The Host header must name 127.0.0.1 or localhost (this machine).'),
      );
    let path = target.pathname;
    let authorized = false;
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
    if (bearer && validToken(bearer[1] as string)) authorized = true;
    const first = /^\/([^/]+)(\/.*)$/.exec(path);
    if (first && first[1] !== 'api' && first[1] !== 'ajax-api' && validToken(decodeURIComponent(first[1] as string))) {
      authorized = true;
      path = first[2] as string;
    }
    if (!authorized) {
      return refuse(
        new MlflowError(
          'UNAUTHENTICATED',
          'The token is missing or wrong: send MLFLOW_TRACKING_TOKEN as "Authorization: Bearer <token>", or use ' +
            'the tracking URI Benchtop gave (`benchtop mlflow-uri`), which carries it.',
        ),
      );
    }
    const known = [...API_PREFIXES, ...ARTIFACT_PREFIXES].some((p) => path.startsWith(p.replace(/\/$/, '')));
    const what = `${req.method} ${path.slice(0, 200)}`;
    try {
      if (!known) {
        throw new MlflowError(
          'ENDPOINT_NOT_FOUND',
          `Benchtop's MLflow endpoint does not support ${what}: it serves /api/2.0/mlflow/ and /api/2.0/mlflow-artifacts/.`,
        );
      }
      await route(ctx, req, res, path, target.query, limits);
    } catch (err) {
      const error = asMlflowError(err, log, what);
      if (res.headersSent) return void res.destroy();
      // Refused before its body was read: read the rest first (bounded), unless the body itself was the problem.
      if (error.status === 413 || !(await discardBody(req, limits.jsonBytes))) res.setHeader('connection', 'close');
      sendError(res, error);
    }
  };

  server.on('request', guardRequest(onRequest, log));
  server.on('clientError', answerClientError({}));
  server.on('checkExpectation', (_req, res) => res.writeHead(417).end());
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
        if (!server.listening) resolve();
      }),
    openRuns: () => [...ctx.openRuns],
  };
}
