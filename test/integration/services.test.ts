import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/builds/buildLock';
import { type Core, openCore } from '../../src/main/core/core';
import { findInterpreters } from '../../src/main/core/python/interpreters';
import { CLI, requireComponent, runCli, tempDir, waitUntil, writeEnvFolder } from '../helpers/workspace';

let workspace: string;
let core: Core;
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 600_000 });
const json = <T>(text: string) => JSON.parse(text) as T;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  port: number,
  method: string,
  urlPath: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Deploys through the CLI and returns the port it serves on. */
async function deployedPort(args: string[]): Promise<number> {
  const r = await cli(['--json', 'service', 'deploy', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return json<{ port: number }>(r.stdout).port;
}

function project(files: Record<string, string>): string {
  const dir = tempDir('bt-svc-src-');
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

async function built(name: string): Promise<string> {
  const record = core.environments.get(name);
  const started = core.builds.start(record.definition, `${record.name}:${record.version}`, {});
  const done = await core.jobs.get(started.job.id).done;
  expect(done.state, done.error?.message).toBe('completed');
  return core.builds.ready(started.buildKey)?.pythonPath as string;
}

/** Started by the file's beforeAll, awaited by the scikit-learn describe. */
let sklearnBuilt: Promise<string> | null = null;

beforeAll(async () => {
  requireComponent(
    'Python 3 with venv',
    (await findInterpreters()).some((i) => i.hasEnsurepip),
  );
  workspace = tempDir('bt-services-');
  core = openCore(workspace);
  // The scikit-learn environment (a pip install from the package index, most of this file's time) builds while the
  // first describes' tests run; its describe awaits it. The catch only keeps a failure unhandled-free until then.
  sklearnBuilt = built('Benchtop-SKLearn');
  sklearnBuilt.catch(() => undefined);
  await built('Benchtop-Minimal');
  const weights = path.join(tempDir('bt-svc-model-'), 'weights.json');
  fs.writeFileSync(weights, '{"k": 3}');
  await core.models.register({ name: 'scale', path: weights });
}, 300_000);
afterAll(async () => {
  await sklearnBuilt?.catch(() => undefined);
  for (const service of core?.services.list() ?? []) await core.services.delete(service.name).catch(() => undefined);
  core?.close();
}, 600_000);

// A pure-Python "model": fast to deploy, so every error case runs against a real server.
const SCALE_SCORE = `
import json, os, time
from azureml.core.model import Model

def init():
    global k
    k = json.load(open(Model.get_model_path("scale")))["k"]
    print("init loaded k =", k)

def run(raw):
    data = json.loads(raw)
    if data.get("boom"):
        raise ValueError("boom requested")
    if data.get("sleep"):
        time.sleep(data["sleep"])
    return [x * k for x in data["data"]]
`;

describe('local web services: the HTTP contract against a real server', () => {
  let port: number;
  beforeAll(async () => {
    const src = project({ 'score.py': SCALE_SCORE });
    const r = await cli([
      '--json',
      'service',
      'deploy',
      '-n',
      'scaler',
      '-m',
      'scale',
      '--entry-script',
      'score.py',
      '-d',
      src,
      '--timeout-ms',
      '800',
      '--workers',
      '2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const svc = json<{ state: string; port: number; scoringUri: string; swaggerUri: string; models: string[] }>(
      r.stdout,
    );
    expect(svc).toMatchObject({ state: 'running', models: ['scale:1'] });
    expect(svc.scoringUri).toBe(`http://localhost:${svc.port}/score`);
    port = svc.port;
  }, 120_000);

  it('serves GET / Healthy, POST /score, swagger, OPTIONS, request ids and timing headers', async () => {
    expect(await request(port, 'GET', '/')).toMatchObject({ status: 200, body: 'Healthy' });
    const scored = await request(port, 'POST', '/score', '{"data": [1, 2, 3]}', { 'x-request-id': 'abc-123' });
    expect(scored).toMatchObject({ status: 200, body: '[3, 6, 9]' });
    expect(scored.headers['x-request-id']).toBe('abc-123');
    expect(scored.headers['x-ms-run-function-failed']).toBe('False');
    expect(Number(scored.headers['x-ms-run-fn-exec-ms'])).toBeGreaterThanOrEqual(0);
    expect((await request(port, 'POST', '/score', '{"data": [1]}')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const swagger = await request(port, 'GET', '/swagger.json');
    expect(swagger.status).toBe(200);
    expect(json<{ swagger: string; paths: Record<string, unknown> }>(swagger.body)).toMatchObject({
      swagger: '2.0',
      paths: { '/score': {}, '/': {} },
    });
    expect(json<{ openapi: string }>((await request(port, 'GET', '/swagger.json?version=3')).body).openapi).toBe(
      '3.0.1',
    );
    expect((await request(port, 'GET', '/swagger.json?version=9')).status).toBe(404);
    expect((await request(port, 'OPTIONS', '/score')).status).toBe(200);
    expect(await request(port, 'PUT', '/score', '{}')).toMatchObject({
      status: 405,
      body: '{"message": "Method not allowed"}',
    });
    const missing = await request(port, 'GET', '/nope');
    expect(missing.status).toBe(404);
    expect(json<{ message: string }>(missing.body).message).toContain('Not found: /nope');
    expect((await request(port, 'POST', '/score', '{"data": [1]}', { 'x-request-id': 'x'.repeat(101) })).status).toBe(
      431,
    );
    // GET /score passes the query as JSON (Azure: values parsed as JSON where they can be).
    expect(await request(port, 'GET', '/score?data=[4,5]')).toMatchObject({ status: 200, body: '[12, 15]' });
  });

  it('keeps serving after every error: run() raising, bad UTF-8, a body over the limit, a slow run()', async () => {
    const boom = await request(port, 'POST', '/score', '{"boom": true}');
    expect(boom.status).toBe(500);
    expect(json<{ message: string }>(boom.body).message).toBe(
      'An unexpected error occurred in scoring script. Check the logs for more info.',
    );
    expect(boom.headers['x-ms-run-function-failed']).toBe('True');
    expect((await request(port, 'POST', '/score', '{"data": [2]}')).body).toBe('[6]');

    const binary = await request(port, 'POST', '/score', Buffer.from([0xff, 0xfe, 0x00]));
    expect(binary.status).toBe(400);
    expect(json<{ message: string }>(binary.body).message).toMatch(/^Input cannot be decoded as UTF-8/);

    const huge = await request(port, 'POST', '/score', Buffer.alloc(50 * 1024 * 1024, 0x20)).catch((err: Error) => ({
      status: -1,
      body: err.message,
      headers: {},
    }));
    expect(huge.status).toBe(413);
    expect(huge.body).toContain("larger than the service's limit of 10 MB");

    const slow = await request(port, 'POST', '/score', '{"data": [1], "sleep": 3}');
    expect(slow.status).toBe(500);
    expect(json<{ message: string }>(slow.body).message).toBe('Scoring timeout after 800 ms');
    expect((await request(port, 'POST', '/score', '{"data": [5]}')).body).toBe('[15]');

    const logs = await cli(['service', 'logs', 'scaler']);
    expect(logs.stdout).toContain('init loaded k = 3');
    expect(logs.stdout).toMatch(/Encountered Exception: Traceback[\s\S]*ValueError: boom requested/);
    expect(logs.stdout).toMatch(/POST \/score 200 [\d.]+ms/);
    expect(logs.stdout).toContain('run() did not finish within the scoring timeout of 800 ms');
  }, 60_000);

  it('service run, list and show from the CLI; the model cannot be deleted while served', async () => {
    const run = await cli(['service', 'run', 'scaler', '--data', '{"data": [7]}']);
    expect(run.stdout.trim()).toBe('[21]');
    const list = json<{ name: string; state: string; port: number }[]>(
      (await cli(['--json', 'service', 'list'])).stdout,
    );
    expect(list).toContainEqual(expect.objectContaining({ name: 'scaler', state: 'running', port }));
    const refused = await cli(['model', 'delete', 'scale:1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error: scale:1 is used by the service scaler.');
  });

  it('reloads an edited score.py without closing the port; a broken edit keeps the old code serving', async () => {
    const service = core.services.get('scaler');
    const src = service.sourceDirectory as string;
    fs.writeFileSync(
      path.join(src, 'score.py'),
      SCALE_SCORE.replace('return [x * k for x in data["data"]]', 'return {"reloaded": [x * k for x in data["data"]]}'),
    );
    // Ask continuously while reloading: every answer is 200 (old or new code).
    let asking = true;
    const statuses: number[] = [];
    const asker = (async () => {
      while (asking) statuses.push((await request(port, 'POST', '/score', '{"data": [1]}')).status);
    })();
    const reloaded = await cli(['service', 'reload', 'scaler']);
    asking = false;
    await asker;
    expect(reloaded.code, reloaded.stderr).toBe(0);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await request(port, 'POST', '/score', '{"data": [2]}')).body).toBe('{"reloaded": [6]}');

    fs.writeFileSync(
      path.join(src, 'score.py'),
      'def init():\n    raise RuntimeError("broken on purpose")\n\ndef run(raw):\n    return 0\n',
    );
    const broken = await cli(['service', 'reload', 'scaler']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('still serves the previous one');
    expect((await request(port, 'POST', '/score', '{"data": [2]}')).body).toBe('{"reloaded": [6]}');
    fs.writeFileSync(path.join(src, 'score.py'), SCALE_SCORE);
  }, 120_000);

  it('comes back after its server is killed (restore on open), then delete frees the port', async () => {
    const before = core.services.get('scaler');
    process.kill(-(before.pid as number), 'SIGKILL');
    await waitUntil(() => !processAlive(before.pid as number));
    expect(core.services.get('scaler')).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('is not running any more'),
    });
    core.db.prepare("UPDATE services SET state = 'running' WHERE name = 'scaler'").run();
    await core.services.restore();
    expect(core.services.get('scaler').state, core.services.layout('scaler').tail(15)).toBe('running');
    expect((await request(port, 'POST', '/score', '{"data": [1]}')).status).toBe(200);

    const deleted = await cli(['service', 'delete', 'scaler']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await portIsFree(port)).toBe(true);
    expect((await cli(['service', 'show', 'scaler'])).code).toBe(2);
  }, 120_000);
});

describe('local web services: deploy errors name the problem and the fix', () => {
  it('refuses bad names, missing models, missing scripts and a port in use', async () => {
    const src = project({ 'score.py': SCALE_SCORE });
    const cases: [string[], RegExp][] = [
      [
        ['service', 'deploy', '-n', 'Bad_Name', '-m', 'scale', '--entry-script', 'score.py', '-d', src],
        /"Bad_Name" is not a valid service name/,
      ],
      [
        ['service', 'deploy', '-n', 'svc-a', '-m', 'ghost', '--entry-script', 'score.py', '-d', src],
        /ModelNotFound: no model named "ghost"/,
      ],
      [
        ['service', 'deploy', '-n', 'svc-a', '-m', 'scale:7', '--entry-script', 'score.py', '-d', src],
        /model "scale" has no version 7 \(the latest is 1\)/,
      ],
      [
        ['service', 'deploy', '-n', 'svc-a', '-m', 'scale', '--entry-script', 'nope.py', '-d', src],
        /The entry script .*nope\.py does not exist/,
      ],
      [
        ['service', 'deploy', '-n', 'svc-a', '-m', 'scale'],
        /You must provide an entry script when deploying zero or several models, or a model whose framework is not ScikitLearn/,
      ],
    ];
    for (const [args, expected] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(expected);
    }
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await cli([
        'service',
        'deploy',
        '-n',
        'svc-a',
        '-m',
        'scale',
        '--entry-script',
        'score.py',
        '-d',
        src,
        '--port',
        String(taken),
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: Port ${taken} is already in use.\nhint: Choose another port`);
    } finally {
      blocker.close();
    }
    expect(core.services.list()).toEqual([]);
  });

  it('an init() that raises leaves the service failed with its traceback; a script without run() is named', async () => {
    const raising = project({
      'score.py': 'def init():\n    raise RuntimeError("cannot load the model")\n\ndef run(raw):\n    return raw\n',
    });
    const r = await cli([
      'service',
      'deploy',
      '-n',
      'bad-init',
      '-m',
      'scale',
      '--entry-script',
      'score.py',
      '-d',
      raising,
    ]);
    expect(r.code).toBe(1);
    // The CLI prints the service's log live while it deploys (stdout), then the error (stderr).
    expect(r.stdout).toMatch(/User's init function failed:[\s\S]*RuntimeError: cannot load the model/);
    expect(r.stderr).toContain('error: bad-init stopped while starting.');
    expect(core.services.get('bad-init')).toMatchObject({ state: 'failed' });
    const shown = await cli(['service', 'show', 'bad-init']);
    expect(shown.stdout).toContain('bad-init: failed');

    const norun = project({ 'score.py': 'def init():\n    pass\n' });
    const r2 = await cli([
      'service',
      'deploy',
      '-n',
      'no-run',
      '-m',
      'scale',
      '--entry-script',
      'score.py',
      '-d',
      norun,
    ]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/does not have a run\(\) function defined/);
    await core.services.delete('bad-init');
    await core.services.delete('no-run');
  }, 120_000);
});

describe('service logs under load', () => {
  it('rotate at the size limit (one old file kept) and stay readable from the app', async () => {
    const src = project({ 'score.py': SCALE_SCORE });
    const r = await runCli(
      ['--json', 'service', 'deploy', '-n', 'chatty', '-m', 'scale', '--entry-script', 'score.py', '-d', src],
      { workspace, env: { BENCHTOP_SERVICE_LOG_MAX_MB: '0.1' } },
    );
    expect(r.code, r.stderr).toBe(0);
    const { port } = json<{ port: number }>(r.stdout);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const one = () =>
      new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/score', method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end('{"data": [1]}');
      });
    try {
      for (let i = 0; i < 40; i++) await Promise.all(Array.from({ length: 50 }, one));
      const layout = core.services.layout('chatty');
      await waitUntil(() => fs.existsSync(`${layout.log}.1`));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(fs.statSync(layout.log).size).toBeLessThan(1024 * 1024);
      // The app's view reaches back into the rotated file, so it is never empty just after a rotation.
      const first = core.services.logs('chatty');
      expect(first.text).toMatch(/POST \/score 200/);
      expect(first.offset).toBe(fs.statSync(layout.log).size);
      // A reader whose offset is past the rotated file's end starts again from the new file.
      await one();
      await waitUntil(() => core.services.logs('chatty', first.offset + 10_000_000).text.includes('POST /score 200'));
    } finally {
      agent.destroy();
      await core.services.delete('chatty');
    }
  }, 120_000);
});

describe('canceling a deploy', () => {
  it('Ctrl-C during a slow init() removes the half-made service and frees its port', async () => {
    const src = project({
      'score.py':
        'import time\n\ndef init():\n    print("slow init starting", flush=True)\n    time.sleep(30)\n\ndef run(raw):\n    return raw\n',
    });
    const port = await freePortForTest();
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--workspace',
        workspace,
        'service',
        'deploy',
        '-n',
        'slow-svc',
        '-m',
        'scale',
        '--entry-script',
        'score.py',
        '-d',
        src,
        '--port',
        String(port),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await waitUntil(() => out.includes('slow init starting'), 60_000);
    expect(core.services.get('slow-svc').state).toBe('deploying');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(130);
    expect(out).toContain('Canceling the deploy');
    expect(() => core.services.get('slow-svc')).toThrow('No service named "slow-svc".');
    await waitUntil(
      () =>
        fs.existsSync(path.join(workspace, 'services')) && !fs.existsSync(path.join(workspace, 'services', 'slow-svc')),
    );
    expect(await portIsFree(port)).toBe(true);
  }, 120_000);
});

describe('the Azure ML SDK deploy API inside a run (unchanged v1 script)', () => {
  it('Model.deploy with InferenceConfig and LocalWebservice.deploy_configuration, then run, get_logs, delete', async () => {
    const src = project({
      'score.py': SCALE_SCORE,
      'deploy.py': [
        'from azureml.core import Environment, Run, Workspace',
        'from azureml.core.model import InferenceConfig, Model',
        'from azureml.core.webservice import LocalWebservice',
        'from azureml.exceptions import WebserviceException',
        'ws = Workspace.from_config()',
        'model = Model(ws, name="scale")',
        'env = Environment.get(ws, "Benchtop-Minimal")',
        'inference_config = InferenceConfig(entry_script="score.py", source_directory=".", environment=env)',
        'deployment_config = LocalWebservice.deploy_configuration(port=None)',
        'service = Model.deploy(ws, "sdk-svc", [model], inference_config, deployment_config, overwrite=True)',
        'service.wait_for_deployment(show_output=True)',
        'print("STATE", service.state, service.scoring_uri.startswith("http://localhost:"))',
        'print("RESULT", service.run(input_data=\'{"data": [1, 2]}\'))',
        'try:',
        '    service.run(input_data=\'{"boom": true}\')',
        'except WebserviceException as err:',
        '    print("FAILED", err.status_code)',
        'print("LOGGED", "init loaded k = 3" in service.get_logs())',
        'print("LISTED", [s.name for s in LocalWebservice.list(ws)])',
        'service.delete()',
        'print("DELETED", service.state)',
      ].join('\n'),
    });
    const r = await cli(['run', 'submit', '-d', src, '-s', 'deploy.py', '--show-output']);
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(0);
    expect(out).toContain('Local webservice is running at http://localhost:');
    expect(out).toContain('STATE running True');
    expect(out).toContain('RESULT [3, 6]');
    expect(out).toContain('FAILED 500');
    expect(out).toContain('LOGGED True');
    expect(out).toMatch(/LISTED \[.*'sdk-svc'.*\]/);
    expect(out).toContain('DELETED deleted');
    expect(core.services.list().map((x) => x.name)).not.toContain('sdk-svc');
  }, 180_000);
});

describe('scikit-learn: an Azure-style score.py, no-code deployment, @rawhttp and inference-schema', () => {
  let python: string;
  let modelFile: string;
  let expected: { predict: number[]; proba: number[][]; rows: number[][] };

  beforeAll(async () => {
    python = await (sklearnBuilt as Promise<string>);
    const dir = tempDir('bt-svc-iris-');
    modelFile = path.join(dir, 'iris.joblib');
    const out = execFileSync(
      python,
      [
        '-c',
        [
          'import json, sys, joblib',
          'from sklearn.datasets import load_iris',
          'from sklearn.linear_model import LogisticRegression',
          'X, y = load_iris(return_X_y=True)',
          'clf = LogisticRegression(max_iter=1000).fit(X, y)',
          'joblib.dump(clf, sys.argv[1])',
          'rows = X[[0, 60, 120]].tolist()',
          'print(json.dumps({"predict": clf.predict(rows).tolist(), "proba": clf.predict_proba(rows).tolist(), "rows": rows}))',
        ].join('\n'),
        modelFile,
      ],
      { encoding: 'utf8' },
    );
    expected = JSON.parse(out) as typeof expected;
    await core.models.register({ name: 'iris', path: modelFile, framework: 'ScikitLearn', frameworkVersion: '1.5' });
  }, 600_000);

  it('serves predictions from an Azure-style score.py reading AZUREML_MODEL_DIR', async () => {
    const src = project({
      'score.py': [
        'import json, os, joblib, numpy as np',
        'def init():',
        '    global model',
        '    model = joblib.load(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "iris.joblib"))',
        'def run(raw_data):',
        '    data = np.array(json.loads(raw_data)["data"])',
        '    return model.predict(data).tolist()',
      ].join('\n'),
    });
    const port = await deployedPort([
      '-n',
      'iris-svc',
      '-m',
      'iris:1',
      '--entry-script',
      'score.py',
      '-d',
      src,
      '-e',
      'Benchtop-SKLearn',
    ]);
    const scored = await request(port, 'POST', '/score', JSON.stringify({ data: expected.rows }), {
      'content-type': 'application/json',
    });
    expect(scored.status).toBe(200);
    expect(JSON.parse(scored.body)).toEqual(expected.predict);
    await core.services.delete('iris-svc');
  }, 120_000);

  it('no-code: one ScikitLearn model and no entry script, predict_proba by default or predict on request', async () => {
    const port = await deployedPort(['-n', 'iris-nocode', '-m', 'iris']);
    const proba = JSON.parse(
      (await request(port, 'POST', '/score', JSON.stringify({ data: expected.rows }))).body,
    ) as number[][];
    proba.forEach((row, i) => row.forEach((p, j) => expect(p).toBeCloseTo(expected.proba[i]?.[j] as number, 6)));
    expect(
      JSON.parse(
        (await request(port, 'POST', '/score', JSON.stringify({ data: expected.rows, method: 'predict' }))).body,
      ),
    ).toEqual(expected.predict);
    const bad = await request(port, 'POST', '/score', JSON.stringify({ rows: [] }));
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Send {\\"data\\"');
    await core.services.delete('iris-nocode');
  }, 120_000);

  it('@rawhttp gets the request and returns an AMLResponse; inference-schema parameters are checked', async () => {
    const envDir = writeEnvFolder(tempDir('bt-svc-env-'), 'schema-env', ['inference-schema', 'numpy']);
    expect((await cli(['env', 'register', '-d', envDir])).code).toBe(0);
    const src = project({
      'score.py': [
        'import json',
        'from azureml.contrib.services.aml_request import AMLRequest, rawhttp',
        'from azureml.contrib.services.aml_response import AMLResponse',
        'def init():',
        '    pass',
        '@rawhttp',
        'def run(request):',
        '    if request.method == "GET":',
        '        return AMLResponse("teapot " + request.args.get("q", ""), 418)',
        '    body = request.get_json()',
        '    return AMLResponse(json.dumps({"sum": sum(body["data"])}), 200, {"X-Custom": "yes"}, json_str=False)',
      ].join('\n'),
      'typed.py': [
        'from inference_schema.schema_decorators import input_schema, output_schema',
        'from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType',
        'def init():',
        '    pass',
        '@input_schema("data", StandardPythonParameterType([1.0, 2.0]))',
        '@output_schema(StandardPythonParameterType(3.0))',
        'def run(data):',
        '    return sum(data)',
      ].join('\n'),
    });
    const rawPort = await deployedPort([
      '-n',
      'raw-svc',
      '-m',
      'scale',
      '--entry-script',
      'score.py',
      '-d',
      src,
      '-e',
      'schema-env',
    ]);
    const posted = await request(rawPort, 'POST', '/score', '{"data": [1, 2, 3]}', {
      'content-type': 'application/json',
    });
    expect(posted).toMatchObject({ status: 200, body: '{"sum": 6}' });
    expect(posted.headers['x-custom']).toBe('yes');
    expect(await request(rawPort, 'GET', '/score?q=hi')).toMatchObject({ status: 418, body: 'teapot hi' });

    const port = await deployedPort([
      '-n',
      'typed-svc',
      '-m',
      'scale',
      '--entry-script',
      'typed.py',
      '-d',
      src,
      '-e',
      'schema-env',
    ]);
    expect(
      await request(port, 'POST', '/score', '{"data": [1.5, 2.5]}', { 'content-type': 'application/json' }),
    ).toMatchObject({ status: 200, body: '4.0' });
    expect((await request(port, 'POST', '/score', '{"data": [1]}', { 'content-type': 'text/plain' })).status).toBe(415);
    const notJson = await request(port, 'POST', '/score', 'not json', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toContain('POST body could not be decoded as JSON');
    expect(await request(port, 'POST', '/score', '{}', { 'content-type': 'application/json' })).toMatchObject({
      status: 400,
      body: '{"message": "A value is not provided for the \'data\' parameter."}',
    });
    const swagger = json<{ definitions: { ServiceInput: { properties: Record<string, unknown> } } }>(
      (await request(port, 'GET', '/swagger.json')).body,
    );
    expect(Object.keys(swagger.definitions.ServiceInput.properties)).toEqual(['data']);
    await core.services.delete('raw-svc');
    await core.services.delete('typed-svc');
  }, 600_000);
});

function freePortForTest(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
