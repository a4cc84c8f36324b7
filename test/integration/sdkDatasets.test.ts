import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetDetail, DatasetRecord, ModelDatasetLink, RunDatasetUse } from '../../src/shared/api/datasetTypes';
import { dockerReady } from '../helpers/docker';
import { mlflowPython } from '../helpers/mlflowVenv';
import { exec, jsonIn, runDriver, sdkNotebookPaths, setUpSdkNotebook } from '../helpers/sdkVenv';
import { requireComponent, ROOT } from '../helpers/workspace';

/**
 * Azure ML v1's Dataset and Datastore API offline (issue 16, Build 3): the notebook-style driver
 * test/python/notebook_datasets.py (one section per call) in a plain venv that got Benchtop's package the
 * documented way (`benchtop sdk install`), with pandas from the package index beside it (a .pth to the shared
 * MLflow test venv, which has it), against a real workspace: the default datastore's upload and download,
 * File and Tabular datasets from local paths, globs and (datastore, path) pairs, register / get_by_name /
 * get_by_id / get_all, to_pandas_dataframe and the lazy transformations, download and a read-only mount,
 * Azure's errors; a ScriptRunConfig with a mounted, a downloaded and a direct input whose script reads
 * run.input_datasets; Model.register(datasets=...). What the Python did is then read back through the CLI.
 */

const DRIVER = path.join(ROOT, 'test', 'python', 'notebook_datasets.py');

let pandasPython: string | null = null;
let hasPython = false;
const nb = sdkNotebookPaths('bt-sdk-datasets-');
const { root, workspace, venvPython, notebook } = nb;

function driver(sections: string[], timeoutMs = 120_000): Promise<string> {
  return runDriver(venvPython, DRIVER, sections, { cwd: notebook, timeoutMs });
}

const purelib = async (python: string) =>
  (await exec(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])).stdout.trim();

beforeAll(async () => {
  hasPython = await setUpSdkNotebook(nb);
  if (!hasPython) return;
  pandasPython = await mlflowPython();
}, 900_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("Azure ML v1's Dataset and Datastore from a plain Python with Benchtop's package", () => {
  it('without pandas, to_pandas_dataframe() says to pip install it', async (ctx) => {
    if (!hasPython) return ctx.skip();
    await driver(['files', 'no_pandas']);
  });

  it('datastore, datasets, reads and errors: the v1 calls end to end, as the registry records them', async (ctx) => {
    if (!hasPython || !requireComponent('pandas from the package index', pandasPython !== null)) return ctx.skip();
    // pandas beside the package, as a user's `pip install pandas` would put it.
    fs.writeFileSync(
      path.join(await purelib(venvPython), 'benchtop-test-pandas.pth'),
      `${await purelib(pandasPython as string)}\n`,
    );
    await driver(['datastore', 'register', 'read', 'errors']);
    const listed = await jsonIn<DatasetRecord[]>(workspace, ['data', 'list']);
    expect(listed.map((d) => `${d.name}:${d.version}:${d.kind}`).sort()).toEqual([
      'iris-files:1:file',
      'iris-tsv:1:tabular',
      'iris:1:tabular',
      'iris:2:tabular',
      'latin:1:tabular',
    ]);
    const iris = await jsonIn<DatasetDetail>(workspace, ['data', 'show', 'iris:1']);
    expect(iris.tags).toEqual({ source: 'uci', checked: 'yes' });
    expect(iris.description).toBe("Fisher's iris");
    expect(iris.tabular).toMatchObject({ format: 'delimited', separator: ',', header: true });
    expect(iris.files.map((f) => f.path)).toEqual(['iris.csv']);
    const tsv = await jsonIn<DatasetDetail>(workspace, ['data', 'show', 'iris-tsv']);
    expect(tsv.tabular).toMatchObject({ format: 'delimited', separator: '\t' });
    const latin = await jsonIn<DatasetDetail>(workspace, ['data', 'show', 'latin']);
    expect(latin.tabular).toMatchObject({ encoding: 'latin1', inferColumnTypes: false });
    // The datastore is a folder of the workspace; the uploads are there.
    expect(fs.readFileSync(path.join(workspace, 'datastores', 'workspaceblobstore', 'iris', 'iris.tsv'), 'utf8')).toBe(
      'sepal\tpetal\n1.5\t0.2\n2.5\t0.3\n',
    );
  }, 180_000);

  it('a run with a mounted, a downloaded and a direct input reads them through run.input_datasets; lineage in run show', async (ctx) => {
    if (!hasPython || pandasPython === null) return ctx.skip();
    const out = await driver(['run']);
    const runId = /RUN_ID (\S+)/.exec(out)?.[1] as string;
    const shown = await jsonIn<{ inputDatasets: RunDatasetUse[]; arguments: string[] }>(workspace, [
      'run',
      'show',
      runId,
    ]);
    const uses = shown.inputDatasets.map(
      (u) => `${u.inputName}=${u.name.replace(/^anonymous_\w+/, 'anonymous')}:${u.version}:${u.mode}:${u.via}`,
    );
    expect(uses.sort()).toEqual([
      'iris-tsv=iris-tsv:1:direct:api',
      'notes=anonymous:1:download:input',
      'table=iris:1:direct:input',
      'train=iris-files:1:mount:input',
    ]);
    // The arguments kept Azure's placeholders; the run put the paths and the id in their place.
    expect(shown.arguments).toEqual([
      '--data',
      'DatasetConsumptionConfig:train',
      '--copy',
      'DatasetConsumptionConfig:notes',
      '--table',
      'DatasetConsumptionConfig:table',
    ]);
    const anonymous = (await jsonIn<DatasetRecord[]>(workspace, ['data', 'list', '--all'])).filter((d) =>
      d.name.startsWith('anonymous_'),
    );
    expect(anonymous.map((d) => d.kind)).toEqual(['file']);
    const iris = await jsonIn<DatasetDetail>(workspace, ['data', 'show', 'iris:1']);
    expect(iris.runs.map((r) => r.runId)).toEqual([runId]);
    // Registered by the script: the version names the run that made it.
    const made = await jsonIn<DatasetDetail>(workspace, ['data', 'show', 'predictions']);
    expect([made.version, made.runId, made.files.map((f) => f.path)]).toEqual([1, runId, ['pred.csv']]);
  }, 180_000);

  it('in a container: a direct input and an API read come from the store bound read-only at its path', async (ctx) => {
    if (!hasPython || pandasPython === null || !(await dockerReady())) return ctx.skip();
    await driver(['container'], 240_000);
  }, 300_000);

  it('Model.register(datasets=...) links the versions; model.datasets and add_dataset_references as Azure shapes them', async (ctx) => {
    if (!hasPython || pandasPython === null) return ctx.skip();
    await driver(['model']);
    const model = await jsonIn<{ datasets: ModelDatasetLink[] }>(workspace, ['model', 'show', 'iris-model:1']);
    const links = model.datasets.map(
      (l) => `${l.purpose}=${l.name.replace(/^anonymous_\w+/, 'anonymous')}:${l.version}`,
    );
    expect(links.sort()).toEqual(['inferencing=iris-tsv:1', 'training=iris:1', 'validation=anonymous:1']);
    const iris = await jsonIn<DatasetDetail>(workspace, ['data', 'show', 'iris:1']);
    expect(iris.models.map((m) => `${m.model}:${m.modelVersion}:${m.purpose}`)).toEqual(['iris-model:1:training']);
  }, 120_000);
});
