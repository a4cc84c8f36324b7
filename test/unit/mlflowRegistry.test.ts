import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalStage, versionNumber } from '../../src/main/core/mlflow/registryStore';
import { createTrackingServer, type TrackingServer } from '../../src/main/core/mlflow/trackingServer';
import { BlobStore } from '../../src/main/core/models/blobStore';
import { ModelStore } from '../../src/main/core/models/modelStore';
import { type Db, openDatabase } from '../../src/main/core/workspace/database';
import { WorkspacePaths } from '../../src/main/core/workspace/paths';

/**
 * The registry calls' glue against a real workspace database: rows and the answers' shapes, DELETE's JSON body,
 * and the registry's artifact paths over a version stored as Benchtop stores one (rows + blobs). The real client
 * against a real run is test/integration/mlflowRegistry.test.ts.
 */

const TOKEN = 'registry-token-0123456789';
let dir = '';
let db: Db;
let tracking: TrackingServer;
let port = 0;

function request(method: string, target: string, body?: unknown): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  // Content-Length as requests sends it: Node frames no body of a DELETE by itself.
  const headers: Record<string, string | number> = { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` };
  if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const call = async (method: string, api: string, body?: unknown) => {
  const r = await request(method, `/api/2.0/mlflow/${api}`, body);
  return { status: r.status, body: JSON.parse(r.text) as Record<string, unknown> };
};

const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-mlflow-registry-unit-'));
  const paths = new WorkspacePaths(dir);
  db = openDatabase(paths.database);
  // One version as Benchtop's registry stores it: a folder "model" of two files, each a blob by its digest.
  const blobs = new BlobStore(paths.models);
  const files = [
    { path: 'model/MLmodel', content: 'flavors: {}\n', digest: 'a'.repeat(64) },
    { path: 'model/data/weights.bin', content: 'weights', digest: 'b'.repeat(64) },
  ];
  for (const file of files) {
    fs.mkdirSync(path.dirname(blobs.blobPath(file.digest)), { recursive: true });
    fs.writeFileSync(blobs.blobPath(file.digest), file.content);
  }
  new ModelStore(db).insert(
    {
      name: 'clf',
      description: null,
      framework: 'Custom',
      frameworkVersion: null,
      tags: { team: 'a' },
      properties: {},
      runId: null,
      experiment: null,
      environment: null,
      root: 'model',
      kind: 'folder',
      size: 19,
      fileCount: 2,
      source: '/somewhere/model',
      createdAt: new Date(1_700_000_000_000).toISOString(),
      mlflow: null,
    },
    1,
    files.map((f) => ({ path: f.path, size: f.content.length, digest: f.digest })),
  );
  tracking = createTrackingServer({ db, paths, tokens: new Set([TOKEN]), runId: null, log: () => undefined });
  await new Promise<void>((resolve) => tracking.server.listen(0, '127.0.0.1', resolve));
  port = (tracking.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await tracking.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('registry values', () => {
  it('versions are positive integers, stages MLflow’s four (any case)', () => {
    expect(versionNumber('3')).toBe(3);
    expect(versionNumber(3)).toBe(3);
    for (const bad of ['0', '-1', 'latest', '1.5', '', null, '9999999999'])
      expect(() => versionNumber(bad)).toThrow(/must be an integer/);
    expect(canonicalStage('production')).toBe('Production');
    expect(() => canonicalStage('Gold')).toThrow(/None, Staging, Production, Archived/);
  });
});

describe('a version Benchtop registered, through the MLflow API', () => {
  it('is a registered model with its version, tags and a source of where it came from', async () => {
    const got = await call('GET', 'registered-models/get?name=clf');
    expect(got.status).toBe(200);
    expect(got.body.registered_model).toMatchObject({
      name: 'clf',
      creation_timestamp: 1_700_000_000_000,
      latest_versions: [
        {
          name: 'clf',
          version: '1',
          current_stage: 'None',
          source: '/somewhere/model',
          status: 'READY',
          tags: [{ key: 'team', value: 'a' }],
        },
      ],
      tags: [],
      aliases: [],
    });
    const search = await call('GET', 'model-versions/search?filter=name%3D%27clf%27');
    expect((search.body.model_versions as unknown[]).length).toBe(1);
  });

  it('takes DELETE fields from a JSON body, as the client sends them', async () => {
    const set = await call('POST', 'registered-models/alias', { name: 'clf', alias: 'best', version: '1' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await call('GET', 'registered-models/alias?name=clf&alias=best')).body).toMatchObject({
      model_version: { version: '1', aliases: ['best'] },
    });
    const removed = await call('DELETE', 'registered-models/alias', { name: 'clf', alias: 'best' });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect((await call('GET', 'registered-models/alias?name=clf&alias=best')).status).toBe(404);
  });

  it('lists and streams its stored files under mlflow-artifacts:/registry/<name>/<version>', async () => {
    const uri = await call('GET', 'model-versions/get-download-uri?name=clf&version=1');
    expect(uri.body).toEqual({ artifact_uri: 'mlflow-artifacts:/registry/clf/1' });
    const top = await request('GET', `${ARTIFACTS}?path=registry/clf/1`);
    expect(JSON.parse(top.text)).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'data', is_dir: true },
      ],
    });
    const inner = await request('GET', `${ARTIFACTS}?path=registry/clf/1/data`);
    expect(JSON.parse(inner.text)).toEqual({ files: [{ path: 'weights.bin', is_dir: false, file_size: 7 }] });
    expect(await request('GET', `${ARTIFACTS}/registry/clf/1/data/weights.bin`)).toEqual({
      status: 200,
      text: 'weights',
    });
  });

  it('refuses paths outside the version, writes, and unknown versions', async () => {
    for (const target of [
      `${ARTIFACTS}/registry/clf/1/../../../../etc/passwd`,
      `${ARTIFACTS}/registry/clf/1/%2e%2e/x`,
      `${ARTIFACTS}/registry/clf/one/MLmodel`,
    ])
      expect((await request('GET', target)).status, target).toBe(400);
    expect((await request('GET', `${ARTIFACTS}/registry/clf/2/MLmodel`)).status).toBe(404);
    expect((await request('GET', `${ARTIFACTS}/registry/clf/1/nope`)).status).toBe(404);
    const put = await request('PUT', `${ARTIFACTS}/registry/clf/1/MLmodel`, 'x');
    expect(put.status).toBe(400);
    expect(JSON.parse(put.text).message).toMatch(/read-only/);
  });

  it('refuses a version source outside a run or logged model, naming the forms it takes', async () => {
    const r = await call('POST', 'model-versions/create', { name: 'clf', source: 's3://bucket/model' });
    expect(r.status).toBe(400);
    expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(r.body.message).toMatch(/runs:\/<run id>\/<path>, models:\/<model id>/);
    const missing = await call('POST', 'model-versions/create', { name: 'clf', source: 'models:/m-0123' });
    expect(missing).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect((await call('GET', 'registered-models/search')).body.registered_models).toHaveLength(1);
  });
});
