// MLflow's scoring contract on Benchtop's scoring server (issue 14): models saved by the real mlflow library
// (test/python/mlflow_models.py, in the cached mlflow-skinny venv), served by `python -m benchtop.serving` with
// the built-in mlflow_scorer.py, and compared request by request with mlflow's own scoring app (its FastAPI
// app under uvicorn, from the same venv, offline): same status, content type and body bytes, for the four
// JSON shapes, params, CSV and bad input; predictions equal the library's predict(); the real mlflow client;
// Azure's /score shapes for MLflow models; init failures; the shortcut's differential test; a score.py service.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitHealthy } from '../../src/main/core/services/serviceProcess';
import { mlflowPython } from '../helpers/mlflowVenv';
import { type ScoringServer, startScoringServer, stopScoringServer } from '../helpers/scoringServer';
import { exec } from '../helpers/sdkVenv';
import { python, ROOT, requireComponent, tempDir, waitUntil } from '../helpers/workspace';

const RUNTIME = path.join(ROOT, 'src', 'runtime');
const SCORER = path.join(RUNTIME, 'benchtop', 'serving', 'mlflow_scorer.py');
const PY_TESTS = path.join(ROOT, 'test', 'python');
const JSON_TYPE = 'application/json';
// mlflow's messages print a Python set of the input fields, in an order that depends on the process's hash seed:
// the same seed on both sides, so that the bytes can be compared.
const HASH_SEED = '0';

interface Server {
  port: number;
  child: ChildProcess;
  log: string;
}
interface Answer {
  status: number;
  type: string;
  body: string;
  allow?: string;
}

let py: string | null = null;
const root = tempDir('bt-mlflow-serving-');
const models = path.join(root, 'models');
let columns: string[] = [];
const servers: Server[] = [];

