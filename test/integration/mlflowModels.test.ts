import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/shared/ansi';
import { mlflowPython } from '../helpers/mlflowVenv';
import { benchtopIn, exec, notebookEnv, writeNotebookConfig } from '../helpers/sdkVenv';
import { CLI, ROOT, requireComponent, runCli, tempDir } from '../helpers/workspace';

/**
 * MLflow models in the registry and their no-code deploy, end to end with the real library: models
 * saved by mlflow.sklearn.save_model, registered and deployed through the built CLI, scored through
 * both contracts, the answers compared with the library's own predict.
 */

let workspace: string;
let models: string;
let mlflow: string | null;
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 600_000 });
const json = <T>(text: string) => JSON.parse(text) as T;

/** What the library itself says about the saved model (read with its own YAML reader and predict). */
interface Saved {
  columns: string[];
  data: number[][];
  predictions: number[];
  mlmodel: { flavors: Record<string, unknown>; signature: { inputs: string; outputs: string }; model_uuid: string };
  python: string;
  requirements: string[];
}
let saved: Saved;

const SAVE = `
import json, os, sys
import yaml
import mlflow
from mlflow.models import infer_signature
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

out = sys.argv[1]
X, y = load_iris(return_X_y=True, as_frame=True)
model = LogisticRegression(max_iter=300).fit(X, y)
path = os.path.join(out, "iris-model")
# cloudpickle: the default (skops) needs a package the test venv does not have.
mlflow.sklearn.save_model(model, path, signature=infer_signature(X, model.predict(X)), input_example=X.head(3),
                          serialization_format="cloudpickle")
# The same model one folder down (a run's outputs/ holding only model/).
mlflow.sklearn.save_model(model, os.path.join(out, "outer", "model"), serialization_format="cloudpickle")
rows = X.iloc[[0, 60, 120]]
rows.to_csv(os.path.join(out, "rows.csv"), index=False)
with open(os.path.join(path, "MLmodel")) as f:
    mlmodel = yaml.safe_load(f)
with open(os.path.join(path, "python_env.yaml")) as f:
    python = yaml.safe_load(f)["python"]
with open(os.path.join(path, "requirements.txt")) as f:
    requirements = [line.strip() for line in f if line.strip()]
predictions = mlflow.pyfunc.load_model(path).predict(rows).tolist()
print(json.dumps({"columns": list(rows.columns), "data": rows.values.tolist(), "predictions": predictions,
                  "mlmodel": mlmodel, "python": str(python), "requirements": requirements}, default=str))
`;

function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

