import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowPython, registerMlflowVenvEnvironment } from '../helpers/mlflowVenv';
import { exec } from '../helpers/sdkVenv';
import { requireComponent, runCli, tempDir } from '../helpers/workspace';

/**
 * MLflow's model registry API on Benchtop's models, with the real mlflow client (3.17.2 from the package index):
 * inside a run (the run's own endpoint) and from a notebook's plain Python (`benchtop mlflow-uri`). What the
 * client makes is read back through Benchtop's CLI (model show/list/download), and what Benchtop made through
 * the client; models:/ URIs load through the registry's stored files.
 */

let mlflow: string | null = null;
const root = tempDir('bt-mlflow-registry-');
const workspace = path.join(root, 'ws');
const source = path.join(root, 'src');
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 300_000 });
const json = <T>(text: string) => JSON.parse(text) as T;

interface ModelShown {
  name: string;
  version: number;
  runId: string | null;
  tags: Record<string, string>;
  description: string | null;
  framework: string;
  files: { path: string; digest: string }[];
  mlflow?: { flavors: Record<string, { serialization_format?: string }> } | null;
}

const show = async (id: string) => {
  const r = await cli(['--json', 'model', 'show', id]);
  expect(r.code, r.stderr).toBe(0);
  return json<ModelShown>(r.stdout);
};

