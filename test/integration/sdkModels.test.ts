import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/shared/ansi';
import { BASE_IMAGE, dockerReady } from '../helpers/docker';
import {
  benchtopIn,
  cachedVenv,
  exec,
  jsonIn,
  notebookEnv,
  runDriver,
  sdkNotebookPaths,
  setUpSdkNotebook,
} from '../helpers/sdkVenv';
import { CLI, requireComponent, ROOT } from '../helpers/workspace';

/**
 * Models and services from the notebook (issue 11, Builds 6 and 7 and the web service half of 5):
 * notebook-style drivers (test/python/notebook_models.py, notebook_deploy.py; one section per
 * call) in a plain venv that got the package the documented way (`benchtop sdk install`), against
 * a real workspace: register, find, download, update, serialize; Model.deploy with an
 * InferenceConfig to LocalWebservice, AciWebservice and AksWebservice configurations (served here),
 * a failing init(), a no-code deployment in an environment with dill; then the real azureml-core
 * from the package index beside Benchtop's runtime, in a run and in a service.
 */

const DRIVERS = path.join(ROOT, 'test', 'python');
const RUNTIME = path.join(ROOT, 'src', 'runtime');
/** A venv with Azure's azureml-core from the package index (big: kept between test runs). */
const AZUREML_CORE_VENV = path.join(ROOT, 'node_modules', '.cache', 'benchtop-azureml-core-venv');

let hasPython = false;
const nb = sdkNotebookPaths('bt-sdk-models-');
const { root, workspace, venvPython, notebook } = nb;

const benchtop = (args: string[]) => benchtopIn(workspace, args);
const cliJson = <T>(args: string[]) => jsonIn<T>(workspace, args);

/** Runs sections of a driver in the notebook folder; each must end with `ok SECTION`. */
function driver(file: string, sections: string[], timeoutMs = 240_000): Promise<string> {
  return runDriver(venvPython, path.join(DRIVERS, file), sections, { cwd: notebook, timeoutMs });
}

/**
 * Benchtop-SKLearn, the environment a no-code deploy without an InferenceConfig uses (a pip install from the package
 * index, the longest step of the no-code test), built by the CLI beside the tests until that test needs it; the
 * deploy then finds it built (or waits on its build lock), as after a user's earlier `benchtop env build`.
 */
let sklearnBuilt: ReturnType<typeof benchtop> | null = null;

beforeAll(async () => {
  hasPython = await setUpSdkNotebook(nb);
  if (!hasPython) return;
  sklearnBuilt = benchtopIn(workspace, ['env', 'build', '-n', 'Benchtop-SKLearn'], { timeoutMs: 600_000 });
  sklearnBuilt.catch(() => undefined); // awaited (and its failure reported) by the no-code test
}, 300_000);

afterAll(async () => {
  await sklearnBuilt?.catch(() => undefined);
  const services = JSON.parse((await benchtop(['--json', 'service', 'list'])).stdout || '[]') as { name: string }[];
  for (const s of services) await benchtop(['service', 'delete', s.name]);
  fs.rmSync(root, { recursive: true, force: true });
}, 600_000);

describe('models from the notebook (Python SDK against a real workspace)', () => {
  it('registers with tags, properties, framework and resources; finds, lists, downloads, updates and serializes', async (ctx) => {
    if (!hasPython) return ctx.skip();
    await driver('notebook_models.py', ['register', 'find', 'download', 'update', 'serialize']);
    // What the notebook did is the registry's record: the CLI and the app see the same.
    const shown = await cliJson<{
      tags: Record<string, string>;
      properties: Record<string, string>;
      framework: string;
    }>(['model', 'show', 'nb-iris:1']);
    expect(shown.tags).toEqual({ only: 'this' });
    expect(shown.framework).toBe('ScikitLearn');
    expect(shown.properties).toMatchObject({ auc: '0.9', f1: '0.8' });
    expect(JSON.parse(shown.properties['benchtop.resourceConfiguration'] as string)).toEqual({
      cpu: 1,
      memoryInGB: 0.5,
      gpu: null,
    });
    const frameworks = await cliJson<{ id: string; framework: string }[]>(['model', 'list', '--latest']);
    expect(frameworks.find((m) => m.id === 'nb-fw-tfkeras:1')?.framework).toBe('TfKeras');
  });

  it('registers from a run (run_id, experiment, model.run) and resolves get_model_path as azureml-core does', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('notebook_models.py', ['from_run', 'model_path']);
    // Inside the run, get_model_path downloaded the latest version into the run's azureml-models cache.
    expect(out).toContain('REGISTERED nb-run-model:1');
    expect(out).toContain('MODEL_PATH azureml-models/nb-iris/2/model.pkl weights v2');
    expect(fs.readFileSync(path.join(notebook, 'azureml-models', 'nb-iris', '1', 'model.pkl'), 'utf8')).toBe(
      'weights v1',
    );
  });

  it("fails bad input with azureml-core's exceptions and messages, naming what exists", async (ctx) => {
    if (!hasPython) return ctx.skip();
    await driver('notebook_models.py', ['errors']);
  });
});

