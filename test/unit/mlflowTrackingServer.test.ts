import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackingServer, type TrackingServer } from '../../src/main/core/mlflow/trackingServer';
import { type Db, openDatabase } from '../../src/main/core/workspace/database';
import { WorkspacePaths } from '../../src/main/core/workspace/paths';

/** The endpoint's error shapes and guards, against a real workspace database on a temporary folder. */

const TOKEN = 'test-token-0123456789';
let dir = '';
let db: Db;
let tracking: TrackingServer;
let port = 0;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function request(
  method: string,
  target: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const post = (call: string, body: unknown) =>
  request('POST', `/api/2.0/mlflow/${call}`, { body: JSON.stringify(body) });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-mlflow-unit-'));
  const paths = new WorkspacePaths(dir);
  db = openDatabase(paths.database);
  tracking = createTrackingServer({
    db,
    paths,
    tokens: new Set([TOKEN]),
    runId: null,
    log: () => undefined,
    limits: { jsonBytes: 4096, artifactBytes: 100 },
  });
  await new Promise<void>((resolve) => tracking.server.listen(0, '127.0.0.1', resolve));
  port = (tracking.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await tracking.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the MLflow endpoint refuses', () => {
  it('a missing or wrong token with 401 UNAUTHENTICATED', async () => {
    for (const token of [null, 'wrong']) {
      const r = await request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { token });
      expect(r.status).toBe(401);
      expect(r.body.error_code).toBe('UNAUTHENTICATED');
    }
  });

  it('a foreign Host (DNS rebinding) with 403', async () => {
    const r = await request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', {
      headers: { host: 'evil.example:80' },
    });
    expect(r).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
  });

  it('an unsupported call with 404 ENDPOINT_NOT_FOUND naming it', async () => {
    const r = await post('runs/delete', { run_id: 'x' });
    expect(r.status).toBe(404);
    expect(r.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect(r.body.message).toContain('POST /api/2.0/mlflow/runs/delete');
    const other = await request('GET', '/api/2.0/mlflow/webhooks');
    expect(other).toMatchObject({ status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
    expect((await request('GET', '/somewhere/else')).body.error_code).toBe('ENDPOINT_NOT_FOUND');
  });

  it('bad JSON, missing fields and unknown resources as MLflow does', async () => {
    const bad = await request('POST', '/api/2.0/mlflow/runs/log-metric', { body: '{not json' });
    expect(bad).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    const missing = await post('runs/log-metric', { key: 'a', value: 1, timestamp: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain("'run_id'");
    const gone = await request('GET', '/api/2.0/mlflow/runs/get?run_id=nope');
    expect(gone).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const noExperiment = await request('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=none');
    expect(noExperiment).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const badName = await post('experiments/create', { name: '../etc' });
    expect(badName).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect((await post('experiments/create', { name: 'Default' })).body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('a JSON body over the limit with 413', async () => {
    const r = await post('runs/log-batch', { run_id: 'x', metrics: [{ key: 'k'.repeat(5000) }] });
    expect(r.status).toBe(413);
  });
});

describe('the MLflow endpoint serves', () => {
  it('the token as the first path segment (a URI that carries it)', async () => {
    const r = await request('GET', `/${TOKEN}/api/2.0/mlflow/experiments/get?experiment_id=0`, { token: null });
    expect(r.status).toBe(200);
    expect((r.body.experiment as { name: string }).name).toBe('Default');
  });

  it('a run made through it, with metrics (NaN kept), params, tags and artifacts kept inside the run', async () => {
    const created = await post('runs/create', { experiment_id: '0', run_name: 'r1', start_time: Date.now() });
    expect(created.status).toBe(200);
    const runId = (created.body.run as { info: { run_id: string } }).info.run_id;
    expect(runId).toMatch(/^Default_\d+_[0-9a-f]{8}$/);
    const batch = await post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'm', value: 'NaN', timestamp: 1000, step: 0 },
        { key: 'm', value: 2, timestamp: 2000, step: 1 },
      ],
      params: [{ key: 'p', value: 'v' }],
      tags: [{ key: 'mlflow.runName', value: 'renamed' }],
    });
    expect(batch.status).toBe(200);
    const changed = await post('runs/log-parameter', { run_id: runId, key: 'p', value: 'w' });
    expect(changed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const got = await request('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`);
    const run = got.body.run as {
      info: { run_name: string; status: string };
      data: { metrics: { key: string; value: unknown; step: number }[]; params: unknown[] };
    };
    expect(run.info).toMatchObject({ run_name: 'renamed', status: 'RUNNING' });
    expect(run.data.metrics).toEqual([{ key: 'm', value: 2, timestamp: 2000, step: 1 }]);
    expect(run.data.params).toEqual([{ key: 'p', value: 'v' }]);
    const history = await request('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m`);
    expect((history.body.metrics as { value: unknown }[]).map((m) => m.value)).toEqual(['NaN', 2]);

    const artifacts = `/api/2.0/mlflow-artifacts/artifacts/runs/${runId}`;
    expect((await request('PUT', `${artifacts}/dir/a.txt`, { body: 'hello' })).status).toBe(200);
    const uploads = path.join(dir, 'runs', runId, 'files', 'uploads');
    expect(fs.readFileSync(path.join(uploads, 'dir', 'a.txt'), 'utf8')).toBe('hello');
    const escape = await request('PUT', `${artifacts}/..%2F..%2Fescaped.txt`, { body: 'x' });
    expect(escape).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    const tooBig = await request('PUT', `${artifacts}/big.bin`, { body: Buffer.alloc(500) });
    expect(tooBig.status).toBe(413);
    // Without a Content-Length (chunked), the limit is counted as the bytes arrive.
    const chunked = await request('PUT', `${artifacts}/big2.bin`, {
      body: Buffer.alloc(500),
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect(chunked.status).toBe(413);
    expect(fs.readdirSync(uploads).sort()).toEqual(['dir']);
    expect(fs.readdirSync(uploads).sort()).toEqual(['dir']); // nothing half-written left behind
    const listed = await request('GET', `/api/2.0/mlflow-artifacts/artifacts?path=runs/${runId}/dir`);
    expect(listed.body).toEqual({ files: [{ path: 'a.txt', is_dir: false, file_size: 5 }] });

    const ended = await post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    expect((ended.body.run_info as { status: string }).status).toBe('FINISHED');
  });
});
