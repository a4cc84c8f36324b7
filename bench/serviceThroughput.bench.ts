// An iris scikit-learn model behind an Azure-style score.py, served three ways on the same cores with the same
// worker count, one after another, each loaded by wrk at 16 connections:
//   Benchtop's scoring server, Flask on gunicorn (sync workers), azureml-inference-server-http (azmlinfsrv).
// Targets (issue 10): keep-alive >= 2.5x Flask + gunicorn, `Connection: close` >= 2x; p99 <= 4 ms; deploy to healthy <= 2 s.
// Also `mlflow models serve` (uvicorn) with the same model in MLflow's format, and the in-process floor (run() + JSON).
// Each is loaded keep-alive and with `Connection: close`.
// Needs wrk (apt-get install wrk) and a venv with flask, gunicorn, azureml-inference-server-http, scikit-learn, mlflow:
//   python3 -m venv .bench-work/serving-venv && .bench-work/serving-venv/bin/pip install flask gunicorn azureml-inference-server-http scikit-learn joblib numpy mlflow
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { freePort } from '../src/main/core/services/serviceProcess';
import { benchDir, median, report } from './harness';
import { type Load, wrkPost } from './wrkLoad';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const VENV = process.env.BENCH_SERVING_VENV ?? path.resolve('.bench-work', 'serving-venv');
const dir = benchDir('services');
const core = openCore(path.join(dir, 'ws'));

const SCORE = `import json, os, joblib, numpy as np

def init():
    global model
    model = joblib.load(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "iris.joblib"))

def run(raw_data):
    data = np.array(json.loads(raw_data)["data"])
    return model.predict(data).tolist()
`;
const FLASK_APP = `import json, score
from flask import Flask, request
score.init()
app = Flask(__name__)

@app.route("/score", methods=["POST"])
def predict():
    return app.response_class(json.dumps(score.run(request.get_data(as_text=True))), mimetype="application/json")
`;
const BODY = '{"data": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}';

interface Target {
  port: number;
  path: string;
  body: string;
}

/** wrk -t2 -c16 against one POST route (warmed up), keep-alive or with `Connection: close` on every request. */
function wrk(target: Target, close = false): Load {
  const url = `http://127.0.0.1:${target.port}${target.path}`;
  return wrkPost({ dir, url, body: target.body, close, warmUp: true, seconds: SECONDS });
}

/** Both connection modes, keep-alive first. */
function bothModes(target: Target): { keepAlive: Load; close: Load } {
  return { keepAlive: wrk(target), close: wrk(target, true) };
}

