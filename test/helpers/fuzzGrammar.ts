/**
 * Grammar-based generators for fuzzing `benchtop serve`: HTTP requests (methods, targets with bad
 * escapes, absolute forms and huge paths, random headers, Host variants, upgrades with and without
 * the token) and API-socket messages (JSON of every shape, binary, raw frames). Seeded, so a
 * failure names the seed that reproduces it.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number) => next() < p;
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  const text = (length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~') =>
    Array.from({ length }, () => alphabet[int(alphabet.length)]).join('');
  return { next, int, pick, chance, bytes, text };
}
export type Rng = ReturnType<typeof rng>;

export interface FuzzTarget {
  port: number;
  token: string;
}

export interface FuzzRequest {
  /** What goes on the wire. */
  bytes: Buffer;
  /** Which rule made it (for the report of what was covered). */
  kind: string;
  head: boolean;
  /** Half-close after writing: the request may be cut short on purpose. */
  end: boolean;
  /** How many requests are pipelined in it. */
  count: number;
}

const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'];
const ODD_METHODS = ['get', 'G@T', 'GET\x00', 'PROPFIND', 'M-SEARCH', 'X'.repeat(40), ''];
const BAD_ESCAPES = ['%', '%Z', '%ZZ', '%E0%A4%A', '%E0%A4', '%00', '%ff', '%C0%AF', '%%', '%2', '%u0041', '%F0%9F%98'];
const PATHS = [
  '/',
  '/index.html',
  '/assets/',
  '/assets/index.js',
  '/favicon.ico',
  '/api',
  '/download/',
  '/download/models/',
  '/download/models/iris/1',
  '/download/models/x/99999999999999999999',
  '/environments/Benchtop-Minimal',
  '/../../../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/..%2f..%2fetc%2fpasswd',
  '//evil.example/x',
  '/./././index.html',
  '/index.html/..',
  '/\u00e9t\u00e9',
  '/%C3%A9',
];

function pathPart(r: Rng, target: FuzzTarget): string {
  let path = r.pick(PATHS);
  if (r.chance(0.3)) path += '/' + r.text(1 + r.int(12));
  if (r.chance(0.3)) {
    const at = r.int(path.length + 1);
    path = path.slice(0, at) + r.pick(BAD_ESCAPES) + path.slice(at);
  }
  if (r.chance(0.05)) path = '/' + 'a'.repeat(1_000 + r.int(20_000)); // beyond node's 16 KB header limit at times
  if (r.chance(0.05)) path += r.text(1 + r.int(5), ' \t\x01\x7f"<>\\^`{|}');
  const query: string[] = [];
  if (r.chance(0.5))
    query.push(`token=${r.pick([target.token, target.token, 'wrong', '', '%', '%zz', target.token + 'x'])}`);
  if (r.chance(0.2)) query.push(`${r.text(3)}=${r.pick(BAD_ESCAPES)}`);
  if (r.chance(0.05)) query.push('q=' + 'b'.repeat(r.int(5_000)));
  return query.length ? `${path}${r.chance(0.1) ? '??' : '?'}${query.join('&')}` : path;
}

function requestTarget(r: Rng, target: FuzzTarget): { text: string; kind: string } {
  const roll = r.next();
  if (roll < 0.7) return { text: pathPart(r, target), kind: 'origin' };
  if (roll < 0.9) {
    const authority = r.pick([
      `127.0.0.1:${target.port}`,
      `localhost:${target.port}`,
      `[::1]:${target.port}`,
      '[::1',
      '[::1]',
      'evil.example',
      `user:pw@127.0.0.1:${target.port}`,
      '',
      'a b',
      `127.0.0.1:${target.port}:1`,
      '[zz]',
    ]);
    const scheme = r.pick(['http://', 'http://', 'HTTP://', 'https://', 'ftp://', 'http:/', 'ws://']);
    return { text: `${scheme}${authority}${r.chance(0.8) ? pathPart(r, target) : ''}`, kind: 'absolute' };
  }
  return {
    text: r.pick(['*', `127.0.0.1:${target.port}`, 'evil.example:443', '', 'index.html', '?token=x', '%']),
    kind: 'odd-form',
  };
}

