// The scoring server's HTTP layer against real processes (`python -m benchtop.serving`, 2 workers): what
// used to hang, smuggle or inject (issue 10), slow clients, timeouts, the connection cap, memory, a fuzzer,
// and the differential test that keeps the hand-written parser in agreement with h11.
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from '../helpers/rawHttp';
import {
  connect,
  cpuSeconds,
  h11Python,
  msUntilClosed,
  rssMb,
  runHttpDifferential,
  type ScoringServer,
  startScoringServer,
  stopScoringServer,
  workerPids,
} from '../helpers/scoringServer';
import { requireComponent, waitUntil } from '../helpers/workspace';

const SCORE = `import json


def init():
    pass


def run(raw):
    try:
        data = json.loads(raw)
    except ValueError:
        return {"length": len(raw)}
    if isinstance(data, dict) and "repeat" in data:
        return "x" * int(data["repeat"])  # a big answer from a small request
    if isinstance(data, dict) and "inject" in data:
        from azureml.contrib.services.aml_response import AMLResponse

        headers = {"X-Evil": "a\\r\\nSet-Cookie: evil=1", "X-Ok": "fine", "Content-Length": "999", "Bad Name": "x"}
        return AMLResponse("answer", 200, headers)
    return data
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET / on a fresh connection; its status and how long it took. */
function probe(port: number): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, ms: Date.now() - started }));
    req.on('timeout', () => req.destroy());
  });
}

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';

// Each is refused with 400; the trailing request must never be answered.
const REFUSED: [string, string][] = [
  [
    'Content-Length with Transfer-Encoding',
    head(['POST /score HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Transfer-Encoding: chunked']) + '0\r\n\r\n',
  ],
  [
    'Transfer-Encoding: gzip, chunked with Content-Length',
    head(['POST /score HTTP/1.1', 'Host: x', 'Transfer-Encoding: gzip, chunked', 'Content-Length: 5']) + '0\r\n\r\n',
  ],
  [
    'conflicting Content-Length fields',
    head(['POST /score HTTP/1.1', 'Host: x', 'Content-Length: 2', 'Content-Length: 40']) + '{}',
  ],
  ['Content-Length: +2', head(['POST /score HTTP/1.1', 'Host: x', 'Content-Length: +2']) + '{}'],
  ['Content-Length: 2_0', head(['POST /score HTTP/1.1', 'Host: x', 'Content-Length: 2_0']) + '{}'],
  ['whitespace before the colon', head(['POST /score HTTP/1.1', 'Host: x', 'Content-Length : 2']) + '{}'],
  ['a NUL in a header value', head(['GET / HTTP/1.1', 'Host: x', 'X-A: a\x00b'])],
  ['a control byte in a header value', head(['GET / HTTP/1.1', 'Host: x', 'X-A: a\x01b'])],
  ['a NUL in a header name', head(['GET / HTTP/1.1', 'Host: x', 'X\x00A: b'])],
  [
    'chunk data without its CRLF',
    head(['POST /score HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']) + '2\r\n{}XX0\r\n\r\n',
  ],
  ['obs-fold', head(['GET / HTTP/1.1', 'Host: x', 'X-A: a', ' folded'])],
  ['a method that is not a token', head(['G(T / HTTP/1.1', 'Host: x'])],
  ['a header name that is not a token', head(['GET / HTTP/1.1', 'Host: x', 'X@Y: 1'])],
  ['a malformed HTTP version', head(['GET / HTTP/1.x', 'Host: x'])],
  [
    'a malformed chunk size',
    head(['POST /score HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']) + 'zz\r\n{}\r\n0\r\n\r\n',
  ],
  ['an unknown Transfer-Encoding', head(['POST /score HTTP/1.1', 'Host: x', 'Transfer-Encoding: gzip']) + '{}'],
];

describe('the scoring server HTTP layer (a real 2-worker server)', () => {
  let server: ScoringServer;
  let workers: number[];
  beforeAll(async () => {
    server = await startScoringServer(SCORE, ['--workers', '2']);
    workers = workerPids(server);
    expect(workers).toHaveLength(2);
  });
  afterAll(() => stopScoringServer(server));

  it('refuses a chunk size of -6 with 400; the workers stay free and idle', async () => {
    const request = head(['POST /score HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']) + '-6\r\nabcdef\r\n';
    // Several connections, so both workers (SO_REUSEPORT spreads connections) get one.
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => rawExchange(server.port, request, { expect: 2 })),
    );
    for (const answer of answers) {
      expect(answer.responses.map((r) => r.status)).toEqual([400]);
      expect(answer.closed).toBe(true);
    }
    const before = workers.map(cpuSeconds);
    expect((await probe(server.port)).ms).toBeLessThan(1000);
    await sleep(1000);
    const spent = workers.map((pid, i) => cpuSeconds(pid) - (before[i] as number));
    expect(Math.max(...spent)).toBeLessThan(0.5);
  });

  it.each(REFUSED)('refuses %s with 400 and Connection: close, and answers nothing after it', async (_, request) => {
    const answer = await rawExchange(server.port, request + SMUGGLED, { expect: 2, timeoutMs: 3000 });
    expect(answer.garbage).toBe('');
    expect(answer.responses.map((r) => r.status)).toEqual([400]);
    expect(answer.responses[0]?.headers.connection).toBe('close');
    expect(answer.closed).toBe(true);
  });

  it('answers 501 to a coding it does not implement and 505 to HTTP/2.0, then closes', async () => {
    const gzip = await rawExchange(
      server.port,
      head(['POST /score HTTP/1.1', 'Host: x', 'Transfer-Encoding: gzip, chunked']) + '0\r\n\r\n' + SMUGGLED,
      { expect: 2, timeoutMs: 3000 },
    );
    expect(gzip.responses.map((r) => r.status)).toEqual([501]);
    const version = await rawExchange(server.port, head(['GET / HTTP/2.0', 'Host: x']) + SMUGGLED, { expect: 2 });
    expect(version.responses.map((r) => r.status)).toEqual([505]);
    expect(version.closed).toBe(true);
  });

  it('echoes x-request-id only when it is a safe token; a bare LF ends a field, it is never echoed', async () => {
    const lf = await rawExchange(
      server.port,
      head(['GET / HTTP/1.1', 'Host: x', 'x-request-id: abc\nSet-Cookie: evil=1', 'Connection: close']),
    );
    expect(lf.garbage).toBe('');
    expect(lf.responses[0]?.status).toBe(200);
    expect(lf.responses[0]?.headers['set-cookie']).toBeUndefined();
    expect(lf.responses[0]?.headers['x-request-id']).toBe('abc');
    for (const unsafe of ['a b', 'caf\xe9', 'a\tb']) {
      const answer = await rawExchange(
        server.port,
        head(['GET / HTTP/1.1', 'Host: x', `x-request-id: ${unsafe}`, 'Connection: close']),
      );
      expect(answer.responses[0]?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const safe = await rawExchange(
      server.port,
      head(['GET / HTTP/1.1', 'Host: x', 'x-request-id: req-42.a_b', 'Connection: close']),
    );
    expect(safe.responses[0]?.headers['x-request-id']).toBe('req-42.a_b');
  });

  it('answers HEAD without a body, and requests whose lines end in a bare LF (as h11 reads them)', async () => {
    const headAnswer = await rawExchange(server.port, head(['HEAD / HTTP/1.1', 'Host: x', 'Connection: close']), {
      head: true,
    });
    expect(headAnswer.garbage).toBe('');
    expect(headAnswer.responses).toHaveLength(1);
    expect(headAnswer.responses[0]?.headers['content-length']).toBe('7');
    const bareLf = await rawExchange(server.port, 'GET / HTTP/1.1\nHost: x\nConnection: close\n\n', {
      timeoutMs: 3000,
    });
    expect(bareLf.responses.map((r) => [r.status, r.body.toString()])).toEqual([[200, 'Healthy']]);
  });

  it('decodes 1 MB of 1-byte chunks in under a second; a 100 KB header in one write gets 431', async () => {
    const chunks = '1\r\na\r\n'.repeat(1024 * 1024);
    const started = Date.now();
    const decoded = await rawExchange(
      server.port,
      head(['POST /score HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked', 'Connection: close']) +
        chunks +
        '0\r\n\r\n',
      { timeoutMs: 10_000 },
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(decoded.responses.map((r) => r.body.toString())).toEqual(['{"length": 1048576}']);
    const huge = await rawExchange(server.port, head(['GET / HTTP/1.1', 'Host: x', `X-Big: ${'b'.repeat(100_000)}`]), {
      expect: 2,
    });
    expect(huge.responses.map((r) => r.status)).toEqual([431]);
    expect(huge.closed).toBe(true);
  });

  it('drops AMLResponse headers that would inject CR/LF or change the framing', async () => {
    const body = '{"inject": true}';
    const answer = await rawExchange(
      server.port,
      head(['POST /score HTTP/1.1', 'Host: x', `Content-Length: ${body.length}`, 'Connection: close']) + body,
    );
    expect(answer.garbage).toBe('');
    const [response] = answer.responses;
    expect(response?.body.toString()).toBe('answer');
    expect(response?.headers['x-ok']).toBe('fine');
    expect(response?.headers['set-cookie']).toBeUndefined();
    expect(response?.headers['x-evil']).toBeUndefined();
    expect(response?.headers['content-length']).toBe('6');
    await waitUntil(() => fs.readFileSync(server.log, 'utf8').includes('Dropped response header(s) from run()'), 3000);
  });

  it('keeps 100-continue, 413 with a readable answer, timing headers and access log lines', async () => {
    const socket = await connect(server.port);
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.write(head(['POST /score HTTP/1.1', 'Host: x', 'Expect: 100-continue', 'Content-Length: 11']));
    await sleep(300);
    expect(Buffer.concat(received).toString()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    socket.write('{"data": 1}');
    await sleep(300);
    const answer = Buffer.concat(received).toString();
    expect(answer).toMatch(/HTTP\/1\.1 200 OK[\s\S]*x-ms-run-fn-exec-ms: [\d.]+\r\n[\s\S]*\{"data": 1\}$/);
    socket.destroy();
    const tooBig = await rawExchange(
      server.port,
      head(['POST /score HTTP/1.1', 'Host: x', `Content-Length: ${11 * 1024 * 1024}`]) + 'x'.repeat(1024 * 1024),
    );
    expect(tooBig.responses.map((r) => r.status)).toEqual([413]);
    expect(tooBig.responses[0]?.body.toString()).toContain("larger than the service's limit of 10 MB");
    await sleep(300); // the access log is written in batches
    expect(fs.readFileSync(server.log, 'utf8')).toMatch(/POST \/score 200 [\d.]+ms 11/);
  });

  it('a non-reading client, 200 slow heads and held partial bodies never keep a probe waiting 1 s', async () => {
    const sockets: net.Socket[] = [];
    const slowHeads = await Promise.all(Array.from({ length: 200 }, () => connect(server.port)));
    sockets.push(...slowHeads);
    for (const s of slowHeads) s.write('POST /score HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => {
      for (const s of slowHeads) s.write('X-Slow: 1\r\n');
    }, 200);
    // Clients that post 9 MB and never read their (9 MB, then 30 MB) answers.
    const bigBody = JSON.stringify('y'.repeat(9 * 1024 * 1024));
    for (const body of [bigBody, bigBody, '{"repeat": 31457280}', '{"repeat": 31457280}']) {
      const s = await connect(server.port);
      s.pause();
      s.write(head(['POST /score HTTP/1.1', 'Host: x', `Content-Length: ${Buffer.byteLength(body)}`]) + body);
      sockets.push(s);
    }
    // Partial bodies, held.
    for (let i = 0; i < 4; i++) {
      const s = await connect(server.port);
      s.write(head(['POST /score HTTP/1.1', 'Host: x', 'Content-Length: 9437184']) + 'z'.repeat(4 * 1024 * 1024));
      sockets.push(s);
    }
    const probes: { status: number; ms: number }[] = [];
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      probes.push(await probe(server.port));
      await sleep(50);
    }
    clearInterval(trickle);
    for (const s of sockets) s.destroy();
    expect(probes.length).toBeGreaterThan(10);
    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(1000);
  });

  it('gives memory back after 20 clients holding 9 MB bodies leave', async () => {
    await sleep(1500); // the previous test's buffers are let go of
    const before = workers.map(rssMb);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(server.port)));
    const body = 'm'.repeat(9 * 1024 * 1024);
    for (const s of sockets) s.write(head(['POST /score HTTP/1.1', 'Host: x', 'Content-Length: 9500000']) + body);
    const grown = Date.now() + 10_000;
    while (workers.reduce((sum, pid) => sum + rssMb(pid), 0) < before.reduce((a, b) => a + b, 0) + 120) {
      if (Date.now() > grown) throw new Error(`the workers never held the bodies: ${workers.map(rssMb).join(', ')} MB`);
      await sleep(100);
    }
    for (const s of sockets) s.destroy();
    const settled = Date.now() + 5000;
    let after = workers.map(rssMb);
    while (after.some((mb, i) => mb > (before[i] as number) + 15) && Date.now() < settled) {
      await sleep(200);
      after = workers.map(rssMb);
    }
    const report = after.map((mb, i) => `${Math.round(mb)} MB (was ${Math.round(before[i] as number)} MB)`).join(', ');
    expect(
      after.every((mb, i) => mb <= (before[i] as number) + 15),
      report,
    ).toBe(true);
  });

  it('fuzzer: 10,000 generated request streams, every answer well-formed, no worker died', () => {
    const h11 = h11Python();
    if (!requireComponent('h11 0.16 from PyPI (the fuzzer checks answers against it)', h11 !== null)) return;
    const run = runHttpDifferential(h11 as string, ['live', '--port', String(server.port), '--count', '10000']);
    expect(run.summary, run.stderr).toMatchObject({ streams: 10000, problems: 0 });
    expect(run.code).toBe(0);
    expect(workerPids(server)).toEqual(workers);
    expect(fs.readFileSync(server.log, 'utf8')).not.toMatch(/Worker \d+ exited|Traceback/);
  }, 180_000);
});

describe('timeouts and the connection cap (settings from the command line)', () => {
  let server: ScoringServer;
  beforeAll(async () => {
    server = await startScoringServer(SCORE, [
      '--workers',
      '1',
      ...['--header-timeout-s', '1', '--body-timeout-s', '1', '--idle-timeout-s', '1', '--write-timeout-s', '1'],
    ]);
  });
  afterAll(() => stopScoringServer(server));

  it('closes silent, trickling, half-sent, idle and non-reading connections after their timeouts', async () => {
    const silent = await connect(server.port);
    const trickling = await connect(server.port);
    trickling.write('GET / HTTP/1.1\r\n');
    const trickle = setInterval(() => trickling.write('X: y\r\n'), 150);
    const halfBody = await connect(server.port);
    halfBody.write(head(['POST /score HTTP/1.1', 'Host: x', 'Content-Length: 100']) + '{"a"');
    const idle = await connect(server.port);
    idle.write(head(['GET / HTTP/1.1', 'Host: x']));
    // A client that does not read its 50 MB answer: once it reads again, the server has long dropped it.
    const notReading = await connect(server.port);
    notReading.pause();
    const big = '{"repeat": 52428800}';
    notReading.write(head(['POST /score HTTP/1.1', 'Host: x', `Content-Length: ${big.length}`]) + big);
    const closed = await Promise.all([silent, trickling, halfBody, idle].map((s) => msUntilClosed(s, 6000)));
    clearInterval(trickle);
    for (const ms of closed) {
      expect(ms).not.toBeNull();
      expect(ms as number).toBeGreaterThan(700);
      expect(ms as number).toBeLessThan(4000);
    }
    await sleep(1500); // its write timeout (1 s from when the answer stalled) has passed too
    let received = 0;
    notReading.on('data', (d: Buffer) => (received += d.length));
    notReading.resume();
    expect(await msUntilClosed(notReading, 3000)).not.toBeNull();
    expect(received).toBeLessThan(52428800);
    expect((await probe(server.port)).status).toBe(200);
  });
});

describe('the per-worker connection cap', () => {
  let server: ScoringServer;
  beforeAll(async () => {
    server = await startScoringServer(SCORE, ['--workers', '1', '--max-connections', '3']);
  });
  afterAll(() => stopScoringServer(server));

  it('stops accepting at the cap (the kernel queues the next connection) and serves it once one closes', async () => {
    await sleep(300); // the health probe's connection is gone
    const held = await Promise.all([0, 1, 2].map(() => connect(server.port)));
    const waiting = probe(server.port);
    const early = await Promise.race([waiting, sleep(700).then(() => null)]);
    expect(early).toBeNull();
    held[0]?.destroy();
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(answered.ms).toBeLessThan(2000);
    for (const s of held) s.destroy();
    expect(fs.readFileSync(server.log, 'utf8')).toContain('At the connection limit (3)');
  });
});

describe('the parser agrees with h11 (test/python/http_differential.py)', () => {
  it('100,000 generated request streams: both refuse, or both read the same requests', () => {
    const h11 = h11Python();
    if (!requireComponent('h11 0.16 from PyPI (the reference parser)', h11 !== null)) return;
    const run = runHttpDifferential(h11 as string, ['--count', '100000', '--jobs', '2']);
    expect(run.summary, run.stderr).toMatchObject({ streams: 100000, disagreements: 0 });
    expect(run.summary.requests as number).toBeGreaterThan(100_000);
    expect(run.code).toBe(0);
  }, 180_000);
});
