import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { guardRequest } from '../../src/main/server/handlerGuards';
import { type RunningServer, startServer } from '../../src/main/server/server';
import { rawExchange, rawGet } from '../helpers/rawHttp';
import { OPCODE, encodeFrame, openRawWebSocket } from '../helpers/rawWebSocket';
import { type ServeProcess, startServeProcess } from '../helpers/serveProcess';
import { tempDir } from '../helpers/workspace';
import { callApi, connectApi } from '../helpers/ws';

const SECURITY_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

/** Resolves with the close code the server sent (or the client saw). */
const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

/** The next message on `ws` (an error for a frame without a usable id); rejects if the socket closes first. */
const nextMessage = (ws: WebSocket) =>
  new Promise<{ id: unknown; result: { ok: boolean; error?: { code: string } } }>((resolve, reject) => {
    ws.once('message', (raw) => resolve(JSON.parse(raw.toString())));
    ws.once('close', () => reject(new Error('the socket closed without an answer')));
  });

/** callApi that fails fast (instead of waiting forever) when the socket closes or the server is gone. */
function callOrFail(ws: WebSocket, name: string, input: unknown, ms = 5_000) {
  return Promise.race([
    callApi(ws, name, input),
    new Promise<never>((_resolve, reject) => {
      setTimeout(() => reject(new Error(`no answer to ${name} within ${ms} ms`)), ms).unref();
      ws.once('close', () => reject(new Error(`the socket closed before ${name} was answered`)));
    }),
  ]);
}

