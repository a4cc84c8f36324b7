// An iris scikit-learn model behind an Azure-style score.py, served three ways on the same cores with the same
// worker count, one after another, each loaded by wrk at 16 connections:
//   Benchtop's scoring server, Flask on gunicorn (sync workers), azureml-inference-server-http (azmlinfsrv).
// Targets: throughput >= 2x Flask + gunicorn and >= 1x azmlinfsrv; p99 <= 3 ms; deploy to healthy <= 2 s (environment cached).
// Needs wrk (apt-get install wrk) and a venv with flask, gunicorn, azureml-inference-server-http, scikit-learn:
//   python3 -m venv .bench-work/serving-venv && .bench-work/serving-venv/bin/pip install flask gunicorn azureml-inference-server-http scikit-learn joblib numpy
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { freePort } from '../src/main/core/services/serviceProcess';
import { benchDir, median, report } from './harness';

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

function wrk(port: number): { rps: number; p50: number; p99: number } {
  const lua = path.join(dir, 'post.lua');
  fs.writeFileSync(
    lua,
    `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  // Warm up, then measure.
  execFileSync('wrk', ['-t2', '-c16', '-d2s', '-s', lua, `http://127.0.0.1:${port}/score`], { encoding: 'utf8' });
  const out = execFileSync(
    'wrk',
    ['-t2', '-c16', `-d${SECONDS}s`, '--latency', '-s', lua, `http://127.0.0.1:${port}/score`],
    { encoding: 'utf8' },
  );
  const ms = (label: string) => {
    const match = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!match) return Number.NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) throw new Error(`wrk saw ${errors[1]} failed responses:\n${out}`);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50: ms('50%'), p99: ms('99%') };
}

async function healthy(port: number, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const status = await new Promise<number>((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/score',
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
      req.end(BODY);
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing healthy on port ${port}`);
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

async function baseline(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const port = await freePort();
  const child = spawn(
    command,
    args.map((a) => a.replace('{port}', String(port))),
    { cwd, env: { ...process.env, ...env }, detached: true, stdio: 'ignore' },
  );
  try {
    await healthy(port);
    return wrk(port);
  } finally {
    await stop(child);
  }
}

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

  const benchtop = wrk(core.services.get('iris-4').port);
  await core.services.delete('iris-4');
  const venvBin = path.join(VENV, 'bin');
  const modelEnv = { AZUREML_MODEL_DIR: modelDir, PATH: `${venvBin}:${process.env.PATH}` };
  const flask = await baseline(
    'flask',
    path.join(venvBin, 'gunicorn'),
    ['-w', String(WORKERS), '-b', '127.0.0.1:{port}', '--log-level', 'warning', 'flask_app:app'],
    app,
    modelEnv,
  );
  const azure = await baseline(
    'azmlinfsrv',
    path.join(venvBin, 'azmlinfsrv'),
    ['--entry_script', 'score.py', '--model_dir', modelDir, '--port', '{port}', '--worker_count', String(WORKERS)],
    app,
    modelEnv,
  );
  report({
    bench: 'service-throughput-iris (wrk -t2 -c16)',
    workers: WORKERS,
    seconds: SECONDS,
    benchtop,
    flaskGunicorn: flask,
    azmlinfsrv: azure,
    ratioVsFlask: Math.round((benchtop.rps / flask.rps) * 100) / 100,
    ratioVsAzmlinfsrv: Math.round((benchtop.rps / azure.rps) * 100) / 100,
    targets: '>= 2x flask, >= 1x azmlinfsrv, p99 <= 3 ms',
  });
  core.close();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
