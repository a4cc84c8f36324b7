import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Where the server reports its own failures (stderr in `benchtop serve`). */
export type ServerLog = (line: string) => void;

/** `GET "/x%"`: the method and a quoted, shortened target, so that a hostile URL cannot forge log lines. */
export function describeRequest(req: IncomingMessage): string {
  return `${req.method ?? '?'} ${JSON.stringify((req.url ?? '').slice(0, 200))}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Errors that mean the peer closed the connection, not that the server failed. */
const CLIENT_LEFT = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Wraps a request handler so that nothing it throws or rejects with escapes into the process: the
 * error is logged and answered with a 500 (no stack) when nothing was sent yet, else the response is
 * cut. This protects the server without relying on process-wide `uncaughtException` handlers.
 */
export function guardRequest(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  log: ServerLog,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // A write after end or a failed stream emits 'error' on the response; unheard, that is a crash.
    res.on('error', (err) => log(`response error for ${describeRequest(req)}: ${errorText(err)}`));
    const fail = (err: unknown) => {
      // A client that went away mid-response is no failure of ours: nothing to log.
      if (!CLIENT_LEFT.has((err as NodeJS.ErrnoException).code ?? ''))
        log(`error answering ${describeRequest(req)}: ${errorText(err)}`);
      if (res.headersSent || res.destroyed) return void res.destroy();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'The server failed to answer this request.' } }));
    };
    try {
      const pending = handler(req, res);
      if (pending) pending.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}

/** The same protection for upgrade handlers, which own a raw socket instead of a response. */
export function guardUpgrade(
  handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  headers: Record<string, string>,
  log: ServerLog,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    // Node removes its own listener once a socket is handed to 'upgrade': without this, a reset is a crash.
    socket.on('error', () => socket.destroy());
    try {
      handler(req, socket, head);
    } catch (err) {
      log(`error upgrading ${describeRequest(req)}: ${errorText(err)}`);
      refuseSocket(socket, 500, headers, { method: req.method });
    }
  };
}

/** How long a refused socket may take to read our answer before it is cut. */
const LINGER_MS = 1_000;

/**
 * Writes a complete response on a raw socket (no ServerResponse exists for upgrades and parse
 * errors) and closes it gracefully: what the client still sends is read and dropped until it
 * ends or LINGER_MS pass, because closing with unread input makes the kernel send a reset that
 * can destroy the answer before the client reads it.
 */
export function refuseSocket(
  socket: Duplex,
  status: number,
  headers: Record<string, string>,
  options: { body?: string; method?: string } = {},
): void {
  if (!socket.writable) return void socket.destroy(); // Already answered or gone.
  const reason = STATUS_CODES[status] ?? 'Error';
  // An answer to HEAD has no body (the client would read it as the start of the next response).
  const text = options.method === 'HEAD' ? '' : (options.body ?? `${reason}.`);
  const lines = [
    `HTTP/1.1 ${status} ${reason}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'content-type: text/plain; charset=utf-8',
    `content-length: ${Buffer.byteLength(text)}`,
    'connection: close',
  ];
  socket.on('error', () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', () => socket.destroy());
  socket.once('finish', () => socket.readableEnded && socket.destroy());
  socket.resume();
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}

/** The status for a request node's parser refused (`clientError`): too-large headers and timeouts have their own. */
function clientErrorStatus(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * `clientError`: the request could not be parsed (bad bytes, headers too large, too slow). Answer
 * with a status and close; never let the error go further. When the bad bytes follow a good
 * request on the same connection (a broken body, a garbled pipelined request), that request's
 * response is still being made: it finishes first, then the refusal follows, so the stream stays
 * well-formed and the good request is not lost.
 */
export function answerClientError(headers: Record<string, string>): (err: Error, socket: Duplex) => void {
  return (err, socket) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET') return void socket.destroy();
    // No body: the request did not parse, so it may have been a HEAD, whose answer must have none.
    const refuse = () => refuseSocket(socket, clientErrorStatus(code), headers, { body: '' });
    const owed = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!owed || owed.writableFinished) return refuse();
    if (refusing.has(socket)) return; // The parser reports again while we wait: one answer is enough.
    refusing.add(socket);
    owed.once('finish', refuse);
    owed.once('close', () => owed.writableFinished || socket.destroy());
  };
}

/** Sockets whose refusal waits for a response in progress. */
const refusing = new WeakSet<Duplex>();