describe('deployments from the notebook', () => {
  it('LocalWebservice: deploys while the notebook waits with the log shown, serves, reloads, updates, deletes', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('notebook_deploy.py', ['local']);
    // wait_for_deployment(show_output=True) printed the service's log as it came, then Azure's line.
    expect(out).toMatch(/Deploying nb-local: models nb-scale:1, environment AzureML-Minimal:1, port \d+/);
    expect(out).toContain("Invoking user's init function");
    expect(out).toContain('init loaded k = 3 cwd app');
    expect(out).toMatch(/Local webservice is running at http:\/\/localhost:\d+\n/);
    const services = await cliJson<{ name: string }[]>(['service', 'list']);
    expect(services.map((s) => s.name)).not.toContain('nb-local');
  });

  it("a failing init(): wait_for_deployment raises WebserviceException with the traceback and the log's path", async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('notebook_deploy.py', ['failure']);
    // show_output streamed the traceback as the server logged it.
    expect(out).toContain('ValueError: no weights in this folder');
    // The fixed deploy replaced the failed one (and was deleted); the refused one never made a service.
    const listed = await cliJson<{ name: string }[]>(['service', 'list']);
    expect(listed.map((s) => s.name).filter((n) => n === 'nb-broken' || n === 'nb-busy')).toEqual([]);
  });

  it('AciWebservice and a missing configuration (ACI): served here, said once, with keys, tags and cloud states', async (ctx) => {
    if (!hasPython) return ctx.skip();
    await driver('notebook_deploy.py', ['aci']);
  });

  it("AksWebservice: served here with AKS's keys and token, its scoring timeout applied; AksEndpoint needs Azure", async (ctx) => {
    if (!hasPython) return ctx.skip();
    await driver('notebook_deploy.py', ['aks']);
  });

  it('a degraded service (a worker down) answers: wait_for_deployment says so and returns, run() still scores', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const src = path.join(notebook, 'degrading');
    fs.mkdirSync(src, { recursive: true });
    // A worker killed by a request is replaced, and the replacement's init() hangs: 1 of 2 workers serve.
    fs.writeFileSync(
      path.join(src, 'score.py'),
      [
        'import os, time',
        'FLAG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "died")',
        'def init():',
        '    if os.path.exists(FLAG):',
        '        time.sleep(3600)',
        'def run(raw):',
        '    if raw == "die":',
        '        open(FLAG, "w").close()',
        '        os._exit(1)',
        '    return "alive"',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(src, 'w.txt'), '1');
    const registered = await benchtop(['model', 'register', '-n', 'nb-degrading', '-p', path.join(src, 'w.txt')]);
    expect(registered.code, registered.stderr).toBe(0);
    const deployed = await benchtop([
      'service',
      'deploy',
      '-n',
      'nb-degraded',
      '-m',
      'nb-degrading',
      '--entry-script',
      'score.py',
      '-d',
      src,
      '--workers',
      '2',
    ]);
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    const script = [
      'import json, time',
      'from azureml.core import Workspace',
      'from azureml.core.webservice import LocalWebservice',
      'from azureml.exceptions import WebserviceException',
      'ws = Workspace.from_config()',
      'service = LocalWebservice(ws, "nb-degraded")',
      'try:',
      '    service.run("die")',
      'except WebserviceException:',
      '    pass',
      'for _ in range(100):',
      '    service.update_deployment_state()',
      '    if service.state == "degraded":',
      '        break',
      '    time.sleep(0.1)',
      'print("STATE", service.state)',
      'service.wait_for_deployment()',
      'print("RUN", service.run("{}"))',
      'service.delete()',
    ].join('\n');
    const r = await exec(venvPython, ['-c', script], { cwd: notebook });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('STATE degraded');
    expect(r.stdout).toMatch(/Benchtop: nb-degraded answers, but not with every worker: 1 of 2 workers serving/);
    expect(r.stdout).toContain('Local webservice is degraded at http://localhost:');
    expect(r.stdout).toContain('RUN alive');
  });

  it('AciWebservice with an environment that has docker.enabled: served from a container', async (ctx) => {
    if (!hasPython || !(await dockerReady())) return ctx.skip();
    const r = await exec(venvPython, [path.join(DRIVERS, 'notebook_deploy.py'), 'aci_docker'], {
      cwd: notebook,
      timeoutMs: 240_000,
      env: notebookEnv({ BENCHTOP_TEST_BASE_IMAGE: BASE_IMAGE }),
    });
    const out = stripAnsi(r.stdout);
    expect(r.code, `${out}\n${r.stderr}`).toBe(0);
    expect(out).toContain('ok aci_docker');
    expect(out).toMatch(/Container [0-9a-f]{12} from benchtop\/env:[0-9a-f]{32}, port 127\.0\.0\.1:\d+/);
  });

  it('no-code: a dill-pickled scikit-learn model fails in the default environment (naming dill) and serves in one with dill', async (ctx) => {
    if (!hasPython) return ctx.skip();
    // Two environments with scikit-learn from the package index (the default one built beside the earlier tests).
    const built = await (sklearnBuilt as NonNullable<typeof sklearnBuilt>);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    await driver('notebook_deploy.py', ['nocode'], 600_000);
  }, 660_000);
});

