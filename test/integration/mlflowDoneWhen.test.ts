import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowPython, registerMlflowVenvEnvironment } from '../helpers/mlflowVenv';
import { requireComponent, ROOT, runCli, tempDir } from '../helpers/workspace';

/**
 * Issue 14's "Done when", end to end with the real mlflow client (3.17.2 from the package index) and the built CLI:
 * an MLflow-logging training script (mlflow.autolog() with scikit-learn, its default serialization) and an Azure
 * ML v1 run.log script show up the same way in one experiment; the autologged model (autolog's default,
 * cloudpickle) registers both ways (the CLI's --run and mlflow.register_model in the script), serves with no entry
 * script through /score and /invocations with the library's own answers, and so does the same model logged with
 * log_model's default (skops); an mlruns/ folder written by the library imports.
 */

let mlflow: string | null = null;
const root = tempDir('bt-mlflow-done-');
const workspace = path.join(root, 'ws');
const source = path.join(root, 'src');
const store = path.join(root, 'project', 'mlruns');
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 300_000 });
const json = <T>(text: string) => JSON.parse(text) as T;
const EXPERIMENT = 'iris-done';

const TRAIN = String.raw`
import json
import mlflow
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

mlflow.autolog()
X, y = load_iris(return_X_y=True, as_frame=True)
model = LogisticRegression(max_iter=300).fit(X, y)
run = mlflow.last_active_run()
version = mlflow.register_model(f"runs:/{run.info.run_id}/model", "iris-done")
rows = X.iloc[[0, 60, 120, 149]]
served = mlflow.pyfunc.load_model(f"models:/iris-done/{version.version}")
# log_model's default format (skops), registered as it is logged.
with mlflow.start_run(run_id=run.info.run_id):
    mlflow.sklearn.log_model(model, name="skops_model", registered_model_name="iris-skops")
print("RESULT " + json.dumps({
    "run_id": run.info.run_id, "version": version.version, "columns": list(rows.columns),
    "data": rows.values.tolist(), "predictions": served.predict(rows).tolist(),
    "library": model.predict(rows).tolist(), "accuracy": model.score(X, y),
}))
`;

/** The same score, logged the Azure ML v1 way under the name autolog gives it. */
const V1 = String.raw`
from azureml.core import Run
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

X, y = load_iris(return_X_y=True, as_frame=True)
run = Run.get_context()
run.log("training_accuracy_score", LogisticRegression(max_iter=300).fit(X, y).score(X, y))
run.tag("style", "v1")
`;

interface Trained {
  run_id: string;
  version: string;
  columns: string[];
  data: number[][];
  predictions: number[];
  library: number[];
  accuracy: number;
}

interface Listed {
  id: string;
  experiment: string;
  status: string;
  metrics: Record<string, unknown>;
}

async function submit(script: string): Promise<string> {
  const args = ['--json', 'run', 'submit', '-d', source, '-s', script, '-e', 'mlflow-venv', '-x', EXPERIMENT];
  const r = await cli([...args, '--wait']);
  const run = r.stdout ? json<{ id: string }>(r.stdout) : null;
  if (r.code !== 0 && run) console.error((await cli(['run', 'logs', run.id])).stdout);
  expect(r.code, r.stderr).toBe(0);
  return (run as { id: string }).id;
}

