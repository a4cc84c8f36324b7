import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRequest, rng } from '../helpers/fuzzGrammar';
import { ESCAPE_CANARY, type MlflowTarget, mlflowRequest } from '../helpers/mlflowFuzzGrammar';
import { rawExchange } from '../helpers/rawHttp';
import { pool, tally } from '../helpers/taskPool';
import { runCli, tempDir } from '../helpers/workspace';

/**
 * The workspace's MLflow tracking server (a real detached process, started by `benchtop mlflow-uri`)
 * under hostile input: MLflow calls with wrong, extreme and malicious bodies, raw HTTP junk, huge
 * bodies and slowloris connections. It must answer every request with well-formed HTTP (never a
 * 5xx, never 2xx without the token), write nothing outside the workspace, stay up, and answer a
 * probe after each phase. Bounded (about 30 s on 2 busy cores); BENCHTOP_FUZZ_SEED replays a run.
 */
const MLFLOW_REQUESTS = 1_200;
const HTTP_REQUESTS = 600;
const SLOW_CONNECTIONS = 40;
const SEED = Number(process.env.BENCHTOP_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe(`the MLflow tracking server under a fuzzer (seed ${SEED})`, () => {
  let workspace: string;
  let server: { uri: string; token: string; port: number; pid: number };
  let target: MlflowTarget;

  const api = async (method: string, call: string, body?: unknown) => {
    const response = await fetch(`${server.uri}/api/2.0/mlflow/${call}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  /** The server is alive and answers a real client call correctly. */
  const probe = async (phase: string) => {
    expect(alive(server.pid), `the server died during ${phase}:\n${serverLog()}`).toBe(true);
    const answer = await api('GET', `runs/get?run_id=${target.runId}`);
    expect(answer.status, `probe after ${phase}: ${JSON.stringify(answer.json)}`).toBe(200);
    expect((answer.json.run as { info: { run_id: string } }).info.run_id).toBe(target.runId);
  };

  const serverLog = () => {
    const file = path.join(workspace, 'logs', 'mlflow-server.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  };

  beforeAll(async () => {
    workspace = tempDir('bt-mlflow-fuzz-');
    const started = await runCli(['--json', 'mlflow-uri'], { workspace });
    expect(started.code, started.stderr).toBe(0);
    server = JSON.parse(started.stdout) as typeof server;
    const experiment = await api('POST', 'experiments/create', { name: 'fuzzed' });
    expect(experiment.status, JSON.stringify(experiment.json)).toBe(200);
    const experimentId = String(experiment.json.experiment_id);
    const run = await api('POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now() });
    expect(run.status, JSON.stringify(run.json)).toBe(200);
    target = {
      port: server.port,
      token: server.token,
      experimentId,
      runId: (run.json.run as { info: { run_id: string } }).info.run_id,
    };
  }, 60_000);

  afterAll(async () => {
    if (workspace) await runCli(['mlflow-uri', '--stop'], { workspace });
  });

  it(`answers ${MLFLOW_REQUESTS} hostile MLflow calls cleanly, never without the token, and writes nothing outside`, async () => {
    const r = rng(SEED);
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    const started = Date.now();
    await pool(MLFLOW_REQUESTS, 16, async (index) => {
      const request = mlflowRequest(r, target);
      const exchange = await rawExchange(target.port, request.bytes, { timeoutMs: 10_000 });
      const sample = JSON.stringify(request.bytes.subarray(0, 200).toString('latin1'));
      const response = exchange.responses[0];
      if (exchange.garbage) failures.push(`malformed response ${JSON.stringify(exchange.garbage)} to ${sample}`);
      // Over the JSON limit (16 MiB): answered 413 and closed, which may reset a client still writing.
      const oversize = request.bytes.length > 16 * 1024 * 1024;
      if (!response && oversize && (exchange.error === 'EPIPE' || exchange.error === 'ECONNRESET')) return;
      if (response && oversize && response.status !== 413) failures.push(`${response.status} to an oversize ${sample}`);
      if (!response) {
        failures.push(`no answer (${exchange.timedOut ? 'timed out' : (exchange.error ?? 'closed')}) to ${sample}`);
        return;
      }
      tally(statuses, `${request.kind}:${response.status}`);
      if (response.status >= 500) failures.push(`${response.status} to ${sample}: ${response.body.toString()}`);
      const isApi = request.bytes.includes('/api/');
      if (!request.authorized && isApi && response.status < 400)
        failures.push(`${response.status} without the token to ${sample}`);
      if (request.authorized && response.status === 401) failures.push(`401 with the token to ${sample}`);
      if (response.body.includes('root:x:0:0')) failures.push(`a system file in the answer to ${sample}`);
      if (response.status >= 400 && isApi && response.headers['content-type']?.includes('json')) {
        // MLflow's error shape: {"error_code": "...", "message": "..."}.
        const error = JSON.parse(response.body.toString()) as { error_code?: unknown; message?: unknown };
        if (typeof error.error_code !== 'string' || typeof error.message !== 'string')
          failures.push(`error without MLflow's shape ${response.body.toString().slice(0, 200)} to ${sample}`);
      }
      if (index % 500 === 499 && !alive(server.pid)) failures.push(`the server died by request ${index}`);
    });
    console.log(`MLflow fuzz: ${MLFLOW_REQUESTS} calls in ${Date.now() - started} ms; ${JSON.stringify(statuses)}`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(escapedFiles(workspace)).toEqual([]);
    // Inside the workspace, an uploaded canary may only be in the run's own folder.
    const runFolder = path.join(workspace, 'runs', target.runId) + path.sep;
    expect(canariesIn(workspace).filter((file) => !file.startsWith(runFolder))).toEqual([]);
    await probe('the MLflow calls');
  }, 120_000);

  it(`answers ${HTTP_REQUESTS} malformed HTTP requests with well-formed responses`, async () => {
    const r = rng(SEED + 1);
    const failures: string[] = [];
    await pool(HTTP_REQUESTS, 16, async () => {
      const request = fuzzRequest(r, target);
      const exchange = await rawExchange(target.port, request.bytes, {
        expect: request.count,
        head: request.head,
        endAfterWrite: request.end,
        timeoutMs: 10_000,
      });
      const sample = JSON.stringify(request.bytes.subarray(0, 160).toString('latin1'));
      if (exchange.garbage) failures.push(`malformed response ${JSON.stringify(exchange.garbage)} to ${sample}`);
      if (exchange.timedOut && exchange.responses.length === 0) failures.push(`no answer within 10 s to ${sample}`);
      for (const response of exchange.responses)
        if (response.status >= 500) failures.push(`${response.status} to ${sample}`);
    });
    expect(failures.slice(0, 10)).toEqual([]);
    await probe('the HTTP junk');
  }, 120_000);

  it('refuses a huge body without reading it, and keeps answering while slowloris connections hang on', async () => {
    // A body declared far over any limit is refused (413) or the connection closed: never read to the end.
    const huge = Buffer.from(
      `POST /${target.token}/api/2.0/mlflow/runs/log-batch HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        'Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"run_id":"',
    );
    const refused = await rawExchange(target.port, huge, { timeoutMs: 10_000 });
    expect(refused.timedOut, 'a 10 GB body was waited for').toBe(false);
    if (refused.responses[0]) expect(refused.responses[0].status).toBe(413);

    // Slowloris: half-sent heads and bodies, a byte at a time.
    const sockets: net.Socket[] = [];
    const cut = new Set<number>();
    let cutByServer = 0;
    for (let i = 0; i < SLOW_CONNECTIONS; i++) {
      const socket = net.connect(target.port, '127.0.0.1');
      socket.on('error', () => undefined);
      // Read what comes (a paused socket never sees the server's answer or its FIN).
      socket.on('data', (chunk: Buffer) => {
        if (chunk.toString('latin1').startsWith('HTTP/1.1 408')) cut.add(i);
      });
      socket.on('end', () => cut.add(i));
      socket.write(
        i % 2
          ? `POST /${target.token}/api/2.0/mlflow/runs/log-metric HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{`
          : `GET /${target.token}/api/2.0/mlflow/runs/get?run_id=${target.runId} HTTP/1.1\r\nX-Slow: `,
      );
      sockets.push(socket);
    }
    const drip = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write('a');
    }, 500);
    try {
      // Past the server's 10 s limit for a request's head: the connections dribbling headers are cut.
      for (let i = 0; i < 12; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const started = Date.now();
        await probe(`slowloris second ${i + 1}`);
        expect(Date.now() - started, 'a probe waited behind the slow connections').toBeLessThan(2_000);
      }
      cutByServer = cut.size;
    } finally {
      clearInterval(drip);
      for (const socket of sockets) socket.destroy();
    }
    console.log(`slowloris: ${cutByServer}/${SLOW_CONNECTIONS} closed by the server within the test`);
    expect(cutByServer, 'slow heads were not cut').toBeGreaterThanOrEqual(SLOW_CONNECTIONS / 2);
    expect(alive(server.pid), serverLog()).toBe(true);
    expect(serverLog()).not.toMatch(/uncaught|failed:/i);
  }, 90_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Canary files outside the workspace: in the temp folder, or any folder above the workspace. */
function escapedFiles(workspace: string): string[] {
  const folders = new Set([os.tmpdir(), '/tmp']);
  for (let dir = path.dirname(workspace); ; dir = path.dirname(dir)) {
    folders.add(dir);
    if (dir === path.dirname(dir)) break;
  }
  const found: string[] = [];
  for (const dir of folders) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (name.includes(ESCAPE_CANARY)) found.push(path.join(dir, name));
  }
  return found;
}

/** Every canary file anywhere under DIR. */
function canariesIn(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.name.includes(ESCAPE_CANARY))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
