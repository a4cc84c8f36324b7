import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzTarget, fuzzFrame, fuzzMessage, fuzzRequest, rng } from '../helpers/fuzzGrammar';
import { rawExchange, rawGet } from '../helpers/rawHttp';
import { encodeFrame, openRawWebSocket } from '../helpers/rawWebSocket';
import { type ServeProcess, startServeProcess } from '../helpers/serveProcess';
import { pool, tally } from '../helpers/taskPool';
import { callApi, connectApi } from '../helpers/ws';

/** Bounded so that CI stays fast (about 20 s on 2 busy cores); BENCHTOP_FUZZ_SEED replays a run. */
const HTTP_REQUESTS = 5_000;
const SOCKET_MESSAGES = 4_000;
const RAW_FRAMES = 1_200;
const SEED = Number(process.env.BENCHTOP_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const REQUIRED_HEADERS = ['content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy'];

describe(`benchtop serve under a grammar-based fuzzer (seed ${SEED})`, () => {
  let serve: ServeProcess;
  let target: FuzzTarget;
  beforeAll(async () => {
    serve = await startServeProcess();
    target = { port: serve.port, token: serve.token };
  });
  afterAll(async () => {
    await serve.stop();
  });

  it(`answers ${HTTP_REQUESTS} hostile HTTP requests with well-formed responses and stays up`, async () => {
    const r = rng(SEED);
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    const unanswered: Record<string, number> = {};
    const started = Date.now();
    await pool(HTTP_REQUESTS, 24, async () => {
      const request = fuzzRequest(r, target); // generated before the await: the sequence depends on the seed only
      const exchange = await rawExchange(target.port, request.bytes, {
        expect: request.count,
        head: request.head,
        endAfterWrite: request.end,
        timeoutMs: 5_000,
      });
      const sample = JSON.stringify(request.bytes.subarray(0, 160).toString('latin1'));
      if (exchange.garbage) failures.push(`malformed response ${JSON.stringify(exchange.garbage)} to ${sample}`);
      if (exchange.timedOut && exchange.responses.length === 0) failures.push(`no answer within 5 s to ${sample}`);
      if (exchange.responses.length === 0) tally(unanswered, request.kind);
      for (const response of exchange.responses) {
        tally(statuses, String(response.status));
        if (response.status >= 500) failures.push(`${response.status} to ${sample}: ${response.body.toString()}`);
        const missing = REQUIRED_HEADERS.filter((name) => !(name in response.headers));
        if (missing.length) failures.push(`${response.status} without ${missing.join(', ')} to ${sample}`);
      }
    });
    console.log(
      `HTTP fuzz: ${HTTP_REQUESTS} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(statuses)}; ` +
        `closed without an answer ${JSON.stringify(unanswered)}`,
    );
    expect(serve.exited(), serve.output()).toBeNull();
    expect(failures.slice(0, 10)).toEqual([]);
    // A handler that threw was answered 500 and logged: none may have.
    expect(serve.output()).not.toMatch(/error (answering|upgrading)/);
    // Every request earns a response, except one cut to nothing or followed by the client's FIN
    // (node drops requests of half-closed connections): see fuzzRequest.
    expect(Object.keys(unanswered).filter((kind) => kind !== 'truncated' && kind !== 'half-closed')).toEqual([]);
    expect((await rawGet(target.port, '/')).responses[0]?.status).toBe(200);
  });

  it(`survives ${SOCKET_MESSAGES} API-socket messages and ${RAW_FRAMES} hand-made frames`, async () => {
    const r = rng(SEED + 1);
    let id = 0;
    const nextId = () => ++id;
    const failures: string[] = [];
    const kinds: Record<string, number> = {};
    const started = Date.now();
    await pool(4, 4, async (lane) => {
      const perLane = SOCKET_MESSAGES / 4;
      let sent = 0;
      while (sent < perLane) {
        const ws = await connectApi(target.port, `?token=${target.token}`);
        ws.on('error', () => undefined);
        const pending = new Set<number>();
        let unmatched = 0; // answers owed with id null (malformed and binary messages)
        const settled = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
        ws.on('message', (raw) => {
          const message = JSON.parse(raw.toString()) as { id?: number | null; event?: string };
          if (message.event) return;
          if (message.id === null) unmatched -= 1;
          else pending.delete(message.id as number);
        });
        let broken = false;
        while (sent < perLane && !broken) {
          const message = fuzzMessage(r, nextId);
          sent += 1;
          tally(kinds, message.kind);
          if (message.kind === 'call') {
            pending.add(message.id);
            ws.send(message.text);
          } else if (message.kind === 'malformed') {
            unmatched += 1;
            ws.send(message.text);
          } else if (message.kind === 'binary') {
            unmatched += 1;
            ws.send(message.data, { binary: true });
          } else {
            // Everything sent so far is answered first: the bad frame closes the socket, and with it what is in flight.
            await drained(ws, () => pending.size === 0 && unmatched === 0, 10_000);
            ws.send(message.data, { binary: false });
            broken = true;
          }
          // Let answers catch up every so often, so that a lost one is noticed on this socket.
          if (sent % 50 === 0) await drained(ws, () => pending.size === 0 && unmatched === 0, 10_000);
        }
        if (broken) {
          const code = await settled;
          if (code !== 1007) failures.push(`lane ${lane}: invalid UTF-8 closed with ${code}, not 1007`);
        } else {
          await drained(ws, () => pending.size === 0 && unmatched === 0, 10_000);
          ws.close();
        }
        if (pending.size || unmatched)
          failures.push(`lane ${lane}: ${pending.size} calls and ${unmatched} malformed messages unanswered`);
      }
    });
    let frames = 0;
    await pool(RAW_FRAMES / 4, 8, async () => {
      const raw = await openRawWebSocket(target.port, target.token);
      for (let i = 0; i < 4; i++) {
        const frame = fuzzFrame(r);
        raw.send(encodeFrame(frame.opcode, frame.payload, frame));
        frames += 1;
      }
      // Bad frames close the socket at once; valid ones leave it open: stop waiting after a moment.
      await Promise.race([raw.closed, new Promise((resolve) => setTimeout(resolve, 200))]);
      raw.socket.destroy();
    });
    console.log(
      `WebSocket fuzz: ${SOCKET_MESSAGES} messages ${JSON.stringify(kinds)} and ${frames} raw frames ` +
        `in ${Date.now() - started} ms`,
    );
    expect(serve.exited(), serve.output()).toBeNull();
    expect(failures.slice(0, 10)).toEqual([]);
    const probe = await connectApi(target.port, `?token=${target.token}`);
    expect((await callApi(probe, 'app.info', {})).ok).toBe(true);
    probe.close();
    expect((await rawGet(target.port, '/')).responses[0]?.status).toBe(200);
  });
});

/** Waits until `done()` holds, the socket closes, or the time is up. */
async function drained(ws: WebSocket, done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && ws.readyState === WebSocket.OPEN && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}
