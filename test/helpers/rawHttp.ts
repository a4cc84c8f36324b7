import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawExchange {
  /** Final responses (and 101), in order; interim 100 Continue answers are skipped. */
  responses: RawResponse[];
  /** Bytes that do not parse as HTTP/1.1 responses (empty when every byte was well-formed). */
  garbage: string;
  /** The server closed the connection (as opposed to us giving up waiting). */
  closed: boolean;
  timedOut: boolean;
  /** The socket error that ended it, if any (ECONNRESET: the server reset the connection). */
  error?: string;
}

const STATUS_LINE = /^HTTP\/1\.1 ([1-5]\d\d) [^\r\n]*$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+): ?([^\r\n]*)$/;

type Parsed = { response: RawResponse; rest: Buffer } | 'incomplete' | 'malformed';

/** Parses one response off the front of `data`; `head` tells it that the request was a HEAD (no body). */
export function parseResponse(data: Buffer, head = false, closed = false): Parsed {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return data.length > 65_536 || closed ? 'malformed' : 'incomplete';
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = STATUS_LINE.exec(statusLine ?? '');
  if (!status) return 'malformed';
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const header = HEADER_LINE.exec(line);
    if (!header) return 'malformed';
    headers[(header[1] as string).toLowerCase()] = (header[2] as string).trim();
  }
  const code = Number(status[1]);
  const afterHead = data.subarray(end + 4);
  if (head || code < 200 || code === 204 || code === 304)
    return { response: { status: code, headers, body: Buffer.alloc(0) }, rest: afterHead };
  if (headers['transfer-encoding'] === 'chunked') return parseChunked(code, headers, afterHead, closed);
  if (headers['content-length'] !== undefined) {
    if (!/^\d+$/.test(headers['content-length'])) return 'malformed';
    const length = Number(headers['content-length']);
    if (afterHead.length < length) return closed ? 'malformed' : 'incomplete';
    return {
      response: { status: code, headers, body: afterHead.subarray(0, length) },
      rest: afterHead.subarray(length),
    };
  }
  // No length: the body runs to the close.
  if (!closed) return 'incomplete';
  return { response: { status: code, headers, body: afterHead }, rest: Buffer.alloc(0) };
}

function parseChunked(status: number, headers: Record<string, string>, data: Buffer, closed: boolean): Parsed {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return closed ? 'malformed' : 'incomplete';
    const size = /^[0-9a-fA-F]+/.exec(data.subarray(at, lineEnd).toString('latin1'));
    if (!size) return 'malformed';
    const length = parseInt(size[0], 16);
    if (length === 0) {
      const trailerEnd = data.indexOf('\r\n', lineEnd + 2);
      if (trailerEnd !== lineEnd + 2) return closed ? 'malformed' : 'incomplete';
      return { response: { status, headers, body: Buffer.concat(chunks) }, rest: data.subarray(trailerEnd + 2) };
    }
    if (data.length < lineEnd + 2 + length + 2) return closed ? 'malformed' : 'incomplete';
    chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + length));
    at = lineEnd + 2 + length + 2;
  }
}

/**
 * Sends raw bytes on a fresh connection and reads what comes back until `expect` final
 * responses are complete, the server closes, or the timeout passes. Every byte that arrives must
 * parse as responses; anything else is reported as garbage.
 */
export function rawExchange(
  port: number,
  request: Buffer | string,
  options: { expect?: number; head?: boolean; timeoutMs?: number; endAfterWrite?: boolean } = {},
): Promise<RawExchange> {
  const expect = options.expect ?? 1;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data: Buffer = Buffer.alloc(0);
    let settled = false;
    let error: string | undefined;
    const finish = (closed: boolean, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const responses: RawResponse[] = [];
      let rest = data;
      let garbage = '';
      while (rest.length > 0) {
        // Only the first request is known to be a HEAD (the grammar makes later ones GET).
        const parsed = parseResponse(rest, options.head && responses.length === 0, closed);
        if (parsed === 'incomplete') break;
        if (parsed === 'malformed') {
          garbage = rest.subarray(0, 300).toString('latin1');
          break;
        }
        if (isFinal(parsed.response.status)) responses.push(parsed.response);
        rest = parsed.rest;
        if (parsed.response.status === 101) rest = Buffer.alloc(0); // WebSocket frames follow, not HTTP.
      }
      if (!garbage && rest.length > 0 && (closed || timedOut)) garbage = rest.subarray(0, 300).toString('latin1');
      resolve({ responses, garbage, closed, timedOut, error });
    };
    const timer = setTimeout(() => finish(false, true), options.timeoutMs ?? 5_000);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
      finish(true, false);
    });
    socket.on('close', () => finish(true, false));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (completeCount(data, options.head) >= expect) finish(false, false);
    });
    socket.write(request, () => {
      if (options.endAfterWrite) socket.end();
    });
  });
}

/** 100 Continue is interim; 101 ends HTTP on that connection, so it counts as the answer. */
const isFinal = (status: number) => status >= 200 || status === 101;

function completeCount(data: Buffer, head?: boolean): number {
  let count = 0;
  let rest = data;
  for (;;) {
    const parsed = parseResponse(rest, head && count === 0);
    if (typeof parsed === 'string') return count;
    if (isFinal(parsed.response.status)) count += 1;
    if (parsed.response.status === 101) return Number.POSITIVE_INFINITY; // nothing more will come as HTTP
    rest = parsed.rest;
  }
}

/** One request with the usual framing: `GET /x HTTP/1.1`, a Host for this server, `Connection: close`. */
export function rawGet(port: number, target: string, headers: Record<string, string> = {}): Promise<RawExchange> {
  const lines = [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return rawExchange(port, `${lines.join('\r\n')}\r\n\r\n`);
}