function spawnLogged(command: string, args: string[], env: NodeJS.ProcessEnv, log: string): ChildProcess {
  const out = fs.openSync(log, 'a');
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

/** Benchtop's scoring server on a model folder (AZUREML_MODEL_DIR), as a no-code MLflow deploy starts it. */
async function startBenchtop(modelDir: string, workers = 1, interpreter = py as string): Promise<Server> {
  const port = await freePort();
  const log = path.join(root, `benchtop-${port}.log`);
  const args = ['-m', 'benchtop.serving', '--entry-script', SCORER, '--port', String(port), '--workers', `${workers}`];
  const child = spawnLogged(
    interpreter,
    [...args, '--max-body-mb', '1'],
    {
      PYTHONPATH: RUNTIME,
      PYTHONHASHSEED: HASH_SEED,
      AZUREML_MODEL_DIR: modelDir,
    },
    log,
  );
  const server = { port, child, log };
  servers.push(server);
  const state = await waitHealthy(port, () => child.exitCode === null, 60_000);
  if (state !== 'healthy') throw new Error(`Benchtop's server is ${state}:\n${fs.readFileSync(log, 'utf8')}`);
  return server;
}

/** mlflow's own scoring app (mlflow/pyfunc/scoring_server/app.py) under uvicorn, what `mlflow models serve` runs. */
async function startReference(modelDir: string): Promise<Server> {
  const port = await freePort();
  const log = path.join(root, `mlflow-${port}.log`);
  const args = ['-m', 'uvicorn', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'];
  const child = spawnLogged(
    py as string,
    [...args, 'mlflow.pyfunc.scoring_server.app:app'],
    {
      __pyfunc_model_path__: modelDir,
      PYTHONHASHSEED: HASH_SEED,
    },
    log,
  );
  const server = { port, child, log };
  servers.push(server);
  await waitUntil(() => child.exitCode === null, 1000);
  const end = Date.now() + 60_000;
  while ((await get(port, '/ping').catch(() => null))?.status !== 200) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(fs.readFileSync(log, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
  }
  return server;
}

async function answer(res: Response): Promise<Answer> {
  const allow = res.headers.get('allow');
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: await res.text(),
    ...(allow ? { allow } : {}),
  };
}

async function post(port: number, route: string, body: string | Buffer, type?: string): Promise<Answer> {
  const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
  const payload = typeof body === 'string' ? body : new Uint8Array(body);
  return answer(await fetch(`http://127.0.0.1:${port}${route}`, { method: 'POST', body: payload, headers }));
}

async function get(port: number, route: string, method = 'GET'): Promise<Answer> {
  return answer(await fetch(`http://127.0.0.1:${port}${route}`, { method }));
}

async function runPython(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await exec(py as string, args, {
    env: { ...process.env, PYTHONPATH: RUNTIME, ...env },
    timeoutMs: 180_000,
  });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The library's own predict() of each case (mlflow.pyfunc.load_model in a fresh process). */
async function libraryPredictions(model: string, cases: unknown[]): Promise<unknown[]> {
  const file = path.join(root, `cases-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(cases));
  const out = await runPython([path.join(PY_TESTS, 'mlflow_models.py'), 'predict', path.join(models, model), file]);
  return JSON.parse(out.trim().split('\n').pop() as string) as unknown[];
}

/** A version folder holding the one registered folder (the layout a registered MLflow model gets). */
function versionFolder(model: string): string {
  const dir = path.join(root, 'versions', model);
  fs.cpSync(path.join(models, model), path.join(dir, model), { recursive: true });
  return dir;
}

const INTS = [[5, 3, 1, 0]];
const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 2.9, 4.3, 1.3],
  [7.7, 3.0, 6.1, 2.3],
];
const records = () => ROWS.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
const csv = () => [columns.join(','), ...ROWS.map((r) => r.join(','))].join('\n') + '\n';

beforeAll(async () => {
  py = await mlflowPython();
  if (!requireComponent('the mlflow-skinny venv (node_modules/.cache/benchtop-mlflow-venv)', py !== null)) return;
  const out = await runPython([path.join(PY_TESTS, 'mlflow_models.py'), 'save', models]);
  columns = (JSON.parse(out.trim().split('\n').pop() as string) as { columns: string[] }).columns;
}, 900_000);

afterAll(async () => {
  for (const server of servers) {
    if (server.child.exitCode !== null) continue;
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
});

describe('an MLflow model served by Benchtop answers what mlflow serve answers', () => {
  let ours: Server;
  let theirs: Server;
  beforeAll(async () => {
    if (!py) return;
    [ours, theirs] = await Promise.all([
      startBenchtop(versionFolder('iris'), 2),
      startReference(path.join(models, 'iris')),
    ]);
  });

  it('in all four JSON shapes and CSV, equal to the library predict()', async () => {
    if (!py) return;
    const columnar = Object.fromEntries(columns.map((c, i) => [c, ROWS.map((r) => r[i])]));
    const cases: [string, string, string][] = [
      ['dataframe_split', JSON.stringify({ dataframe_split: { columns, data: ROWS } }), JSON_TYPE],
      ['dataframe_split, ints', JSON.stringify({ dataframe_split: { columns, data: INTS } }), JSON_TYPE],
      [
        'dataframe_split, index',
        JSON.stringify({ dataframe_split: { columns, index: [7, 8, 9], data: ROWS } }),
        JSON_TYPE,
      ],
      ['dataframe_records', JSON.stringify({ dataframe_records: records() }), JSON_TYPE],
      ['instances', JSON.stringify({ instances: records() }), JSON_TYPE],
      ['inputs, columns', JSON.stringify({ inputs: columnar }), JSON_TYPE],
      ['inputs, records', JSON.stringify({ inputs: records() }), `${JSON_TYPE}; charset=utf-8`],
      ['csv', csv(), 'text/csv'],
    ];
    const expected = await libraryPredictions('iris', [
      { split: { columns, data: ROWS } },
      { split: { columns, data: INTS } },
    ]);
    for (const [name, body, type] of cases) {
      const mine = await post(ours.port, '/invocations', body, type);
      expect(mine, name).toEqual(await post(theirs.port, '/invocations', body, type));
      expect(mine.status, name).toBe(200);
      const predictions = (JSON.parse(mine.body) as { predictions: number[] }).predictions;
      expect(predictions, name).toEqual(name.includes('ints') ? expected[1] : expected[0]);
    }
    for (const route of ['/ping', '/health', '/version'])
      expect(await get(ours.port, route)).toEqual(await get(theirs.port, route));
  });

  it("answers bad input with the library's errors and keeps serving", async () => {
    if (!py) return;
    const split = (data: unknown, cols: unknown = columns) =>
      JSON.stringify({ dataframe_split: { columns: cols, data } });
    const cases: [string, string | Buffer, string | undefined][] = [
      ['not JSON', '{"dataframe_split": ', JSON_TYPE],
      ['a JSON list', '[1, 2]', JSON_TYPE],
      ['a JSON string', '"x"', JSON_TYPE],
      ['no known key', JSON.stringify({ data: ROWS }), JSON_TYPE],
      ['two shapes', JSON.stringify({ inputs: ROWS, instances: ROWS }), JSON_TYPE],
      ['rows without column names', JSON.stringify({ inputs: ROWS }), JSON_TYPE],
      ['other column names', split(ROWS, ['a', 'b', 'c', 'd']), JSON_TYPE],
      ['strings in double columns', split([['x', 'y', 'z', 'w']]), JSON_TYPE],
      ['nulls', split([[null, 1, 2, 3]]), JSON_TYPE],
      ['booleans', split([[true, 1.0, 2.0, 3.0]]), JSON_TYPE],
      ['short rows', split([[1.0, 2.0]]), JSON_TYPE],
      ['split as a list', JSON.stringify({ dataframe_split: ROWS }), JSON_TYPE],
      ['records as a dict', JSON.stringify({ dataframe_records: { a: 1 } }), JSON_TYPE],
      ['NaN', `{"dataframe_split": {"columns": ${JSON.stringify(columns)}, "data": [[NaN, 1, 2, 3]]}}`, JSON_TYPE],
      ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), JSON_TYPE],
      ['bad CSV', 'a,b\n1,2,3,4\n"unclosed', 'text/csv'],
      ['CSV with other columns', 'a,b\n1,2\n', 'text/csv'],
      ['CSV, invalid UTF-8', Buffer.from([0x61, 0x0a, 0xff, 0x0a]), 'text/csv'],
      ['text/xml', '<x/>', 'text/xml'],
      ['latin-1', split(ROWS), `${JSON_TYPE}; charset=latin-1`],
      ['an unknown content-type parameter', split(ROWS), `${JSON_TYPE}; format=pandas-split`],
      [
        'params the model does not take',
        JSON.stringify({ dataframe_split: { columns, data: ROWS }, params: { k: 1 } }),
        JSON_TYPE,
      ],
    ];
    for (const [name, body, type] of cases) {
      const mine = await post(ours.port, '/invocations', body, type);
      expect(mine, name).toEqual(await post(theirs.port, '/invocations', body, type));
      expect(mine.status, name).not.toBe(500);
      if (mine.status === 400) expect(Object.keys(JSON.parse(mine.body) as object), name).toContain('error_code');
    }
    expect(await get(ours.port, '/invocations')).toEqual(await get(theirs.port, '/invocations'));
    expect(await post(ours.port, '/ping', '')).toEqual(await post(theirs.port, '/ping', ''));

    // Where mlflow's app answers a bare 500 (or nothing useful), Benchtop answers MLflow's error JSON.
    const deep = `{"inputs": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const deepAnswer = await post(ours.port, '/invocations', deep, JSON_TYPE);
    expect(deepAnswer.status).toBe(400);
    expect(JSON.parse(deepAnswer.body)).toMatchObject({ error_code: 'BAD_REQUEST' });
    const untyped = await post(ours.port, '/invocations', split(ROWS));
    expect(untyped.status).toBe(415);
    expect(untyped.body).toContain('This predictor only supports the following content types');
    const huge = await post(ours.port, '/invocations', split(Array(80_000).fill(ROWS[0])), JSON_TYPE);
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toEqual({
      error_code: 'BAD_REQUEST',
      message: "Request body is larger than the service's limit of 1 MB.",
    });
    expect((await get(ours.port, '/ping')).status).toBe(200);
    expect((await post(ours.port, '/invocations', split(ROWS), JSON_TYPE)).status).toBe(200);
    expect(fs.readFileSync(ours.log, 'utf8')).not.toMatch(/Worker failed|died|Traceback/);
  });

  it('serves the real mlflow client (ScoringServerClient: ping, version, invoke a DataFrame)', async () => {
    if (!py) return;
    const script = [
      'import sys, json, pandas as pd, mlflow.pyfunc',
      'from mlflow.pyfunc.scoring_server.client import ScoringServerClient',
      `rows = ${JSON.stringify(ROWS)}; columns = ${JSON.stringify(columns)}`,
      'client = ScoringServerClient("127.0.0.1", int(sys.argv[1]))',
      'client.wait_server_ready(timeout=10)',
      'frame = pd.DataFrame(rows, columns=columns)',
      'got = client.invoke(frame).get_predictions()',
      'want = mlflow.pyfunc.load_model(sys.argv[2]).predict(frame)',
      'print(json.dumps({"version": client.get_version(), "got": got.iloc[:, 0].tolist(), "want": want.tolist()}))',
    ].join('\n');
    const out = await runPython(['-c', script, String(ours.port), path.join(models, 'iris')]);
    const result = JSON.parse(out.trim().split('\n').pop() as string) as {
      version: string;
      got: number[];
      want: number[];
    };
    expect(result.got).toEqual(result.want);
    expect(result.version).toBe('3.17.2');
  });

  it("takes Azure's MLflow no-code shapes on /score and answers the predictions list", async () => {
    if (!py) return;
    const [expected] = await libraryPredictions('iris', [{ split: { columns, data: ROWS } }]);
    const inputData = { input_data: { columns, index: [0, 1, 2], data: ROWS } };
    for (const body of [inputData, { data: ROWS }]) {
      const mine = await post(ours.port, '/score', JSON.stringify(body), JSON_TYPE);
      expect(mine.status, JSON.stringify(body)).toBe(200);
      expect(JSON.parse(mine.body)).toEqual(expected);
    }
    const bad = await post(ours.port, '/score', JSON.stringify({ rows: ROWS }), JSON_TYPE);
    expect(bad.status).toBe(400);
    expect((JSON.parse(bad.body) as { message: string }).message).toContain('input_data');
    const wrong = await post(ours.port, '/score', JSON.stringify({ data: [['x', 1, 2, 3]] }), JSON_TYPE);
    expect(wrong.status).toBe(400);
  });
});

describe('other MLflow models', () => {
  it('a model without a signature, and one with params, answer as mlflow serve does', async () => {
    if (!py) return;
    const [plainOurs, plainTheirs, scaledOurs, scaledTheirs] = await Promise.all([
      startBenchtop(path.join(models, 'iris-nosig')),
      startReference(path.join(models, 'iris-nosig')),
      startBenchtop(versionFolder('scaled')),
      startReference(path.join(models, 'scaled')),
    ]);
    const [rowsExpected, scaledExpected] = await Promise.all([
      libraryPredictions('iris-nosig', [{ rows: ROWS }]),
      libraryPredictions('scaled', [{ split: { columns, data: ROWS }, params: { factor: 3 } }]),
    ]);
    for (const key of ['inputs', 'instances']) {
      const body = JSON.stringify({ [key]: ROWS });
      const mine = await post(plainOurs.port, '/invocations', body, JSON_TYPE);
      expect(mine).toEqual(await post(plainTheirs.port, '/invocations', body, JSON_TYPE));
      expect(JSON.parse(mine.body)).toEqual({ predictions: rowsExpected[0] });
    }
    const withParams = JSON.stringify({ dataframe_split: { columns, data: ROWS }, params: { factor: 3 } });
    const mine = await post(scaledOurs.port, '/invocations', withParams, JSON_TYPE);
    expect(mine).toEqual(await post(scaledTheirs.port, '/invocations', withParams, JSON_TYPE));
    expect(JSON.parse(mine.body)).toEqual({ predictions: scaledExpected[0] });
    const badParams = JSON.stringify({ dataframe_split: { columns, data: ROWS }, params: { factor: 'x' } });
    const refused = await post(scaledOurs.port, '/invocations', badParams, JSON_TYPE);
    expect(refused).toEqual(await post(scaledTheirs.port, '/invocations', badParams, JSON_TYPE));
    expect(refused.status).toBe(400);
  });

  it('fails init naming the flavors when there is no python_function flavor, and naming mlflow when it is missing', async () => {
    if (!py) return;
    await expect(startBenchtop(path.join(models, 'noflavor'))).rejects.toThrow(
      /has no python_function flavor \(its flavors: sklearn\)/,
    );
    const systemHasMlflow = (await exec(python(), ['-c', 'import mlflow'])).code === 0;
    if (!systemHasMlflow)
      await expect(startBenchtop(versionFolder('iris-nosig'), 1, python())).rejects.toThrow(
        /needs the Python package mlflow .*benchtop service deploy/s,
      );
    await expect(startBenchtop(path.join(root, 'models'))).rejects.toThrow(/No MLmodel file in/);
  });

  it("the numeric shortcut answers the library's bytes on generated requests (differential test)", async () => {
    if (!py) return;
    for (const [model, count, shortcut] of [
      ['iris', 1500, true],
      ['iris-nosig', 1000, true],
      ['pipeline', 200, false],
    ] as const) {
      const out = await runPython([
        path.join(PY_TESTS, 'mlflow_differential.py'),
        path.join(models, model),
        '--count',
        `${count}`,
      ]);
      const summary = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;
      expect(summary, model).toMatchObject({ requests: count, disagreements: 0, shortcutOn: shortcut });
      if (shortcut) expect(summary.shortcut as number, model).toBeGreaterThan(count / 10);
    }
  });
});

describe("a score.py service also answers MLflow's routes", () => {
  let server: ScoringServer | undefined;
  const SCORE = `import json, time


def init():
    pass


def run(raw):
    data = json.loads(raw)
    if "fail" in data:
        raise RuntimeError("boom")
    if "sleep" in data:
        try:
            time.sleep(data["sleep"])
        except Exception:
            return "caught the timeout"
    return {"echo": data}
`;
  beforeAll(async () => {
    server = await startScoringServer(SCORE, ['--timeout-ms', '500']);
  });
  afterAll(async () => stopScoringServer(server));

  it('/invocations passes the JSON body to run(); /ping, /health, /version; errors in MLflow shapes', async () => {
    const port = (server as ScoringServer).port;
    const ok = await post(port, '/invocations', JSON.stringify({ inputs: [[1, 2]] }), JSON_TYPE);
    expect(ok).toEqual({ status: 200, type: JSON_TYPE, body: '{"echo": {"inputs": [[1, 2]]}}' });
    const csvAnswer = await post(port, '/invocations', 'a,b\n1,2\n', 'text/csv');
    expect(csvAnswer.status).toBe(415);
    expect(csvAnswer.type).toBe('text/plain; charset=utf-8');
    expect(csvAnswer.body).toContain('has an entry script');
    for (const route of ['/ping', '/health'])
      expect(await get(port, route)).toEqual({ status: 200, type: JSON_TYPE, body: '\n' });
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await get(port, '/version')).toEqual({ status: 200, type: JSON_TYPE, body: pkg.version });
    const failed = await post(port, '/invocations', JSON.stringify({ fail: 1 }), JSON_TYPE);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toMatchObject({ error_code: 'INTERNAL_ERROR' });
    // The timeout answers 504 even when run() catches the exception it raises.
    const slow = await post(port, '/invocations', JSON.stringify({ sleep: 3 }), JSON_TYPE);
    expect(slow.status).toBe(504);
    expect(JSON.parse(slow.body)).toMatchObject({ error_code: 'DEADLINE_EXCEEDED' });
    expect(await get(port, '/invocations')).toMatchObject({ status: 405, allow: 'POST' });
    // Azure's contract is untouched.
    expect((await post(port, '/score', JSON.stringify({ a: 1 }), JSON_TYPE)).body).toBe('{"echo": {"a": 1}}');
  });
});
