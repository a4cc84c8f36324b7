import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { BASE_IMAGE, dockerReady, localDocker, startSecondEngine } from '../helpers/docker';
import { writeSettings } from '../../src/main/core/workspace/settings';
import { python, runCli, tempDir, waitUntil } from '../helpers/workspace';

/**
 * Datasets as run inputs, end to end with the built CLI and real runs: a process run with a mount, a download
 * and a direct input; a container run with a read-only mount; a rerun after a new version; a model from the run;
 * and the lineage from the dataset's side (data show, data delete refused).
 */

let workspace: string;
let core: Core;
let data: string;
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 300_000 });
const json = async <T>(args: string[]): Promise<T> => {
  const result = await cli([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
};
/** `run submit OPTIONS --wait --json -- SCRIPT_ARGS`, which must succeed: the run's id. */
const submitAndWait = async (options: string[], scriptArgs: string[]): Promise<string> => {
  const result = await cli(['run', 'submit', ...options, '--wait', '--json', '--', ...scriptArgs]);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { id: string }).id;
};

/** Prints what the script was given: arguments, the inputs' variables, file contents; tries to write into the mount. */
const READER = `
import json, os, sys
print("ARGS", json.dumps(sys.argv[1:], separators=(",", ":")))
inputs = json.loads(os.environ["BENCHTOP_INPUT_DATASETS"])
print("INPUTS", json.dumps(sorted(inputs), separators=(",", ":")))
for name in sorted(inputs):
    info = inputs[name]
    print("INPUT", name, info["name"], info["version"], info["mode"], info["kind"], os.environ.get(name) == (info["path"] or info["id"]))
    if info["path"]:
        assert os.environ["AZUREML_DATAREFERENCE_" + name] == info["path"]
        for rel in info["files"]:
            full = info["path"] if os.path.isfile(info["path"]) else os.path.join(info["path"], rel)
            print("FILE", name, rel, open(full).read().strip())
def attempt(label, action):
    try:
        action()
        print(label, "OK")
    except OSError as e:
        print(label, "FAILED", e.errno)
if "m" in inputs:
    mount = inputs["m"]["path"]
    attempt("WRITE-MOUNT", lambda: open(os.path.join(mount, "a.txt"), "w").write("changed"))
    attempt("CREATE-MOUNT", lambda: open(os.path.join(mount, "new.txt"), "w").write("new"))
if "rel" in inputs:
    # A path on compute is relative to the working directory, as on Azure.
    print("RELATIVE", inputs["rel"]["path"] == os.path.abspath("data/files"), open("data/files/a.txt").read())
if "dl" in inputs:
    attempt("WRITE-DOWNLOAD", lambda: open(os.path.join(inputs["dl"]["path"], "a.txt"), "w").write("mine"))
os.makedirs("outputs", exist_ok=True)
open("outputs/model.txt", "w").write("trained")
`;

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

async function finished(runId: string) {
  await waitUntil(() => ['Completed', 'Failed', 'Canceled'].includes(core.runs.get(runId).status), 120_000);
  return core.runs.get(runId);
}

const lines = (log: string, prefix: string) =>
  log
    .split(/\r?\n/)
    .filter((l) => l.startsWith(`${prefix} `))
    .map((l) => l.trimEnd());

let source: string;
let firstRun: string;

beforeAll(async () => {
  workspace = tempDir('bt-dsruns-');
  data = tempDir('bt-dsruns-data-');
  core = openCore(workspace);
  core.environments.register({
    name: 'ds-python',
    python: { userManagedDependencies: true, interpreterPath: python() },
  });
  write(path.join(data, 'files', 'a.txt'), 'alpha');
  write(path.join(data, 'files', 'sub', 'b.txt'), 'beta');
  write(path.join(data, 'table.csv'), 'x,y\n1,2\n3,4\n');
  source = tempDir('bt-dsruns-src-');
  write(path.join(source, 'read.py'), READER);
  for (const args of [
    ['-n', 'files', '-p', path.join(data, 'files')],
    ['-n', 'table', '-p', path.join(data, 'table.csv'), '--tabular', '--no-profile'],
  ]) {
    const registered = await cli(['data', 'register', ...args]);
    expect(registered.code, registered.stderr).toBe(0);
  }
}, 120_000);

afterAll(() => core?.close());

describe('datasets as run inputs', () => {
  it('a process run reads a mount, a download and a direct input; the mount is read-only; arguments and variables say where', async () => {
    firstRun = await submitAndWait(
      [
        '-d',
        source,
        '-s',
        'read.py',
        '-e',
        'ds-python',
        '--input',
        'm=files',
        '--input',
        'dl=files:1:download',
        '--input',
        't=table',
        '--input',
        'rel=files',
        '--input-path',
        'rel=data/files',
      ],
      ['DatasetConsumptionConfig:dl'],
    );
    const runDir = path.join(workspace, 'runs', firstRun);
    const log = core.runs.log(firstRun);
    const table = (await json<{ id: string }>(['data', 'show', 'table:1'])).id;
    expect(lines(log, 'ARGS')).toEqual([`ARGS ${JSON.stringify([path.join(runDir, 'inputs', 'dl')])}`]);
    expect(lines(log, 'INPUTS')).toEqual(['INPUTS ["dl","m","rel","t"]']);
    expect(lines(log, 'RELATIVE')).toEqual(['RELATIVE True alpha']);
    expect(lines(log, 'INPUT')).toEqual([
      'INPUT dl files 1 download file True',
      'INPUT m files 1 mount file True',
      'INPUT rel files 1 mount file True',
      'INPUT t table 1 direct tabular True',
    ]);
    expect(lines(log, 'FILE')).toEqual([
      'FILE dl a.txt alpha',
      'FILE dl sub/b.txt beta',
      'FILE m a.txt alpha',
      'FILE m sub/b.txt beta',
      'FILE rel a.txt alpha',
      'FILE rel sub/b.txt beta',
    ]);
    // Root is not stopped by permission bits: there the script's own mount namespace makes the mount read-only.
    expect(lines(log, 'WRITE-MOUNT')[0]).toMatch(/^WRITE-MOUNT FAILED (13|30)$/);
    expect(lines(log, 'CREATE-MOUNT')[0]).toMatch(/^CREATE-MOUNT FAILED (13|30)$/);
    expect(lines(log, 'WRITE-DOWNLOAD')).toEqual(['WRITE-DOWNLOAD OK']);
    // The stored data is untouched, and the run's input folders are gone with its working copy.
    const download = await json<{ path: string }>(['data', 'download', 'files:1', '-o', tempDir('bt-dsruns-dl-')]);
    expect(fs.readFileSync(path.join(download.path, 'a.txt'), 'utf8')).toBe('alpha');
    expect(fs.existsSync(path.join(runDir, 'inputs'))).toBe(false);
    expect(fs.existsSync(path.join(runDir, 'work'))).toBe(false);

    const shown = await json<{ inputDatasets: unknown[] }>(['run', 'show', firstRun]);
    expect(shown.inputDatasets).toEqual([
      {
        runId: firstRun,
        inputName: 'm',
        name: 'files',
        version: 1,
        mode: 'mount',
        via: 'input',
        path: path.join(runDir, 'inputs', 'm'),
      },
      {
        runId: firstRun,
        inputName: 'dl',
        name: 'files',
        version: 1,
        mode: 'download',
        via: 'input',
        path: path.join(runDir, 'inputs', 'dl'),
      },
      { runId: firstRun, inputName: 't', name: 'table', version: 1, mode: 'direct', via: 'input', path: null },
      {
        runId: firstRun,
        inputName: 'rel',
        name: 'files',
        version: 1,
        mode: 'mount',
        via: 'input',
        path: path.join(runDir, 'work', 'data', 'files'),
      },
    ]);
    expect((await cli(['run', 'show', firstRun])).stdout).toMatch(/Inputs:\n {2}m +files:1 +mount/);
    // The direct input's argument would have been its id.
    expect(table).toMatch(/^[0-9a-f-]{36}$/);
  }, 120_000);

  it('refuses a tabular dataset as a mount, an unknown version and an argument that names no input', async () => {
    const refused = await Promise.all([
      cli(['run', 'submit', '-d', source, '-s', 'read.py', '--input', 't=table:mount']),
      cli(['run', 'submit', '-d', source, '-s', 'read.py', '--input', 'm=files:9']),
      cli(['run', 'submit', '-d', source, '-s', 'read.py', '--input', 'm=files', '--', 'DatasetConsumptionConfig:x']),
    ]);
    expect(refused.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(refused[0]?.stderr).toContain('does not support mount. Only FileDataset supports mount');
    expect(refused[1]?.stderr).toContain('Dataset "files" has no version 9 (newest: 1)');
    expect(refused[2]?.stderr).toContain('"DatasetConsumptionConfig:x" names no input');
  });

  it('a rerun uses the recorded version after a new one is registered, unless a new one is picked', async () => {
    write(path.join(data, 'files', 'a.txt'), 'alpha two');
    const second = await json<{ version: number }>(['data', 'register', '-n', 'files', '-p', path.join(data, 'files')]);
    expect(second.version).toBe(2);
    const again = await finished(core.runs.rerun({ runId: firstRun }).id);
    expect(again.status).toBe('Completed');
    expect(lines(core.runs.log(again.id), 'FILE').filter((l) => l.startsWith('FILE m a.txt'))).toEqual([
      'FILE m a.txt alpha',
    ]);
    const picked = await finished(
      core.runs.rerun({ runId: firstRun, inputs: [{ name: 'm', dataset: 'files', version: 2 }] }).id,
    );
    expect(lines(core.runs.log(picked.id), 'FILE').filter((l) => l.startsWith('FILE m a.txt'))).toEqual([
      'FILE m a.txt alpha two',
    ]);
    const shown = await json<{ inputDatasets: { inputName: string; version: number }[] }>(['run', 'show', picked.id]);
    expect(shown.inputDatasets.map((u) => `${u.inputName}:${u.version}`)).toEqual(['m:2', 'dl:1', 't:1', 'rel:1']);
  }, 120_000);

  it('a model registered from the run links its datasets; the dataset lists the run and the model; its delete is refused', async () => {
    // A read through the API (what the SDK records for Dataset.get_by_name): once, however often; an input stays one.
    expect(await json(['data', 'use', 'table', '--run', firstRun])).toMatchObject({ inputName: 't', via: 'input' });
    for (let i = 0; i < 2; i++)
      expect(await json(['data', 'use', 'files:2', '--run', firstRun])).toEqual({
        runId: firstRun,
        inputName: 'files',
        name: 'files',
        version: 2,
        mode: 'direct',
        via: 'api',
        path: null,
      });
    expect((await json<{ inputDatasets: unknown[] }>(['run', 'show', firstRun])).inputDatasets).toHaveLength(5);
    const registered = await cli([
      'model',
      'register',
      '-n',
      'dsmodel',
      '-p',
      'outputs/model.txt',
      '--run',
      firstRun,
      '--dataset',
      'validation=files:2',
    ]);
    expect(registered.code, registered.stderr).toBe(0);
    const model = await json<{ datasets: unknown[] }>(['model', 'show', 'dsmodel']);
    expect(model.datasets).toEqual([
      { model: 'dsmodel', modelVersion: 1, purpose: 'validation', name: 'files', version: 2 },
      { model: 'dsmodel', modelVersion: 1, purpose: 'input', name: 'files', version: 1 },
      { model: 'dsmodel', modelVersion: 1, purpose: 'input', name: 'table', version: 1 },
    ]);
    expect((await cli(['model', 'show', 'dsmodel'])).stdout).toMatch(
      /Datasets:\n {2}validation +files:2\n {2}input +files:1/,
    );

    const detail = await json<{ runs: { runId: string }[]; models: { model: string }[] }>(['data', 'show', 'files:1']);
    expect(detail.runs.map((r) => r.runId)).toContain(firstRun);
    expect(detail.models).toEqual([{ model: 'dsmodel', modelVersion: 1, purpose: 'input', name: 'files', version: 1 }]);
    const deleted = await cli(['data', 'delete', 'files:1']);
    expect(deleted.code).toBe(2);
    expect(deleted.stderr).toContain(firstRun);
    expect(deleted.stderr).toContain('dsmodel');
  }, 120_000);

  it('a container on the local engine gets the mount read-only and the blob store read-only at its own path', async (ctx) => {
    if (!(await dockerReady())) return ctx.skip();
    core.environments.register({
      name: 'ds-boxed',
      docker: { baseImage: BASE_IMAGE },
      python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
    });
    const blobs = path.join(workspace, 'models', 'blobs');
    const runId = await submitAndWait(
      ['-d', source, '-s', 'read.py', '-e', 'ds-boxed', '--target', 'docker', '--input', 'm=files:1'],
      ['DatasetConsumptionConfig:m'],
    );
    const log = core.runs.log(runId);
    expect(lines(log, 'ARGS')).toEqual([
      `ARGS ${JSON.stringify([path.join(workspace, 'runs', runId, 'inputs', 'm')])}`,
    ]);
    expect(lines(log, 'FILE')).toEqual(['FILE m a.txt alpha', 'FILE m sub/b.txt beta']);
    expect(lines(log, 'WRITE-MOUNT')).toEqual(['WRITE-MOUNT FAILED 30']);
    expect(lines(log, 'CREATE-MOUNT')).toEqual(['CREATE-MOUNT FAILED 30']);

    // Without any mount input the store is bound too: a script reading a dataset through the API reads its blobs.
    const digest = (await json<{ files: { path: string; digest: string }[] }>(['data', 'show', 'files:1'])).files.find(
      (f) => f.path === 'a.txt',
    )?.digest as string;
    const plain = tempDir('bt-dsruns-plain-');
    write(path.join(plain, 'blob.py'), 'import sys\nprint("READ", open(sys.argv[1]).read())\n');
    const directRun = await submitAndWait(
      ['-d', plain, '-s', 'blob.py', '-e', 'ds-boxed', '--target', 'docker'],
      [path.join(blobs, digest.slice(0, 2), digest)],
    );
    expect(lines(core.runs.log(directRun), 'READ')).toEqual(['READ alpha']);
  }, 300_000);

  it('a remote engine (a second dockerd) gets the inputs copied in, and nothing of them is copied back', async (ctx) => {
    if (!(await dockerReady())) return ctx.skip();
    const remote = await startSecondEngine();
    try {
      const saved = path.join(tempDir('bt-dsruns-save-'), 'base.tar');
      await new Promise<void>((resolve, reject) => {
        localDocker()
          .getImage(BASE_IMAGE)
          .get((err: Error | null, stream?: NodeJS.ReadableStream) => {
            if (err || !stream) return reject(err ?? new Error('no image stream'));
            const out = fs.createWriteStream(saved);
            stream.pipe(out);
            out.on('finish', () => resolve());
            out.on('error', reject);
          });
      });
      expect((await cli(['docker', 'engine', remote.url])).code).toBe(0);
      expect((await cli(['docker', 'load', saved])).code).toBe(0);
      const runId = await submitAndWait(
        [
          '-d',
          source,
          '-s',
          'read.py',
          '-e',
          'ds-boxed',
          '--target',
          'docker',
          '--input',
          'm=files:1',
          '--input',
          'dl=files:1:download',
        ],
        ['DatasetConsumptionConfig:m'],
      );
      const log = core.runs.log(runId);
      expect(lines(log, 'ARGS')).toEqual(['ARGS ["/benchtop/run/inputs/m"]']);
      expect(lines(log, 'FILE')).toEqual([
        'FILE dl a.txt alpha',
        'FILE dl sub/b.txt beta',
        'FILE m a.txt alpha',
        'FILE m sub/b.txt beta',
      ]);
      expect(log).toContain('mount inputs are copied into the container');
      // Whatever the script wrote into its copies stays in the container: the store and the run folder are clean.
      const download = await json<{ path: string }>(['data', 'download', 'files:1', '-o', tempDir('bt-dsruns-dl-')]);
      expect(fs.readFileSync(path.join(download.path, 'a.txt'), 'utf8')).toBe('alpha');
      expect(fs.existsSync(path.join(workspace, 'runs', runId, 'inputs'))).toBe(false);
      expect(fs.readFileSync(path.join(workspace, 'runs', runId, 'outputs', 'model.txt'), 'utf8')).toBe('trained');
    } finally {
      await remote.stop();
      writeSettings(core.db, { dockerHost: null });
    }
  }, 300_000);
});