function hostHeader(r: Rng, target: FuzzTarget): string[] {
  const roll = r.next();
  if (roll < 0.6)
    return [
      `Host: ${r.pick([`127.0.0.1:${target.port}`, `localhost:${target.port}`, `[::1]:${target.port}`, `LOCALHOST:${target.port}`])}`,
    ];
  if (roll < 0.7) return [];
  if (roll < 0.75) return [`Host: 127.0.0.1:${target.port}`, `Host: evil.example`];
  const host = r.pick([
    'a b',
    '',
    ':::',
    '[::1',
    'evil.example',
    `evil.example:${target.port}`,
    `127.0.0.1:${target.port} `,
    `127.0.0.1:${target.port}\x01`,
    `127.0.0.1:${target.port}.`,
    `127.0.0.1:99999999`,
    'h'.repeat(300),
    '\u00e9vil',
    '%31%32%37.0.0.1',
  ]);
  return [`Host: ${host}`];
}

const HEADER_NAMES = [
  'Accept',
  'Origin',
  'Cookie',
  'Referer',
  'User-Agent',
  'X-Forwarded-For',
  'Range',
  'If-None-Match',
  'Authorization',
  'Transfer-Encoding',
  'Content-Length',
  'Expect',
  'Connection',
  'Upgrade',
];