/** The script's RESULT line (one JSON object) from its run's log. */
async function result(runId: string): Promise<Record<string, unknown>> {
  const logs = await cli(['run', 'logs', runId]);
  const line = logs.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT line in the run's log:\n${logs.stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}

/** Every client call of the registry a training script makes, and the errors where MLflow and Benchtop differ. */
const IN_RUN = String.raw`
import hashlib, json, os
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

def error(call):
    try:
        call()
        return None
    except MlflowException as e:  # the client's message starts with the code: the server's message is the rest
        return [e.error_code, e.message.removeprefix(e.error_code + ": ")]

X, y = load_iris(return_X_y=True, as_frame=True)
model = LogisticRegression(max_iter=300).fit(X, y)
out = {"expected": model.predict(X).tolist()}
client = MlflowClient()
with mlflow.start_run() as run:
    # The default serialization (skops), registered as it is logged.
    info = mlflow.sklearn.log_model(model, name="model", registered_model_name="iris", input_example=X.head(2))
    out["logged_version"] = info.registered_model_version
    second = mlflow.register_model(f"runs:/{run.info.run_id}/model", "iris", tags={"via": "register_model"})
    out["second"] = {"version": second.version, "source": second.source, "run_id": second.run_id,
                     "status": second.status, "tags": second.tags}
    out["run_id"] = run.info.run_id
    client.create_registered_model("empty", tags={"owner": "ml"}, description="nothing yet")
    empty = client.get_registered_model("empty")
    out["empty"] = {"tags": empty.tags, "description": empty.description, "latest": empty.latest_versions}
    client.set_registered_model_alias("iris", "champion", "1")
    out["by_alias"] = client.get_model_version_by_alias("iris", "champion").version
    client.set_model_version_tag("iris", "1", "quality", "good")
    client.update_model_version("iris", "1", description="first one")
    client.set_registered_model_tag("iris", "task", "classification")
    client.update_registered_model("iris", description="iris classifier")
    client.transition_model_version_stage("iris", "2", "Staging")
    out["latest"] = sorted((v.version, v.current_stage) for v in client.get_latest_versions("iris"))
    out["staging"] = [v.version for v in client.get_latest_versions("iris", stages=["staging"])]
    out["by_run"] = sorted(v.version for v in client.search_model_versions(f"run_id = '{run.info.run_id}'"))
    out["tagged"] = [v.version for v in client.search_model_versions("name = 'iris' AND tags.quality = 'good'")]
    out["searched"] = sorted(m.name for m in client.search_registered_models("name LIKE 'i%'"))
    registered = client.get_registered_model("iris")
    out["registered"] = {"aliases": registered.aliases, "tags": registered.tags,
                         "description": registered.description}
    one = client.get_model_version("iris", "1")
    out["one"] = {"description": one.description, "tags": one.tags, "aliases": list(one.aliases), "source": one.source}
    out["download_uri"] = client.get_model_version_download_uri("iris", "1")
    for uri in ["models:/iris/1", "models:/iris@champion", "models:/iris/latest", "models:/iris/Staging"]:
        out[uri] = mlflow.pyfunc.load_model(uri).predict(X).tolist()
    local = mlflow.artifacts.download_artifacts("models:/iris/1", dst_path="downloaded")
    out["files"] = {
        os.path.relpath(os.path.join(d, f), local): hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest()
        for d, _, fs in os.walk(local) for f in fs if f != "registered_model_meta"
    }
    out["errors"] = {
        "exists": error(lambda: client.create_registered_model("iris")),
        "bad_name": error(lambda: client.create_registered_model("no spaces allowed")),
        "no_version": error(lambda: client.get_model_version("iris", "99")),
        "not_a_number": error(lambda: client.get_model_version("iris", "one")),
        "no_model": error(lambda: client.create_model_version("nope", f"runs:/{run.info.run_id}/model")),
        "outside": error(lambda: client.create_model_version("iris", "/etc")),
        "climb": error(lambda: client.create_model_version("iris", f"runs:/{run.info.run_id}/../../x")),
        "rename": error(lambda: client.rename_registered_model("iris", "iris2")),
        "no_alias": error(lambda: client.get_model_version_by_alias("iris", "nobody")),
        "bad_stage": error(lambda: client.transition_model_version_stage("iris", "1", "Gold")),
    }
print("RESULT " + json.dumps(out))
`;

beforeAll(async () => {
  mlflow = await mlflowPython();
  if (!requireComponent('the mlflow client venv (package index)', mlflow !== null)) return;
  fs.mkdirSync(source, { recursive: true });
  fs.writeFileSync(path.join(source, 'register.py'), IN_RUN);
  await registerMlflowVenvEnvironment(workspace, root, mlflow);
}, 900_000);

afterAll(async () => {
  await runCli(['mlflow-uri', '--stop'], { workspace });
  fs.rmSync(root, { recursive: true, force: true });
});

describe('MLflow model registry calls inside a run', () => {
  let runId = '';
  let out: Record<string, unknown> = {};

  beforeAll(async () => {
    if (!mlflow) return;
    const r = await cli(['--json', 'run', 'submit', '-d', source, '-s', 'register.py', '-e', 'mlflow-venv', '--wait']);
    const run = r.stdout ? json<{ id: string; status: string }>(r.stdout) : null;
    if (r.code !== 0 && run) console.error((await cli(['run', 'logs', run.id])).stdout);
    expect(r.code, r.stderr).toBe(0);
    runId = (run as { id: string }).id;
    out = await result(runId);
  }, 300_000);

  it('log_model(registered_model_name=) and register_model make Benchtop versions 1 and 2, linked to the run', async (ctx) => {
    if (!mlflow) return ctx.skip();
    expect(out.run_id).toBe(runId);
    expect(out.logged_version).toBe('1');
    expect(out.second).toMatchObject({ version: '2', run_id: runId, status: 'READY', tags: { via: 'register_model' } });
    // register_model of runs:/RUN/model finds the run's logged model, and registers it by its models:/m-<id>.
    expect((out.second as { source: string }).source).toMatch(/^models:\/m-[0-9a-f]+$/);
    const [one, two] = await Promise.all([show('iris:1'), show('iris:2')]);
    for (const version of [one, two]) {
      expect(version.runId).toBe(runId);
      expect(version.framework).toBe('ScikitLearn');
      expect(version.mlflow?.flavors.sklearn?.serialization_format).toBe('skops');
      expect(version.files.map((f) => f.path)).toContain('model/model.skops');
    }
    expect(two.tags).toEqual({ via: 'register_model' });
    // What the client set on version 1 is Benchtop's own tags and description.
    expect(one.tags).toEqual({ quality: 'good' });
    expect(one.description).toBe('first one');
  });

  it('answers the registry reads as MLflow does: aliases, stages, searches, tags, descriptions', (ctx) => {
    if (!mlflow) return ctx.skip();
    expect(out.empty).toEqual({ tags: { owner: 'ml' }, description: 'nothing yet', latest: [] });
    expect(out.by_alias).toBe('1');
    expect(out.latest).toEqual([
      ['1', 'None'],
      ['2', 'Staging'],
    ]);
    expect(out.staging).toEqual(['2']);
    expect(out.by_run).toEqual(['1', '2']);
    expect(out.tagged).toEqual(['1']);
    expect(out.searched).toEqual(['iris']);
    expect(out.registered).toEqual({
      aliases: { champion: '1' },
      tags: { task: 'classification' },
      description: 'iris classifier',
    });
    expect(out.one).toMatchObject({ description: 'first one', tags: { quality: 'good' }, aliases: ['champion'] });
    expect(out.download_uri).toBe('mlflow-artifacts:/registry/iris/1');
  });

  it('loads models:/ URIs (number, alias, latest, stage) from the stored version, predicting as the model', async (ctx) => {
    if (!mlflow) return ctx.skip();
    for (const uri of ['models:/iris/1', 'models:/iris@champion', 'models:/iris/latest', 'models:/iris/Staging'])
      expect(out[uri], uri).toEqual(out.expected);
    // The client's download of models:/iris/1 is byte for byte what `benchtop model download` gives of it.
    const target = path.join(root, 'benchtop-download');
    const downloaded = await cli(['model', 'download', 'iris:1', '-d', target]);
    expect(downloaded.code, downloaded.stderr).toBe(0);
    const folder = path.join(target, 'model');
    const expected = Object.fromEntries(
      (fs.readdirSync(folder, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(folder, f)).isFile())
        .map((f) => [
          f,
          createHash('sha256')
            .update(fs.readFileSync(path.join(folder, f)))
            .digest('hex'),
        ]),
    );
    expect(Object.keys(expected)).toContain('model.skops');
    expect(out.files).toEqual(expected);
  });

  it("refuses what MLflow refuses, and says where Benchtop's registry rules differ, in MLflow's error shape", (ctx) => {
    if (!mlflow) return ctx.skip();
    const errors = out.errors as Record<string, [string, string]>;
    expect(errors.exists).toEqual(['RESOURCE_ALREADY_EXISTS', 'Registered Model (name=iris) already exists.']);
    expect(errors.bad_name?.[0]).toBe('INVALID_PARAMETER_VALUE');
    expect(errors.bad_name?.[1]).toMatch(/"no spaces allowed" is not a valid model name.*letters, digits/);
    expect(errors.no_version).toEqual(['RESOURCE_DOES_NOT_EXIST', 'Model Version (name=iris, version=99) not found']);
    expect(errors.not_a_number).toEqual([
      'INVALID_PARAMETER_VALUE',
      "Parameter 'version' must be an integer, got 'one'.",
    ]);
    expect(errors.no_model).toEqual(['RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found']);
    expect(errors.outside?.[0]).toBe('INVALID_PARAMETER_VALUE');
    expect(errors.outside?.[1]).toMatch(/Unsupported model version source '\/etc'.*runs:\/<run id>\/<path>/);
    expect(errors.climb?.[0]).toBe('INVALID_PARAMETER_VALUE');
    expect(errors.rename?.[0]).toBe('INVALID_PARAMETER_VALUE');
    expect(errors.rename?.[1]).toMatch(/model names are fixed once registered/);
    expect(errors.no_alias?.[0]).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(errors.bad_stage?.[1]).toMatch(/Invalid Model Version stage: Gold/);
    // Nothing was registered by the refused calls.
    return cli(['--json', 'model', 'list', '-n', 'iris']).then((r) =>
      expect(json<{ version: number }[]>(r.stdout).map((m) => m.version)).toEqual([2, 1]),
    );
  });
});

describe('MLflow model registry from a notebook (benchtop mlflow-uri)', () => {
  it("sees the run's versions and Benchtop's own, registers, deletes, and loads by alias", async (ctx) => {
    if (!mlflow) return ctx.skip();
    const runs = json<{ id: string }[]>((await cli(['--json', 'run', 'list'])).stdout);
    const runId = runs[0]?.id as string;
    // A version Benchtop registered itself (the CLI) is a version MLflow's client sees, with a runs:/ source.
    const byCli = await cli(['--json', 'model', 'register', '-n', 'iris', '--run', runId, '-p', 'model']);
    expect(byCli.code, byCli.stderr).toBe(0);
    expect(json<{ version: number }>(byCli.stdout).version).toBe(3);
    const uri = json<{ uri: string }>((await cli(['--json', 'mlflow-uri'])).stdout).uri;
    const code = String.raw`
import json, sys
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
mlflow.set_tracking_uri(sys.argv[1])
run_id = sys.argv[2]
client = MlflowClient()
out = {}
three = client.get_model_version("iris", "3")
out["three"] = {"source": three.source, "run_id": three.run_id}
made = client.create_model_version("iris", f"runs:/{run_id}/model", run_id=run_id, description="from a notebook")
out["made"] = made.version
client.set_registered_model_alias("iris", "champion", made.version)
out["champion"] = client.get_model_version_by_alias("iris", "champion").version
from sklearn.datasets import load_iris
X, _ = load_iris(return_X_y=True, as_frame=True)
out["predictions"] = len(mlflow.pyfunc.load_model("models:/iris@champion").predict(X.head(1)).tolist())
client.delete_registered_model_alias("iris", "champion")
client.delete_model_version_tag("iris", "1", "quality")
client.delete_registered_model_tag("iris", "task")
client.delete_model_version("iris", made.version)
client.delete_registered_model("empty")
out["names"] = sorted(m.name for m in client.search_registered_models())
out["versions"] = sorted(int(v.version) for v in client.search_model_versions("name='iris'"))
out["aliases"] = client.get_registered_model("iris").aliases
out["tags"] = client.get_registered_model("iris").tags
try:
    client.get_model_version_by_alias("iris", "champion")
except MlflowException as e:
    out["alias_gone"] = e.error_code
print(json.dumps(out))
`;
    const r = await exec(mlflow as string, ['-c', code, uri, runId], { cwd: root, timeoutMs: 180_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = json<Record<string, unknown>>(r.stdout.trim().split('\n').pop() as string);
    expect(out.three).toEqual({ source: `runs:/${runId}/model`, run_id: runId });
    expect(out.made).toBe('4');
    expect(out.champion).toBe('4');
    expect(out.predictions).toBe(1);
    expect(out.names).toEqual(['iris']);
    expect(out.versions).toEqual([1, 2, 3]);
    expect(out.aliases).toEqual({});
    expect(out.tags).toEqual({});
    expect(out.alias_gone).toBe('RESOURCE_DOES_NOT_EXIST');
    // Deleted through MLflow is deleted in Benchtop; the tag removal is Benchtop's too.
    expect((await cli(['model', 'show', 'iris:4'])).code).not.toBe(0);
    expect((await show('iris:1')).tags).toEqual({});
    // The version's content is stored once, whichever way it was registered.
    const digests = new Set(
      (await Promise.all([1, 2, 3].map((v) => show(`iris:${v}`)))).map((m) =>
        createHash('sha256')
          .update(JSON.stringify(m.files.map((f) => f.digest)))
          .digest('hex'),
      ),
    );
    expect(digests.size).toBe(1);
  }, 240_000);
});