async function healthy(target: Target, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const status = await new Promise<number>((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: target.port,
          path: target.path,
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve(0));
      req.end(target.body);
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing healthy on port ${target.port}`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

/** Starts a peer server (its command line has `{port}`), loads it both ways, stops it. */
async function baseline(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  route = { path: '/score', body: BODY },
) {
  const port = await freePort();
  const child = spawn(
    command,
    args.map((a) => a.replace('{port}', String(port))),
    { cwd, env: { ...process.env, ...env }, detached: true, stdio: 'ignore' },
  );
  try {
    const target = { port, ...route };
    await healthy(target);
    return bothModes(target);
  } finally {
    await stop(child);
  }
}

/** run() + the JSON answer in a loop in one process: the cost no server can go under (microseconds per request). */
function inProcessFloorUs(python: string, app: string, modelDir: string): number {
  const loop = [
    'import json, sys, time, score',
    'score.init()',
    `body = ${JSON.stringify(BODY)}`,
    'for _ in range(500): json.dumps(score.run(body))',
    'n = 5000; t = time.perf_counter()',
    'for _ in range(n): json.dumps(score.run(body)).encode()',
    'print((time.perf_counter() - t) / n * 1e6)',
  ].join('\n');
  const out = execFileSync(python, ['-c', loop], { cwd: app, env: { ...process.env, AZUREML_MODEL_DIR: modelDir } });
  return Number(out.toString().trim());
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

async function main() {
  // The model, trained in the SKLearn environment, registered, and the shared score.py.
  const record = core.environments.get('Benchtop-SKLearn');
  const started = core.builds.start(record.definition, 'Benchtop-SKLearn:1', {});
  if ((await core.jobs.get(started.job.id).done).state !== 'completed')
    throw new Error('Benchtop-SKLearn did not build');
  const python = core.builds.ready(started.buildKey)?.pythonPath as string;
  const modelDir = path.join(dir, 'model');
  fs.mkdirSync(modelDir, { recursive: true });
  execFileSync(python, [
    '-c',
    'import sys, joblib\nfrom sklearn.datasets import load_iris\nfrom sklearn.linear_model import LogisticRegression\nX, y = load_iris(return_X_y=True)\njoblib.dump(LogisticRegression(max_iter=1000).fit(X, y), sys.argv[1])',
    path.join(modelDir, 'iris.joblib'),
  ]);
  await core.models.register({ name: 'iris', path: path.join(modelDir, 'iris.joblib'), framework: 'ScikitLearn' });
  const app = path.join(dir, 'app');
  fs.mkdirSync(app, { recursive: true });
  fs.writeFileSync(path.join(app, 'score.py'), SCORE);
  fs.writeFileSync(path.join(app, 'flask_app.py'), FLASK_APP);

  // Deploy to healthy with the environment cached: 5 deploys, median.
  const deployMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await core.services.deploy({
      name: `iris-${i}`,
      models: ['iris:1'],
      entryScript: 'score.py',
      sourceDirectory: app,
      environment: 'Benchtop-SKLearn',
      workers: WORKERS,
    });
    deployMs.push(performance.now() - t);
    if (i < 4) await core.services.delete(`iris-${i}`);
  }
  report({
    bench: 'service-deploy-to-healthy (environment cached)',
    runs: 5,
    workers: WORKERS,
    medianMs: Math.round(median(deployMs)),
    all: deployMs.map(Math.round),
    targetMs: 2000,
  });

  const benchtop = bothModes({ port: core.services.get('iris-4').port, path: '/score', body: BODY });
  await core.services.delete('iris-4');
  const floorUs = inProcessFloorUs(python, app, modelDir);
  const venvBin = path.join(VENV, 'bin');
  const modelEnv = { AZUREML_MODEL_DIR: modelDir, PATH: `${venvBin}:${process.env.PATH}` };
  const flask = await baseline(
    path.join(venvBin, 'gunicorn'),
    ['-w', String(WORKERS), '-b', '127.0.0.1:{port}', '--log-level', 'warning', 'flask_app:app'],
    app,
    modelEnv,
  );
  const azure = await baseline(
    path.join(venvBin, 'azmlinfsrv'),
    ['--entry_script', 'score.py', '--model_dir', modelDir, '--port', '{port}', '--worker_count', String(WORKERS)],
    app,
    modelEnv,
  );
  // MLflow serves its own model format: the same iris model saved by mlflow.sklearn in the peers' venv.
  const mlflowModel = path.join(dir, 'mlflow-iris');
  execFileSync(path.join(venvBin, 'python'), [
    '-c',
    'import sys, mlflow.sklearn\nfrom sklearn.datasets import load_iris\nfrom sklearn.linear_model import LogisticRegression\nX, y = load_iris(return_X_y=True)\nmlflow.sklearn.save_model(LogisticRegression(max_iter=1000).fit(X, y), sys.argv[1])',
    mlflowModel,
  ]);
  const mlflow = await baseline(
    path.join(venvBin, 'mlflow'),
    [
      'models',
      'serve',
      '-m',
      mlflowModel,
      '--env-manager',
      'local',
      '-h',
      '127.0.0.1',
      '-p',
      '{port}',
      '-w',
      String(WORKERS),
    ],
    app,
    modelEnv,
    { path: '/invocations', body: '{"inputs": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}' },
  );
  // One worker can do at most 1e6 / floor requests per second; WORKERS of them on WORKERS cores, that many times.
  const floorRps = (1e6 / floorUs) * WORKERS;
  report({
    bench: 'service-throughput-iris (wrk -t2 -c16)',
    workers: WORKERS,
    seconds: SECONDS,
    benchtop,
    flaskGunicorn: flask,
    azmlinfsrv: azure,
    mlflowServe: mlflow,
    keepAliveVsFlask: ratio(benchtop.keepAlive.rps, flask.keepAlive.rps),
    closeVsFlask: ratio(benchtop.close.rps, flask.close.rps),
    keepAliveVsAzmlinfsrv: ratio(benchtop.keepAlive.rps, azure.keepAlive.rps),
    keepAliveVsMlflow: ratio(benchtop.keepAlive.rps, mlflow.keepAlive.rps),
    inProcessFloorUs: Math.round(floorUs),
    fractionOfFloor: ratio(benchtop.keepAlive.rps, floorRps),
    targets: 'keep-alive >= 2.5x flask, close >= 2x flask, p99 <= 4 ms',
  });
  core.close();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