/** Azure's azureml-core in a venv (cached); null when the package index cannot be reached. */
function azuremlCorePython(): Promise<string | null> {
  return cachedVenv(
    AZUREML_CORE_VENV,
    'import importlib.metadata as m; print(m.version("azureml-core"))',
    ['azureml-core~=1.61.0'],
    { timeoutMs: 600_000 },
  );
}

describe("beside the real azureml-core (from the package index): Benchtop's package serves, Azure's other modules import", () => {
  let real: string | null = null;
  beforeAll(async () => {
    if (hasPython) real = await azuremlCorePython();
  }, 660_000);

  it("imports: Run, Model, Workspace, Webservice, Dataset, Datastore are Benchtop's; azureml.data's other modules are Azure's; datastores and datasets work locally", async (ctx) => {
    if (!hasPython || !requireComponent('azureml-core from the package index', real !== null)) return ctx.skip();
    const script = [
      'import azureml, azureml.core, azureml.data',
      'from azureml.core import Run, Dataset, Datastore, Model, Workspace, Environment, Experiment, ScriptRunConfig',
      'from azureml.core.webservice import AciWebservice, LocalWebservice',
      'from azureml.exceptions import UserErrorException',
      'import azureml._base_sdk_common',
      'print("RUN", Run.__module__, "MODEL", Model.__module__, "WS", Workspace.__module__, "ACI", AciWebservice.__module__)',
      'print("DATASET", Dataset.__module__, "DATASTORE", Datastore.__module__, "DATA", azureml.data.__path__[0])',
      'from azureml.data.output_dataset_config import OutputFileDatasetConfig',
      'print("AZURE_ONLY", OutputFileDatasetConfig.__module__, azureml.data.__path__[1])',
      // What only Azure's azureml.data package exports is importable from the package too, as v1 code writes it.
      'from azureml.data import OutputFileDatasetConfig as Exported',
      'print("EXPORTED", Exported is OutputFileDatasetConfig)',
      'print("VERSION", azureml.core.VERSION, "OURS_FIRST", azureml.core.__path__[0])',
      'ws = Workspace.from_config()',
      'print("DEFAULT_STORE", ws.get_default_datastore().name)',
      'for call in (lambda: Datastore.get(ws, "blobs"), lambda: Dataset.get_by_name(ws, "x")):',
      '    try:',
      '        call()',
      '    except Exception as err:',
      '        print("LOCAL", type(err).__name__, "not found" in str(err) or "Cannot find dataset" in str(err))',
      'from azureml.widgets import RunDetails',
      'print("WIDGETS", RunDetails.__module__)',
    ].join('\n');
    const r = await exec(real as string, ['-c', script], {
      cwd: notebook,
      env: notebookEnv({ PYTHONPATH: RUNTIME, BENCHTOP_NODE: process.execPath, BENCHTOP_CLI: CLI }),
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'RUN benchtop._run MODEL benchtop._model WS benchtop._workspace ACI benchtop._aci_webservice',
    );
    expect(r.stdout).toContain(
      `DATASET benchtop._dataset_entry DATASTORE benchtop._datastore DATA ${path.join(RUNTIME, 'azureml', 'data')}`,
    );
    expect(r.stdout).toMatch(
      new RegExp(`AZURE_ONLY azureml\\.data\\.output_dataset_config ${AZUREML_CORE_VENV}/lib/.*/azureml/data\n`),
    );
    expect(r.stdout).toContain('EXPORTED True');
    expect(r.stdout).toContain(`VERSION 1.61.0 OURS_FIRST ${path.join(RUNTIME, 'azureml', 'core')}`);
    expect(r.stdout).toContain('DEFAULT_STORE workspaceblobstore');
    expect(r.stdout.match(/LOCAL UserErrorException True/g)?.length).toBe(2);
    expect(r.stdout).toContain('WIDGETS benchtop._run_details_widget');
  });

  it("a run and a service in an environment that has azureml-core: Run and Model are Benchtop's there too; RunDetails shows the run", async (ctx) => {
    if (!hasPython || !requireComponent('azureml-core from the package index', real !== null)) return ctx.skip();
    const src = path.join(notebook, 'beside');
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(
      path.join(src, 'train.py'),
      [
        'import azureml.data',
        'from azureml.core import Run, Dataset',
        'run = Run.get_context()',
        'run.log("beside_metric", 7)',
        'print("IN_RUN", type(run).__module__, Dataset.__module__, azureml.data.__name__, flush=True)',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(src, 'score.py'),
      [
        'from azureml.core import Dataset',
        'from azureml.core.model import Model',
        'def init():',
        '    pass',
        'def run(raw):',
        '    return {"model": Model.__module__, "dataset": Dataset.__module__}',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(notebook, 'w.txt'), '1');
    const script = [
      'import json, sys',
      'from azureml.core import Environment, Experiment, ScriptRunConfig, Workspace',
      'from azureml.core.model import InferenceConfig, Model',
      'from azureml.core.webservice import LocalWebservice',
      'from azureml.widgets import RunDetails',
      'ws = Workspace.from_config()',
      'env = Environment("with-azureml-core")',
      'env.python.user_managed_dependencies = True',
      'env.python.interpreter_path = sys.argv[1]',
      'run = Experiment(ws, "beside").submit(ScriptRunConfig(source_directory="beside", script="train.py", environment=env))',
      'run.wait_for_completion(show_output=True)',
      'print("STATUS", run.get_status(), "METRIC", run.get_metrics()["beside_metric"])',
      'RunDetails(run).show()',
      'model = Model.register(ws, "w.txt", "nb-beside")',
      'service = Model.deploy(ws, "nb-beside", [model], InferenceConfig(entry_script="score.py", source_directory="beside", environment=env), LocalWebservice.deploy_configuration())',
      'service.wait_for_deployment()',
      'print("SERVED", json.dumps(service.run("{}")))',
      'service.delete()',
    ].join('\n');
    const r = await exec(venvPython, ['-c', script, real as string], { cwd: notebook, timeoutMs: 240_000 });
    const out = stripAnsi(r.stdout);
    expect(r.code, out + r.stderr).toBe(0);
    expect(out).toContain('IN_RUN benchtop._run benchtop._dataset_entry azureml.data');
    expect(out).toContain('STATUS Completed METRIC 7');
    expect(out).toMatch(/Run beside_\S+ \(experiment beside\): Completed\nDetails: .*beside_\S+\n {2}beside_metric: 7/);
    expect(out).toContain('SERVED {"model": "benchtop._model", "dataset": "benchtop._dataset_entry"}');
  }, 300_000);
});