beforeAll(async () => {
  mlflow = await mlflowPython();
  if (!requireComponent('the mlflow client from the package index (test/helpers/mlflowVenv.ts)', mlflow !== null))
    return;
  workspace = tempDir('bt-mlflow-models-');
  models = tempDir('bt-mlflow-saved-');
  const made = await exec(mlflow as string, ['-c', SAVE, models], { timeoutMs: 120_000 });
  expect(made.code, made.stderr).toBe(0);
  saved = json<Saved>(made.stdout.trim().split('\n').pop() as string);
  // A flavor Benchtop cannot serve without code: the MLmodel of an ONNX-only model, written by hand.
  writeFiles(path.join(models, 'onnx-only'), {
    MLmodel:
      'flavors:\n  onnx:\n    code: null\n    data: model.onnx\n    onnx_version: 1.17.0\nmlflow_version: 3.17.2\n',
    'model.onnx': 'not really onnx',
  });
  writeFiles(path.join(models, 'bad-yaml'), { MLmodel: 'flavors:\n  sklearn: [unclosed\n', 'model.pkl': 'x' });
  writeFiles(path.join(models, 'no-flavors'), { MLmodel: 'artifact_path: model\nmlflow_version: 3.17.2\n' });
  for (const name of ['iris-model', 'onnx-only', 'bad-yaml', 'no-flavors', 'outer']) {
    const r = await cli(['model', 'register', '-n', name, '-p', path.join(models, name)]);
    expect(r.code, r.stderr).toBe(0);
  }
  // A user-managed environment on the mlflow venv: deploys without any package download.
  writeFiles(path.join(models, 'mlflow-venv-env'), {
    'azureml_environment.json': JSON.stringify({
      name: 'mlflow-venv',
      python: { userManagedDependencies: true, interpreterPath: mlflow },
    }),
  });
  const env = await cli(['env', 'register', '-d', path.join(models, 'mlflow-venv-env')]);
  expect(env.code, env.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  if (!workspace) return;
  const listed = await cli(['--json', 'service', 'list']);
  for (const s of listed.code === 0 ? json<{ name: string }[]>(listed.stdout) : [])
    await cli(['service', 'delete', s.name]);
}, 120_000);

interface Shown {
  framework: string;
  frameworkVersion: string | null;
  mlflow?: {
    path: string;
    flavors: Record<string, unknown>;
    signature: { inputs: unknown[]; outputs: unknown[]; params: unknown[] | null } | null;
    pythonVersion: string | null;
    requirements: string[];
    environmentFile: string | null;
    mlflowVersion: string | null;
    modelUuid: string | null;
    runId: string | null;
    servingInputExample: string | null;
  };
}

const show = async (name: string) => {
  const r = await cli(['--json', 'model', 'show', name]);
  expect(r.code, r.stderr).toBe(0);
  return json<Shown>(r.stdout);
};

describe('registering MLflow model folders', () => {
  it('records what MLmodel, python_env.yaml and requirements.txt say, as the library reads them', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const shown = await show('iris-model');
    const info = shown.mlflow;
    expect(info).toBeDefined();
    expect(info?.path).toBe('iris-model');
    expect(info?.flavors).toEqual(saved.mlmodel.flavors);
    expect(info?.signature?.inputs).toEqual(JSON.parse(saved.mlmodel.signature.inputs));
    expect(info?.signature?.outputs).toEqual(JSON.parse(saved.mlmodel.signature.outputs));
    expect(info?.signature?.params).toBeNull();
    expect(info?.pythonVersion).toBe(saved.python);
    expect(info?.requirements).toEqual(saved.requirements);
    expect(info?.environmentFile).toBe('iris-model/python_env.yaml');
    expect(info?.mlflowVersion).toBe('3.17.2');
    expect(info?.modelUuid).toBe(saved.mlmodel.model_uuid);
    expect(info?.runId).toBeNull();
    expect(info?.servingInputExample).toBe(
      fs.readFileSync(path.join(models, 'iris-model', 'serving_input_example.json'), 'utf8'),
    );
    // The sklearn flavor names Azure's ScikitLearn framework plainly; its version is the flavor's.
    expect(shown.framework).toBe('ScikitLearn');
    expect(shown.frameworkVersion).toBe((saved.mlmodel.flavors.sklearn as { sklearn_version: string }).sklearn_version);
    const human = stripAnsi((await cli(['model', 'show', 'iris-model'])).stdout);
    expect(human).toMatch(/python_function: loader_module mlflow\.sklearn/);
    expect(human).toContain(`inputs:  ${saved.columns[0]} (double)`);
    expect(human).toContain(`Requires:    ${saved.requirements.join(', ')}`);
  });

  it('finds MLmodel in the single folder a registered folder holds; other models have no mlflow key', async (ctx) => {
    if (!mlflow) return ctx.skip();
    expect((await show('outer')).mlflow?.path).toBe('outer/model');
    const plain = path.join(models, 'weights.json');
    fs.writeFileSync(plain, '{"k": 1}');
    expect((await cli(['model', 'register', '-n', 'plain', '-p', plain])).code).toBe(0);
    expect(Object.keys(await show('plain'))).not.toContain('mlflow');
  });

  it('registers a broken MLmodel as plain files, with a warning naming the problem', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const again = await cli(['model', 'register', '-n', 'bad-yaml', '-p', path.join(models, 'bad-yaml')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Warning: Not read as an MLflow model: bad-yaml\/MLmodel is not valid YAML/);
    expect((await show('bad-yaml:2')).mlflow).toBeUndefined();
    const asJson = await cli(['--json', 'model', 'register', '-n', 'bad-yaml', '-p', path.join(models, 'bad-yaml')]);
    expect(json<{ warnings: string[] }>(asJson.stdout).warnings).toEqual([
      expect.stringMatching(/^Not read as an MLflow model: bad-yaml\/MLmodel is not valid YAML/),
    ]);
    const none = await cli(['model', 'register', '-n', 'no-flavors', '-p', path.join(models, 'no-flavors')]);
    expect(none.stderr).toMatch(/no-flavors\/MLmodel names no flavors/);
    expect((await show('no-flavors')).framework).toBe('Custom');
  });
});

