import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/shared/ansi';
import {
  type ExecOptions,
  benchtopIn,
  cachedVenv,
  exec,
  hasVenvPython,
  notebookEnv,
  sdkInstall,
  writeNotebookConfig,
} from '../helpers/sdkVenv';
import { ROOT, python, requireComponent, tempDir } from '../helpers/workspace';

/**
 * A real notebook (test/notebooks/local-training.ipynb: Azure ML v1's local training, unchanged)
 * executed cell by cell by a real Jupyter kernel: nbclient, ipykernel and nbformat from the
 * package index in a venv (cached under node_modules/.cache), the package installed there the
 * documented way (`benchtop sdk install`, which also installs the kernel spec the notebook runs
 * in), against a real workspace named by a config.json from `benchtop workspace config -d`.
 * Also: azureml.train lists Azure's azureml-train-* folders after its own.
 */

const NOTEBOOK = path.join(ROOT, 'test', 'notebooks', 'local-training.ipynb');
const RUNTIME = path.join(ROOT, 'src', 'runtime');
/** A venv with nbclient, ipykernel and nbformat from the package index (kept between test runs). */
const JUPYTER_VENV = path.join(ROOT, 'node_modules', '.cache', 'benchtop-jupyter-venv');

/** nbclient's side: execute every cell (an error in one stops it), print each code cell's outputs as JSON. */
const EXECUTE = `
import json, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

source, kernel, cwd, out = sys.argv[1:5]
nb = nbformat.read(source, as_version=4)
client = NotebookClient(nb, kernel_name=kernel, timeout=120, resources={"metadata": {"path": cwd}})
try:
    client.execute()
except CellExecutionError as err:
    print("CELL_ERROR " + str(err), file=sys.stderr)
    sys.exit(3)
finally:
    nbformat.write(nb, out)
cells = []
for cell in nb.cells:
    if cell.cell_type != "code":
        continue
    text = []
    for o in cell.outputs:
        if o.output_type == "stream":
            text.append(o.text)
        elif o.output_type in ("execute_result", "display_data"):
            text.append(o.data.get("text/plain", ""))
    cells.append({"count": cell.execution_count, "types": [o.output_type for o in cell.outputs], "text": "".join(text)})
print("CELLS " + json.dumps(cells))
`;

interface Cell {
  count: number | null;
  types: string[];
  text: string;
}

const root = tempDir('bt-sdk-jupyter-');
const workspace = path.join(root, 'ws');
const notebook = path.join(root, 'notebook');
let hasPython = false;
let jupyterPython: string | null = null;
let installOutput = '';

/** A notebook server's environment, Jupyter's files in the test's folder. */
const userEnv = (extra: NodeJS.ProcessEnv = {}) =>
  notebookEnv({
    JUPYTER_RUNTIME_DIR: path.join(root, 'jupyter-runtime'),
    IPYTHONDIR: path.join(root, 'ipython'),
    ...extra,
  });
const run = (file: string, args: string[], options: ExecOptions = {}) =>
  exec(file, args, { env: userEnv(), ...options });
const benchtop = (args: string[]) => benchtopIn(workspace, args, { env: userEnv() });