// A crash on today's code would otherwise leave tests waiting for answers that never come.
describe('benchtop serve (its own process) survives hostile requests', { timeout: 30_000 }, () => {
  // A fresh process per test (a quarter second): a crash fails the test that caused it, not the ones after.
  let serve: ServeProcess;
  beforeEach(async () => {
    serve = await startServeProcess();
  });
  afterEach(async () => {
    try {
      // The point of every test: the process is still there and still answers.
      expect(serve.exited(), serve.output()).toBeNull();
      const probe = await rawGet(serve.port, '/');
      expect(probe.responses[0]?.status, serve.output()).toBe(200);
    } finally {
      await serve.stop();
    }
  });

  it.each(['/%', '/%E0%A4%A', '/a%zz/b', '/%00', '/x?token=%'])(
    'answers 400 to GET %s (bad %-escape)',
    async (target) => {
      const answer = await rawGet(serve.port, target);
      expect(answer.garbage).toBe('');
      // The last one has its bad escape in the query, which is not decoded as a path: served.
      expect(answer.responses[0]?.status).toBe(target.includes('?') ? 200 : 400);
    },
  );

  it('answers 400 to an absolute-form target that does not parse (GET http://[::1)', async () => {
    const answer = await rawExchange(serve.port, `GET http://[::1 HTTP/1.1\r\nHost: 127.0.0.1:${serve.port}\r\n\r\n`);
    expect(answer.responses[0]?.status).toBe(400);
  });

  it('serves an absolute-form target naming this server, and refuses one naming another', async () => {
    const ours = await rawGet(serve.port, `http://127.0.0.1:${serve.port}/`);
    expect(ours.responses[0]?.status).toBe(200);
    const foreign = await rawGet(serve.port, 'http://evil.example/');
    expect(foreign.responses[0]?.status).toBe(403);
  });

  it('answers 400 to a malformed Host, on plain requests and on upgrades (Host: a b)', async () => {
    const plain = await rawExchange(serve.port, 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n');
    expect(plain.responses[0]?.status).toBe(400);
    const upgrade = await rawExchange(
      serve.port,
      'GET /api HTTP/1.1\r\nHost: a b\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(upgrade.responses[0]?.status).toBe(400);
  });

  it('answers a request and an upgrade pipelined behind it in order (found by the fuzzer)', async () => {
    const host = `Host: 127.0.0.1:${serve.port}\r\n`;
    const answer = await rawExchange(
      serve.port,
      `GET / HTTP/1.1\r\n${host}\r\n` +
        `GET /api?token=wrong HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      { expect: 2 },
    );
    expect(answer.garbage).toBe('');
    expect(answer.responses.map((r) => r.status)).toEqual([200, 401]);
  });

  it('answers 400 with a message to a download link with a bad escape', async () => {
    const answer = await rawGet(serve.port, `/download/models/%E0%A4%A/1?token=${serve.token}`);
    expect(answer.responses[0]?.status).toBe(400);
    expect(answer.responses[0]?.body.toString()).toMatch(/malformed .*%-escape/);
  });

  it('sends COOP, CORP, Permissions-Policy and the CSP on every response, refusals included', async () => {
    const answers = await Promise.all([
      rawGet(serve.port, '/'),
      rawGet(serve.port, '/%'),
      rawGet(serve.port, '/download/models/x/1'),
      rawGet(serve.port, `/download/models/x/1?token=${serve.token}`),
      rawExchange(serve.port, 'GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n'),
      rawExchange(serve.port, `DELETE / HTTP/1.1\r\nHost: 127.0.0.1:${serve.port}\r\n\r\n`),
      rawExchange(
        serve.port,
        'GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      ),
      rawExchange(serve.port, 'NOT HTTP\r\n\r\n'),
    ]);
    expect(answers.map((a) => a.responses[0]?.status)).toEqual([200, 400, 401, 404, 403, 405, 403, 400]);
    for (const answer of answers) {
      const headers = answer.responses[0]?.headers ?? {};
      expect(headers).toMatchObject(SECURITY_HEADERS);
      expect(headers['permissions-policy']).toContain('camera=()');
      expect(headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  describe('over the API socket', () => {
    let bystander: WebSocket;
    beforeEach(async () => {
      bystander = await connectApi(serve.port, `?token=${serve.token}`);
    });
    afterEach(async () => {
      // Another authenticated client is untouched by whatever the test did to its own socket.
      expect(serve.exited(), serve.output()).toBeNull();
      expect((await callOrFail(bystander, 'app.info', {})).ok).toBe(true);
      bystander.close();
    });

    it.each(['null', '[]', '"x"', '42', '{}', '{"id":"1","call":"app.info"}', 'not json'])(
      'answers %s with BAD_INPUT and keeps the socket',
      async (text) => {
        const ws = await connectApi(serve.port, `?token=${serve.token}`);
        const answer = nextMessage(ws);
        ws.send(text);
        expect(await answer).toMatchObject({ id: null, result: { ok: false, error: { code: 'BAD_INPUT' } } });
        expect((await callOrFail(ws, 'app.info', {})).ok).toBe(true);
        ws.close();
      },
    );

    it('answers a message without a string call by its id', async () => {
      const ws = await connectApi(serve.port, `?token=${serve.token}`);
      const answer = nextMessage(ws);
      ws.send(JSON.stringify({ id: 7, call: null }));
      expect(await answer).toMatchObject({ id: 7, result: { ok: false, error: { code: 'BAD_INPUT' } } });
      ws.close();
    });

    it('closes only that socket, with 1007, on a text frame that is not UTF-8', async () => {
      const ws = await connectApi(serve.port, `?token=${serve.token}`);
      ws.on('error', () => undefined);
      const closed = closeCode(ws);
      ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      expect(await closed).toBe(1007);
    });

    it('closes only that socket, with 1009, on a 17 MB message', async () => {
      const ws = await connectApi(serve.port, `?token=${serve.token}`);
      ws.on('error', () => undefined); // The server may reset while the rest of the 17 MB is still going out.
      const closed = closeCode(ws);
      ws.send(Buffer.alloc(17 * 1024 * 1024, 0x20), { binary: false });
      expect([1009, 1006]).toContain(await closed);
    });

    it('closes only that socket on frames no client library sends (unmasked, reserved bits, bad opcode)', async () => {
      const frames = [
        encodeFrame(OPCODE.text, Buffer.from('{}'), { mask: false }),
        encodeFrame(OPCODE.text, Buffer.from('{}'), { rsv: 4 }),
        encodeFrame(0x3, Buffer.from('x')),
        encodeFrame(OPCODE.ping, Buffer.alloc(200)), // control frames are at most 125 bytes
        encodeFrame(OPCODE.text, Buffer.alloc(0), { declaredLength: 2n ** 62n }),
      ];
      for (const frame of frames) {
        const raw = await openRawWebSocket(serve.port, serve.token);
        raw.send(frame);
        expect([1002, 1009]).toContain(await raw.closed);
      }
    });

    it('answers a binary message with BAD_INPUT', async () => {
      const ws = await connectApi(serve.port, `?token=${serve.token}`);
      const answer = nextMessage(ws);
      ws.send(Buffer.from(JSON.stringify({ id: 1, call: 'app.info', input: {} })), { binary: true });
      expect(await answer).toMatchObject({ id: null, result: { ok: false, error: { code: 'BAD_INPUT' } } });
      ws.close();
    });
  });
});

describe('benchtop serve (in this process): files stay inside their folder, slow clients are dropped', () => {
  let core: Core;
  let server: RunningServer;
  let staticDir: string;
  let secret: string;
  beforeAll(async () => {
    const outside = tempDir('bt-outside-');
    secret = path.join(outside, 'secret.txt');
    fs.writeFileSync(secret, 'TOP-SECRET');
    staticDir = tempDir('bt-static-');
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<div id="root"></div>');
    fs.writeFileSync(path.join(staticDir, 'app.js'), 'console.log(1)');
    fs.symlinkSync(secret, path.join(staticDir, 'leak.txt'));
    fs.symlinkSync(outside, path.join(staticDir, 'leakdir'));
    core = openCore(tempDir('bt-hardening-'));
    server = await startServer({
      core,
      host: '127.0.0.1',
      port: 0,
      staticDir,
      timeouts: { headers: 1_000, request: 2_000, heartbeat: 300 },
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await server.close();
    core.close();
  });

  it('serves its files, and refuses symlinks that lead out of the folder', async () => {
    expect((await rawGet(server.port, '/app.js')).responses[0]?.body.toString()).toBe('console.log(1)');
    for (const target of ['/leak.txt', '/leakdir/secret.txt', '/../' + path.basename(path.dirname(secret))]) {
      const answer = (await rawGet(server.port, target)).responses[0];
      expect(answer?.status, target).toBe(404);
      expect(answer?.body.toString()).not.toContain('TOP-SECRET');
    }
    // A path that is simply not there is a client-side route: the app.
    expect((await rawGet(server.port, '/environments/x')).responses[0]?.body.toString()).toContain('id="root"');
  });

  it('refuses a model download whose stored blob links out of the model store', async () => {
    const source = path.join(tempDir('bt-model-'), 'model.pkl');
    fs.writeFileSync(source, 'TOP-SECRET'); // same size and bytes: only the link check can refuse it
    const model = await core.models.register({ name: 'linked', path: source });
    const blob = core.models.blobs.blobPath(core.models.get('linked', Number(model.version)).files[0]!.digest);
    fs.rmSync(blob, { force: true });
    fs.symlinkSync(secret, blob);
    const answer = (await rawGet(server.port, `/download/models/linked/1?token=${server.token}`)).responses[0];
    expect(answer?.status).toBe(500);
    expect(answer?.body.toString()).toMatch(/outside the model store/);
    expect(answer?.body.toString()).not.toContain('TOP-SECRET');
  });

  it('answers 408 and closes a connection whose headers never finish (slowloris)', async () => {
    const started = Date.now();
    const answer = await rawExchange(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `, {
      timeoutMs: 6_000,
    });
    expect(answer.timedOut).toBe(false);
    expect(answer.responses[0]?.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('drops an API socket that never answers pings', { timeout: 10_000 }, async () => {
    // A raw socket answers nothing by itself, like a client that stopped reading.
    const raw = await openRawWebSocket(server.port, server.token);
    const started = Date.now();
    await raw.closed;
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('guardRequest: a handler that fails is answered, logged and never reaches the process', () => {
  let server: http.Server;
  const logged: string[] = [];
  beforeAll(async () => {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void | Promise<void> => {
      if (req.url === '/throw') throw new Error('boom at /throw');
      if (req.url === '/reject') return Promise.reject(new TypeError('boom at /reject'));
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      throw new Error('boom after the head');
    };
    server = http.createServer(guardRequest(handler, (line) => logged.push(line)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 500 with a JSON message and no stack, and logs the error', async () => {
    const port = (server.address() as AddressInfo).port;
    for (const target of ['/throw', '/reject']) {
      const answer = (await rawGet(port, target)).responses[0];
      expect(answer?.status).toBe(500);
      expect(JSON.parse(answer?.body.toString() ?? '')).toEqual({
        error: { code: 'INTERNAL', message: 'The server failed to answer this request.' },
      });
      expect(answer?.body.toString()).not.toContain('boom');
    }
    // Once the head is out, the only honest signal left is a cut connection.
    const cut = await rawGet(port, '/late');
    expect(cut.closed).toBe(true);
    expect(cut.responses).toEqual([]);
    expect(logged.join('\n')).toMatch(/GET "\/throw": Error: boom at \/throw[\s\S]*GET "\/reject": TypeError/);
  });
});