describe('no-code deploy of MLflow models', () => {
  const split = () => JSON.stringify({ dataframe_split: { columns: saved.columns, data: saved.data } });
  const run = async (args: string[]) => {
    const r = await cli(['--json', 'service', 'run', ...args]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return json<{ status: number; json: unknown; headers: Record<string, string> }>(r.stdout);
  };

  it('refuses a model without python_function, naming its flavor and the fix', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const r = await cli(['service', 'deploy', '-n', 'onnx-svc', '-m', 'onnx-only']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/onnx-only:1 is an MLflow model with the flavor onnx and no python_function flavor/);
    expect(r.stderr).toMatch(/--entry-script score\.py/);
    expect((await cli(['service', 'show', 'onnx-svc'])).code).not.toBe(0);
  });

  it('serves it in a given environment on both contracts, answering as the library predicts', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const r = await cli(['service', 'deploy', '-n', 'iris-um', '-m', 'iris-model', '-e', 'mlflow-venv']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // The deploy's live log (its stdout without --json) says what it serves and with what.
    expect(r.stdout).toMatch(
      /Serving the MLflow model iris-model:1 \(python_function\) with the built-in mlflow_scorer\.py/,
    );
    expect(r.stdout).toMatch(/Environment mlflow-venv:1 \(given\)/);
    const invocations = await run(['iris-um', '--invocations', '--data', split()]);
    expect(invocations.status).toBe(200);
    expect(invocations.json).toEqual({ predictions: saved.predictions });
    const csv = await run(['iris-um', '--invocations', '--data', `@${path.join(models, 'rows.csv')}`]);
    expect(csv.json).toEqual({ predictions: saved.predictions });
    // Azure's /score for an MLflow model takes its no-code shape.
    const azure = await run([
      'iris-um',
      '--data',
      JSON.stringify({ input_data: { columns: saved.columns, index: [0, 1, 2], data: saved.data } }),
    ]);
    expect(azure.status).toBe(200);
    expect(azure.json).toEqual(saved.predictions);
    // MLmodel one folder further down (outer/model) serves the same.
    const nested = await cli(['service', 'deploy', '-n', 'outer-um', '-m', 'outer', '-e', 'mlflow-venv']);
    expect(nested.code, nested.stderr + nested.stdout).toBe(0);
    expect((await run(['outer-um', '--invocations', '--data', split()])).json).toEqual({
      predictions: saved.predictions,
    });
  });

  it('without -e builds the environment from python_env.yaml (mlflow -> mlflow-skinny) once, and reuses it', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const r = await cli(['service', 'deploy', '-n', 'iris-auto', '-m', 'iris-model']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const log = stripAnsi(r.stdout);
    expect(log).toMatch(
      /Environment mlflow-iris-model:1 \(new\) made from iris-model:1's iris-model\/python_env\.yaml/,
    );
    expect(log).toContain('mlflow==3.17.2 -> mlflow-skinny==3.17.2');
    const svc = json<{ environment: string }>((await cli(['--json', 'service', 'show', 'iris-auto'])).stdout);
    expect(svc.environment).toBe('mlflow-iris-model:1');
    expect((await run(['iris-auto', '--invocations', '--data', split()])).json).toEqual({
      predictions: saved.predictions,
    });
    // The Python SDK's no-code Model.deploy: the same content, so the same environment version and build.
    const notebook = tempDir('bt-mlflow-nb-');
    await writeNotebookConfig(workspace, notebook);
    const driver = `
import json
from azureml.core import Workspace
from azureml.core.model import Model
ws = Workspace.from_config()
service = Model.deploy(ws, "iris-sdk", [Model(ws, name="iris-model")])
service.wait_for_deployment(show_output=True)
body = {"input_data": {"columns": ${JSON.stringify(saved.columns)}, "data": ${JSON.stringify(saved.data)}}}
print("RESULT " + json.dumps(service.run(json.dumps(body))))
Model.register(ws, model_path=${JSON.stringify(path.join(models, 'bad-yaml'))}, model_name="bad-sdk")
`;
    const sdk = await exec(mlflow as string, ['-c', driver], {
      cwd: notebook,
      env: notebookEnv({
        PYTHONPATH: path.join(ROOT, 'src', 'runtime'),
        BENCHTOP_NODE: process.execPath,
        BENCHTOP_CLI: CLI,
      }),
      timeoutMs: 300_000,
    });
    expect(sdk.code, sdk.stdout + sdk.stderr).toBe(0);
    expect(json(/RESULT (.*)/.exec(sdk.stdout)?.[1] ?? 'null')).toEqual(saved.predictions);
    expect(stripAnsi(sdk.stdout)).toMatch(/Environment mlflow-iris-model:1 \(the same content as before: reused\)/);
    expect(sdk.stdout).toMatch(/Benchtop: Not read as an MLflow model: bad-yaml\/MLmodel is not valid YAML/);
    const shown = json<{ environment: string }>(
      (await benchtopIn(workspace, ['--json', 'service', 'show', 'iris-sdk'])).stdout,
    );
    expect(shown.environment).toBe('mlflow-iris-model:1');
  }, 600_000);
});