beforeAll(async () => {
  hasPython = await hasVenvPython();
  if (!hasPython) return;
  jupyterPython = await cachedVenv(
    JUPYTER_VENV,
    'import nbclient, nbformat, ipykernel',
    ['nbclient', 'ipykernel', 'nbformat'],
    {
      env: userEnv(),
      timeoutMs: 400_000,
    },
  );
  if (!requireComponent('nbclient, ipykernel and nbformat from the package index', jupyterPython !== null)) return;
  // The documented way; ipykernel is there, so it installs the kernel spec into the venv too.
  installOutput = await sdkInstall(jupyterPython as string, userEnv());
  await writeNotebookConfig(workspace, notebook);
}, 480_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a real notebook in a real Jupyter kernel (nbclient)', () => {
  it('runs local-training.ipynb cell by cell: submit and stream, metrics, register_model, Model(ws, name)', async (ctx) => {
    if (!hasPython || jupyterPython === null) return ctx.skip();
    const kernel = /Jupyter kernel "Benchtop \(Python (\d+\.\d+)\)" installed/.exec(installOutput)?.[1];
    expect(kernel, installOutput).toBeDefined();
    const executed = path.join(root, 'executed.ipynb');
    const r = await run(jupyterPython, ['-c', EXECUTE, NOTEBOOK, `benchtop-python${kernel}`, notebook, executed], {
      cwd: notebook,
      timeoutMs: 200_000,
    });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('CELLS '));
    const cells = JSON.parse(line?.slice(6) ?? '[]') as Cell[];
    expect(cells).toHaveLength(9);
    // Every code cell ran, in order, and none raised.
    expect(cells.map((c) => c.count)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const c of cells) expect(c.types).not.toContain('error');
    const text = cells.map((c) => stripAnsi(c.text));

    expect(text[0]).toBe('SDK version: 1.61.0\n');
    expect(text[1]).toBe('Workspace:\nws\nlocal\n');
    expect(text[2]).toBe('Environment: AzureML-Minimal\n');
    expect(text[4]).toBe(`Writing ${path.join(notebook, 'training', 'train.py')}\n`);
    // wait_for_completion(show_output=True) as Azure prints it, the script's lines streamed in order, then its details.
    const submit = text[5] as string;
    expect(submit).toMatch(
      /^RunId: nb-jupyter_\d+_[0-9a-f]{8}\nWeb View: .*\n\nStreaming azureml-logs\/70_driver_log\.txt\n/,
    );
    expect(submit.indexOf('training in')).toBeGreaterThan(0);
    expect(submit.indexOf('training done')).toBeGreaterThan(submit.indexOf('training in'));
    expect(submit).toMatch(/Execution Summary\n=================\nRunId: nb-jupyter_\S+\nWeb View: /);
    expect(submit).toMatch(/'status': 'Completed'/);
    expect(text[6]).toBe('accuracy: 0.93\nloss: [1.0, 0.5, 0.3333333333333333]\nStatus: Completed\n');
    expect(text[7]).toBe('Registered: nb-jupyter-model 1\n');
    expect(text[8]).toBe("Found: nb-jupyter-model 1 {'accuracy': '0.93'}\n");

    // What the notebook did is what the app shows.
    const runs = JSON.parse((await benchtop(['--json', 'run', 'list', '-x', 'nb-jupyter'])).stdout) as {
      id: string;
      status: string;
      metrics: Record<string, unknown>;
    }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe('Completed');
    expect(submit).toContain(`RunId: ${runs[0]?.id}`);
    expect(runs[0]?.metrics).toMatchObject({ accuracy: 0.93 });
    const models = JSON.parse((await benchtop(['--json', 'model', 'list', '-n', 'nb-jupyter-model'])).stdout) as {
      runId: string;
    }[];
    expect(models.map((m) => m.runId)).toEqual([runs[0]?.id]);
  }, 200_000);
});

describe('azureml.train beside Azure azureml-train-* packages', () => {
  it("lists their folders after Benchtop's own, so azureml.train.automl imports beside azureml.train.estimator and Benchtop's hyperdrive", async (ctx) => {
    if (!hasPython) return ctx.skip();
    // A second azureml/train on sys.path after src/runtime, as azureml-train-core installs it.
    const azure = path.join(root, 'site-packages');
    // Azure's hyperdrive (a cloud client) is there too, behind Benchtop's own, which runs sweeps locally.
    fs.mkdirSync(path.join(azure, 'azureml', 'train', 'hyperdrive'), { recursive: true });
    fs.mkdirSync(path.join(azure, 'azureml', 'train', 'automl'), { recursive: true });
    fs.writeFileSync(path.join(azure, 'azureml', '__init__.py'), '');
    fs.writeFileSync(path.join(azure, 'azureml', 'train', '__init__.py'), 'FROM = "azure"\n');
    fs.writeFileSync(path.join(azure, 'azureml', 'train', 'hyperdrive', '__init__.py'), 'HYPERDRIVE = "azure"\n');
    fs.writeFileSync(path.join(azure, 'azureml', 'train', 'automl', '__init__.py'), 'AUTOML = "azure"\n');
    const code = [
      'import azureml.train, azureml.train.automl as a, azureml.train.hyperdrive as h',
      'from azureml.train.estimator import Estimator',
      'print("PATH", azureml.train.__path__[0], azureml.train.__path__[1])',
      'print("AUTOML", a.AUTOML, a.__file__)',
      'print("HYPERDRIVE", getattr(h, "HYPERDRIVE", "ours"), h.__file__)',
      'print("ESTIMATOR", Estimator.__module__, getattr(azureml.train, "FROM", "ours"))',
    ].join('\n');
    const r = await run(python(), ['-c', code], { cwd: root, env: userEnv({ PYTHONPATH: `${RUNTIME}:${azure}` }) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `PATH ${path.join(RUNTIME, 'azureml', 'train')} ${path.join(azure, 'azureml', 'train')}`,
    );
    expect(r.stdout).toContain(`AUTOML azure ${path.join(azure, 'azureml', 'train', 'automl', '__init__.py')}`);
    expect(r.stdout).toContain(
      `HYPERDRIVE ours ${path.join(RUNTIME, 'azureml', 'train', 'hyperdrive', '__init__.py')}`,
    );
    expect(r.stdout).toMatch(/ESTIMATOR benchtop._estimator ours/);
  });
});
