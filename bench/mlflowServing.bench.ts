// MLflow's /invocations on Benchtop's scoring server (the built-in mlflow_scorer.py) against `mlflow models serve
// --env-manager local` (uvicorn + FastAPI) on the same model, the same Python venv and the same worker count,
// all up at once and loaded in turns by wrk -t2 -c16, keep-alive and with `Connection: close` (issue 14: >= 3x both).
//   iris:       LogisticRegression fitted on a DataFrame, saved with its signature; the body is what mlflow's
//               client sends for a DataFrame ({"dataframe_split": ...}). Benchtop with its numeric shortcut, and
//               with the shortcut turned off (the library's own code for every request).
//   iris-nosig: no signature, {"inputs": [[...]]} (mlflow's lightest path: no DataFrame, no schema).
// Then the per-request costs in one process: mlflow's invocations() and its steps, and the shortcut.
// Needs wrk and the venv of bench/serviceThroughput.bench.ts (.bench-work/serving-venv, with mlflow 3.17.2).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../src/main/core/services/serviceProcess';
import { benchDir, median, report } from './harness';
import { type Load, wrkPost } from './wrkLoad';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VENV = process.env.BENCH_SERVING_VENV ?? path.resolve('.bench-work', 'serving-venv');
const PYTHON = path.join(VENV, 'bin', 'python');
const RUNTIME = path.resolve('src', 'runtime');
const SCORER = path.join(RUNTIME, 'benchtop', 'serving', 'mlflow_scorer.py');
const dir = benchDir('mlflow-serving');
const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 2.9, 4.3, 1.3],
];

/** wrk -t2 -c16 POSTing `body` to /invocations, keep-alive or with `Connection: close` on every request. */
function wrk(port: number, body: string, close: boolean, warmUp: boolean): Load {
  return wrkPost({ dir, url: `http://127.0.0.1:${port}/invocations`, body, close, warmUp, seconds: SECONDS });
}

function answer(port: number, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/invocations',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(body);
  });
}

interface Running {
  child: ChildProcess;
  port: number;
  answer: string;
}

/** Starts a server (detached, its own process group) and waits for a 200 on `body`. */
async function start(args: string[], env: NodeJS.ProcessEnv, port: number, body: string): Promise<Running> {
  const child: ChildProcess = spawn(args[0] as string, args.slice(1), {
    env: { ...process.env, ...env },
    detached: true,
    stdio: 'ignore',
  });
  const end = Date.now() + 120_000;
  let first = await answer(port, body);
  while (first.status !== 200) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`nothing serving on ${port}: ${first.text}`);
    await new Promise((r) => setTimeout(r, 200));
    first = await answer(port, body);
  }
  return { child, port, answer: first.text };
}