function randomHeader(r: Rng, target: FuzzTarget): string {
  const name = r.chance(0.6)
    ? r.pick(HEADER_NAMES)
    : r.chance(0.8)
      ? r.text(1 + r.int(20), 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_!#$%&*+.^`|~')
      : r.text(1 + r.int(10), ' :\t()<>@,;\\"/[]?={}\x00\x01\u00e9');
  const value = r.pick([
    () => r.text(r.int(40)),
    () => r.pick([`http://127.0.0.1:${target.port}`, 'http://evil.example', 'null', 'file://', '%']),
    () => r.pick(['chunked', 'gzip, chunked', 'chunked, gzip', 'identity', ' chunked']),
    () => r.pick(['0', '5', '-1', '+3', '3_0', '99999999999999999999', '1, 2', '']),
    () => r.pick(['100-continue', 'nothing', '']),
    () => r.pick(['close', 'keep-alive', 'Upgrade', 'upgrade, keep-alive']),
    () => r.bytes(r.int(30)).toString('latin1'),
    () => 'v'.repeat(r.int(20_000)),
  ])();
  return `${name}:${r.chance(0.9) ? ' ' : ''}${value}`;
}

function upgradeHeaders(r: Rng): string[] {
  const lines = [];
  if (r.chance(0.9)) lines.push(`Upgrade: ${r.pick(['websocket', 'websocket', 'WebSocket', 'h2c', 'foo', ''])}`);
  if (r.chance(0.9)) lines.push(`Connection: ${r.pick(['Upgrade', 'upgrade', 'keep-alive, Upgrade', 'close'])}`);
  if (r.chance(0.8))
    lines.push(
      `Sec-WebSocket-Key: ${r.pick(['dGhlIHNhbXBsZSBub25jZQ==', 'short', '', r.bytes(16).toString('base64')])}`,
    );
  if (r.chance(0.8)) lines.push(`Sec-WebSocket-Version: ${r.pick(['13', '13', '8', 'x', ''])}`);
  if (r.chance(0.2)) lines.push(`Sec-WebSocket-Extensions: ${r.pick(['permessage-deflate', 'x; y=', ''])}`);
  return lines;
}

function body(r: Rng): { headers: string[]; bytes: Buffer } {
  const roll = r.next();
  if (roll < 0.6) return { headers: [], bytes: Buffer.alloc(0) };
  const data = r.bytes(r.int(200));
  if (roll < 0.75) return { headers: [`Content-Length: ${data.length}`], bytes: data };
  if (roll < 0.85) return { headers: [`Content-Length: ${data.length + r.int(10) - 5}`], bytes: data };
  const chunk = `${data.length.toString(16)}\r\n${data.toString('latin1')}\r\n0\r\n\r\n`;
  const broken = r.pick([chunk, '-6\r\nabc\r\n', 'zz\r\n', `${data.length.toString(16)}\r\nab`]);
  return { headers: ['Transfer-Encoding: chunked'], bytes: Buffer.from(broken, 'latin1') };
}

/** A well-formed request the handlers themselves must answer: pages, downloads, refusals, handshakes. */
function cleanRequest(r: Rng, target: FuzzTarget): { text: string; kind: string; head: boolean } {
  const method = r.pick(['GET', 'GET', 'GET', 'HEAD', 'POST', 'DELETE']);
  const host = r.pick([`127.0.0.1:${target.port}`, `localhost:${target.port}`, `[::1]:${target.port}`]);
  const upgrade = r.chance(0.25);
  const path = upgrade
    ? `/api${r.chance(0.8) ? `?token=${r.chance(0.8) ? target.token : 'nope'}` : ''}`
    : r.chance(0.2)
      ? `/download/models/${r.pick(['iris', '%E0%A4%A', 'x%2Fy', r.text(8)])}/${r.int(3)}?token=${target.token}`
      : pathPart(r, target);
  const lines = [`${upgrade ? 'GET' : method} ${path} HTTP/1.1`, `Host: ${host}`];
  if (upgrade)
    lines.push(
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${r.chance(0.9) ? r.bytes(16).toString('base64') : 'short'}`,
      `Sec-WebSocket-Version: ${r.chance(0.9) ? '13' : '7'}`,
    );
  if (r.chance(0.3)) lines.push(`Origin: ${r.pick([`http://${host}`, 'http://evil.example', 'null'])}`);
  if (!upgrade) lines.push('Connection: close');
  return { text: lines.join('\r\n') + '\r\n\r\n', kind: upgrade ? 'clean-upgrade' : 'clean', head: method === 'HEAD' };
}

/**
 * One request of the grammar: a third are clean (so the handlers behind the parser are reached),
 * the rest hostile; sometimes two or three are pipelined, sometimes the bytes are cut short.
 */
export function fuzzRequest(r: Rng, target: FuzzTarget): FuzzRequest {
  if (r.chance(0.33)) {
    const clean = cleanRequest(r, target);
    return { bytes: Buffer.from(clean.text, 'latin1'), kind: clean.kind, head: clean.head, end: false, count: 1 };
  }
  const count = r.chance(0.05) ? 2 + r.int(2) : 1;
  const parts: Buffer[] = [];
  const kinds: string[] = [];
  let head = false;
  for (let i = 0; i < count; i++) {
    let method = r.chance(0.93) ? r.pick(METHODS) : r.pick(ODD_METHODS);
    // Only a first HEAD is tracked (its answer has no body); later ones would confuse the reader.
    if (i > 0 && method === 'HEAD') method = 'GET';
    if (i === 0) head = method === 'HEAD';
    const { text, kind } = requestTarget(r, target);
    const upgrade = r.chance(0.15);
    const version = r.chance(0.9)
      ? 'HTTP/1.1'
      : r.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1x', 'http/1.1', '']);
    const payload = body(r);
    const lines = [
      `${method} ${upgrade && r.chance(0.7) ? `/api?token=${r.chance(0.7) ? target.token : 'nope'}` : text} ${version}`,
      ...hostHeader(r, target),
      ...(upgrade ? upgradeHeaders(r) : []),
      ...Array.from({ length: r.int(4) }, () => randomHeader(r, target)),
      ...payload.headers,
    ];
    if (count === 1 && !upgrade && r.chance(0.5)) lines.push('Connection: close');
    const eol = r.chance(0.95) ? '\r\n' : '\n';
    parts.push(Buffer.concat([Buffer.from(lines.join(eol) + eol + eol, 'latin1'), payload.bytes]));
    kinds.push(upgrade ? 'upgrade' : kind);
  }
  let bytes = Buffer.concat(parts);
  const cut = r.chance(0.05);
  if (cut) bytes = bytes.subarray(0, r.int(bytes.length));
  // A client that half-closes after a whole request gets no answer from node (it aborts that
  // request on the FIN); one that cuts its request short gets a 400 for the part it sent.
  const halfClose = !cut && r.chance(0.1);
  const kind = cut ? 'truncated' : halfClose ? 'half-closed' : kinds.join('+');
  return { bytes, kind, head, end: cut || halfClose, count };
}

const SAFE_CALLS = [
  'app.info',
  'environments.list',
  'environments.get',
  'environments.versions',
  'environments.scaffold',
  'environments.validateText',
  'jobs.list',
  'runs.list',
  'runs.get',
  'models.list',
  'models.get',
  'services.list',
  'services.get',
  'cache.list',
  'wheels.list',
  'builds.info',
];

/** Any JSON value, nested a few levels (strings with escapes, huge numbers, unicode). */
export function jsonValue(r: Rng, depth = 0): unknown {
  const roll = r.int(depth > 3 ? 5 : 8);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1e308, -1e-308, 2 ** 53 + 1, 0.5, r.int(1e9)]);
    case 3:
      return r.pick(['', 'x', '\u0000', '\ud83d\ude00', '../../etc/passwd', 'Benchtop-Minimal', r.text(r.int(50))]);
    case 4:
      return r.text(r.int(300), 'ab\\"\n\t{}[]:,');
    case 5:
      return Array.from({ length: r.int(5) }, () => jsonValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(5) }, () => [
          r.pick(['name', 'version', 'id', 'call', 'input', '__proto__', 'constructor', r.text(5)]),
          jsonValue(r, depth + 1),
        ]),
      );
  }
}

export type FuzzMessage =
  /** A well-shaped call: the server must answer this id. */
  | { kind: 'call'; id: number; text: string }
  /** Anything else as text: answered with id null (BAD_INPUT). */
  | { kind: 'malformed'; text: string }
  | { kind: 'binary'; data: Buffer }
  /** A text frame that is not UTF-8: the server closes this socket with 1007. */
  | { kind: 'bad-utf8'; data: Buffer };

/** One API-socket message of the grammar. `nextId` numbers the well-shaped calls. */
export function fuzzMessage(r: Rng, nextId: () => number): FuzzMessage {
  const roll = r.next();
  if (roll < 0.45) {
    const id = nextId();
    const call = r.chance(0.85) ? r.pick(SAFE_CALLS) : r.pick(['', 'x', 'runs.', '__proto__', 'toString', r.text(12)]);
    const message: Record<string, unknown> = { id, call, input: jsonValue(r) };
    if (r.chance(0.1)) delete message.input;
    return { kind: 'call', id, text: JSON.stringify(message) };
  }
  if (roll < 0.85) {
    const text = r.pick([
      () => JSON.stringify(jsonValue(r)),
      () => r.pick(['null', '[]', '"x"', '42', '{}', 'true', '{"id":null}', '{"id":"1","call":"app.info"}']),
      () => JSON.stringify({ id: r.pick([null, '1', [], {}, true]), call: 'app.info', input: {} }),
      () => r.text(r.int(100), '{}[]":,0123456789abcnul \\'),
      () => '['.repeat(1 + r.int(50_000)) + ']'.repeat(r.int(3)),
      () => '',
    ])();
    // A well-shaped object by chance is a call; the grammar above rarely makes one.
    try {
      const value = JSON.parse(text) as { id?: unknown; call?: unknown };
      if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.id === 'number')
        return { kind: 'malformed', text: JSON.stringify({ ...value, id: 'not-a-number' }) };
    } catch {
      // Not JSON: malformed, as intended.
    }
    return { kind: 'malformed', text };
  }
  if (roll < 0.97) return { kind: 'binary', data: r.bytes(r.int(2_000)) };
  return { kind: 'bad-utf8', data: Buffer.concat([Buffer.from('{"id":1,"call":"'), Buffer.from([0xc3, 0x28, 0xff])]) };
}

/** One hand-made frame: bad opcodes, reserved bits, unmasked, lying lengths, oversized control frames. */
export function fuzzFrame(r: Rng): {
  opcode: number;
  payload: Buffer;
  fin: boolean;
  rsv: number;
  mask: boolean;
  declaredLength?: bigint;
} {
  const opcode = r.chance(0.6) ? r.pick([0, 1, 2, 8, 9, 10]) : r.int(16);
  const payload = r.chance(0.3)
    ? Buffer.from(JSON.stringify(jsonValue(r)))
    : r.bytes(r.int(r.chance(0.1) ? 70_000 : 200));
  const declaredLength = r.chance(0.1)
    ? r.pick([0n, 1n, 126n, 65_535n, 65_536n, 2n ** 62n, 2n ** 63n - 1n, 17n * 1024n * 1024n])
    : undefined;
  return {
    opcode,
    payload,
    fin: r.chance(0.85),
    rsv: r.chance(0.1) ? 1 + r.int(7) : 0,
    mask: r.chance(0.95),
    declaredLength,
  };
}