function python(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(mlflow as string, args, { env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const post = async (url: string, body: unknown) => {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as unknown };
};

const STORE_DRIVER = path.join(ROOT, 'test', 'python', 'mlflow_store.py');
/** The library writes the mlruns/ folder while the first tests run (a few seconds of Python start-up and sklearn); awaited where it is read. */
let storeWritten: Promise<{ code: number | null; out: string }> | null = null;

beforeAll(async () => {
  mlflow = await mlflowPython();
  if (!requireComponent('the mlflow client venv (package index)', mlflow !== null)) return;
  storeWritten = python([STORE_DRIVER, 'write', store]);
  fs.mkdirSync(source, { recursive: true });
  fs.writeFileSync(path.join(source, 'train.py'), TRAIN);
  fs.writeFileSync(path.join(source, 'v1_train.py'), V1);
  await registerMlflowVenvEnvironment(workspace, root, mlflow);
}, 900_000);

afterAll(async () => {
  await storeWritten;
  await cli(['mlflow-uri', '--stop']);
  for (const service of ['iris-done', 'iris-skops']) await cli(['service', 'delete', service]);
  fs.rmSync(root, { recursive: true, force: true });
}, 120_000);

describe("issue 14's done-when, end to end", () => {
  let trained: Trained;
  let mlflowRun = '';
  let v1Run = '';

  it('an MLflow-autologging script and a v1 run.log script show up the same way in one experiment', async (ctx) => {
    if (!mlflow) return ctx.skip();
    [mlflowRun, v1Run] = await Promise.all([submit('train.py'), submit('v1_train.py')]);
    const logs = await cli(['run', 'logs', mlflowRun]);
    const line = logs.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    trained = json<Trained>((line ?? 'RESULT null').slice('RESULT '.length));
    expect(trained?.run_id).toBe(mlflowRun);
    const listed = json<Listed[]>((await cli(['--json', 'run', 'list', '-x', EXPERIMENT, '--top-level'])).stdout);
    const byId = new Map(listed.map((r) => [r.id, r]));
    for (const id of [mlflowRun, v1Run])
      expect(byId.get(id)).toMatchObject({
        experiment: EXPERIMENT,
        status: 'Completed',
        metrics: { training_accuracy_score: trained.accuracy },
      });
    const [a, b] = await Promise.all(
      [mlflowRun, v1Run].map(
        async (id) =>
          json<{ scalars: Record<string, { value: number }[]> }>((await cli(['--json', 'run', 'metrics', id])).stdout)
            .scalars.training_accuracy_score,
      ),
    );
    expect(a?.map((p) => p.value)).toEqual(b?.map((p) => p.value));
  }, 300_000);

  it('the autologged model registers both ways and serves on /score and /invocations', async (ctx) => {
    if (!mlflow || !trained) return ctx.skip();
    // mlflow.register_model in the script made version 1; the CLI's --run makes version 2 of the same files.
    expect(trained.version).toBe('1');
    expect(trained.predictions).toEqual(trained.library);
    const byCli = await cli(['--json', 'model', 'register', '-n', 'iris-done', '--run', mlflowRun, '-p', 'model']);
    expect(byCli.code, byCli.stderr).toBe(0);
    type Shown = { version: number; runId: string; framework: string; files: { path: string; digest: string }[] };
    const versions = await Promise.all(
      ['iris-done:1', 'iris-done:2'].map(async (id) =>
        json<Shown>((await cli(['--json', 'model', 'show', id])).stdout),
      ),
    );
    expect(versions.map((v) => [v.version, v.runId, v.framework])).toEqual([
      [1, mlflowRun, 'ScikitLearn'],
      [2, mlflowRun, 'ScikitLearn'],
    ]);
    expect(versions[0]?.files).toEqual(versions[1]?.files);
    expect(versions[0]?.files.map((f) => f.path)).toContain('model/model.pkl');
    const skops = json<Shown>((await cli(['--json', 'model', 'show', 'iris-skops:1'])).stdout);
    expect(skops.files.map((f) => f.path)).toContain('skops_model/model.skops');

    for (const [service, model] of [
      ['iris-done', 'iris-done:1'],
      ['iris-skops', 'iris-skops:1'],
    ] as const) {
      const deployed = await cli(['--json', 'service', 'deploy', '-n', service, '-m', model, '-e', 'mlflow-venv']);
      expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
      const shown = json<{ scoringUri: string; invocationsUri?: string }>(deployed.stdout);
      const invocationsUri = shown.invocationsUri ?? shown.scoringUri.replace(/\/score$/, '/invocations');
      const split = { dataframe_split: { columns: trained.columns, data: trained.data } };
      expect(await post(invocationsUri, split), model).toEqual({ status: 200, body: { predictions: trained.library } });
      const records = trained.data.map((row) => Object.fromEntries(trained.columns.map((c, i) => [c, row[i]])));
      expect(await post(invocationsUri, { dataframe_records: records }), model).toEqual({
        status: 200,
        body: { predictions: trained.library },
      });
      const azure = { input_data: { columns: trained.columns, index: [0, 1, 2, 3], data: trained.data } };
      expect(await post(shown.scoringUri, azure), model).toEqual({ status: 200, body: trained.library });
    }
    // Deleting the served model through MLflow is refused whole (Benchtop's rule), naming the service.
    const uri = json<{ uri: string }>((await cli(['--json', 'mlflow-uri'])).stdout).uri;
    const refused = await python([
      '-c',
      'import sys, mlflow\nmlflow.set_tracking_uri(sys.argv[1])\ntry:\n' +
        '    mlflow.MlflowClient().delete_registered_model("iris-done")\n' +
        'except mlflow.exceptions.MlflowException as e:\n    print("REFUSED", e.error_code, e.message)',
      uri,
    ]);
    expect(refused.out).toMatch(
      /REFUSED INVALID_PARAMETER_VALUE .*used by the service iris-done .*nothing was deleted/,
    );
    const left = json<{ version: number }[]>((await cli(['--json', 'model', 'list', '-n', 'iris-done'])).stdout);
    expect(left.map((m) => m.version)).toEqual([2, 1]);
  }, 300_000);

  it('an mlruns/ folder written by the library imports, its runs and versions as the library reads them', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const written = await (storeWritten as NonNullable<typeof storeWritten>);
    expect(written.code, written.out).toBe(0);
    const viewed = await python([STORE_DRIVER, 'view', store]);
    expect(viewed.code, viewed.out).toBe(0);
    const view = json<{
      runs: { run_id: string; params: Record<string, string>; metrics: Record<string, unknown[]> }[];
      models: { name: string; version: number }[];
    }>(viewed.out.trim().split('\n').pop() as string);
    const imported = await cli(['--json', 'import', 'mlflow', store]);
    expect(imported.code, imported.stderr).toBe(0);
    const summary = json<{ runs: { new: number }; modelVersions: { new: number } }>(imported.stdout);
    expect(summary.runs.new).toBe(view.runs.length);
    expect(summary.modelVersions.new).toBe(view.models.length);
    for (const run of view.runs) {
      const metrics = json<{ params: Record<string, string>; scalars: Record<string, unknown[]> }>(
        (await cli(['--json', 'run', 'metrics', run.run_id])).stdout,
      );
      expect(metrics.params).toEqual(run.params);
      expect(Object.keys(metrics.scalars).sort()).toEqual(Object.keys(run.metrics).sort());
    }
    const models = json<{ name: string; version: number }[]>((await cli(['--json', 'model', 'list'])).stdout);
    for (const version of view.models)
      expect(models.some((m) => m.name === version.name && m.version === version.version)).toBe(true);
  }, 600_000);
});