function stop(server: Running): Promise<void> {
  return new Promise<void>((resolve) => {
    server.child.once('exit', () => resolve());
    try {
      process.kill(-(server.child.pid as number), 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

async function benchtop(model: string, body: string, shortcut: boolean): Promise<Running> {
  const port = await freePort();
  const args = [PYTHON, '-m', 'benchtop.serving', '--entry-script', SCORER, '--port', String(port)];
  const env = { PYTHONPATH: RUNTIME, AZUREML_MODEL_DIR: model, BENCHTOP_MLFLOW_SHORTCUT: shortcut ? '1' : '0' };
  return start([...args, '--workers', String(WORKERS)], env, port, body);
}

async function mlflowServe(model: string, body: string): Promise<Running> {
  const port = await freePort();
  const mlflow = path.join(VENV, 'bin', 'mlflow');
  const args = [
    mlflow,
    'models',
    'serve',
    '-m',
    model,
    '--env-manager',
    'local',
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
  ];
  return start([...args, '-w', String(WORKERS)], { PATH: `${path.join(VENV, 'bin')}:${process.env.PATH}` }, port, body);
}

/**
 * Loads the servers in turns (A, B, C, A, B, C, ...), ROUNDS rounds per connection mode, so that load from
 * other processes on a shared machine falls on all of them alike; per server and mode the median round
 * (by req/s), and per round the ratio of the first server to each other, medians reported.
 */
function interleaved(servers: Record<string, Running>, body: string) {
  const names = Object.keys(servers);
  const result: Record<string, Record<string, Load>> = {};
  const ratios: Record<string, number> = {};
  for (const mode of ['keepAlive', 'close'] as const) {
    const rounds: Record<string, Load[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round < ROUNDS; round++)
      for (const name of names)
        rounds[name]?.push(wrk((servers[name] as Running).port, body, mode === 'close', round === 0));
    for (const name of names) {
      const sorted = [...(rounds[name] as Load[])].sort((a, b) => a.rps - b.rps);
      (result[name] ??= {})[mode] = sorted[Math.floor(sorted.length / 2)] as Load;
    }
    const [first, ...others] = names;
    for (const other of others) {
      const perRound = (rounds[first as string] as Load[]).map(
        (load, i) => load.rps / (rounds[other]?.[i] as Load).rps,
      );
      ratios[`${mode}:${first}/${other}`] = ratio(median(perRound), 1);
    }
  }
  return { result, ratios };
}

/** Microseconds per request in one process: mlflow's invocations() and its steps, and Benchtop's shortcut. */
function perRequestUs(model: string, body: string): Record<string, number> {
  const code = `
import json, sys, time, os
from io import StringIO
os.environ["AZUREML_MODEL_DIR"] = sys.argv[1]
from benchtop.serving import mlflow_scorer as scorer
from mlflow.pyfunc import scoring_server as ss
from mlflow.utils.proto_json_utils import dataframe_from_parsed_json
scorer.init()
body = sys.argv[2].encode()
model, schema = scorer.model, scorer.input_schema
payload = json.loads(body)
def us(fn, n=2000):
    for _ in range(200): fn()
    t = time.perf_counter()
    for _ in range(n): fn()
    return round((time.perf_counter() - t) / n * 1e6, 1)
out = {"libraryInvocations": us(lambda: ss.invocations(body, "application/json", model, schema)),
       "jsonLoads": us(lambda: json.loads(body))}
if "dataframe_split" in payload:
    frame = dataframe_from_parsed_json(payload["dataframe_split"], "split", schema)
    out["dataframeFromJsonAndCast"] = us(lambda: dataframe_from_parsed_json(payload["dataframe_split"], "split", schema))
    out["pyfuncPredictWithSchema"] = us(lambda: model.predict(frame))
    out["sklearnPredictOnDataFrame"] = us(lambda: model._model_impl.sklearn_model.predict(frame))
    import numpy as np
    matrix = np.array(payload["dataframe_split"]["data"], dtype=np.float64)
else:
    import numpy as np
    matrix = np.array(payload["inputs"])
    out["pyfuncPredict"] = us(lambda: model.predict(matrix))
out["sklearnPredictOnNdarray"] = us(lambda: model._model_impl.sklearn_model.predict(matrix))
prediction = model._model_impl.sklearn_model.predict(matrix)
out["predictionsToJson"] = us(lambda: ss.predictions_to_json(prediction, StringIO()))
if scorer.fast is not None:
    out["benchtopShortcut"] = us(lambda: scorer.mlflow_invocations(body, "application/json"))
print(json.dumps(out))
`;
  const out = execFileSync(PYTHON, ['-W', 'ignore', '-c', code, model, body], {
    env: { ...process.env, PYTHONPATH: RUNTIME },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>;
}

const SIGNATURE_COLUMNS =
  'import json, sys, mlflow.models as m; print(json.dumps(m.Model.load(sys.argv[1]).signature.inputs.input_names()))';
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

async function main() {
  const models = path.join(dir, 'models');
  execFileSync(PYTHON, ['-W', 'ignore', path.resolve('test', 'python', 'mlflow_models.py'), 'save', models], {
    stdio: 'ignore',
  });
  const columns = JSON.parse(
    execFileSync(PYTHON, ['-c', SIGNATURE_COLUMNS, path.join(models, 'iris')], { encoding: 'utf8' }).trim(),
  ) as string[];
  const scenarios = [
    { model: 'iris', body: JSON.stringify({ dataframe_split: { columns, data: ROWS } }) },
    { model: 'iris-nosig', body: JSON.stringify({ inputs: ROWS }) },
  ];
  for (const { model, body } of scenarios) {
    const folder = path.join(models, model);
    const servers: Record<string, Running> = { benchtop: await benchtop(folder, body, true) };
    if (model === 'iris') servers.benchtopWithoutShortcut = await benchtop(folder, body, false);
    servers.mlflowServe = await mlflowServe(folder, body);
    try {
      for (const server of Object.values(servers))
        if (server.answer !== servers.benchtop?.answer)
          throw new Error(`different answers: ${servers.benchtop?.answer} vs ${server.answer}`);
      const { result, ratios } = interleaved(servers, body);
      report({
        bench: `mlflow-invocations-${model} (wrk -t2 -c16)`,
        workers: WORKERS,
        seconds: SECONDS,
        rounds: ROUNDS,
        body,
        answer: servers.benchtop?.answer,
        ...result,
        keepAliveVsMlflow: ratios['keepAlive:benchtop/mlflowServe'],
        closeVsMlflow: ratios['close:benchtop/mlflowServe'],
        ratios,
        perRequestUs: perRequestUs(folder, body),
        target: '>= 3x mlflow models serve, keep-alive and close',
      });
    } finally {
      for (const server of Object.values(servers)) await stop(server);
    }
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
