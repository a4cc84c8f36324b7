import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRunEvents } from '../../src/main/core/runs/sdkRuns';
import {
  type Clause,
  matchesAll,
  parseOrderBy,
  parseSearchFilter,
  sortBy,
} from '../../src/main/core/mlflow/searchFilter';
import { mlflowPython, registerMlflowVenvEnvironment } from '../helpers/mlflowVenv';
import { seededRandom } from '../helpers/seededRandom';
import { python, requireComponent, ROOT, runCli, tempDir } from '../helpers/workspace';

/**
 * MLflow tracking inside Benchtop runs (issue 14, build 1): scripts that log with the real mlflow client
 * (mlflow-skinny 3.17.2 from the package index, test/helpers/mlflowVenv.ts) run through the built CLI in a
 * user-managed environment on that venv; what they logged is read back through `benchtop run metrics/show/files
 * --json`, the run's folder and the model registry.
 */

let mlflow: string | null = null;
const root = tempDir('bt-mlflow-tracking-');
const workspace = path.join(root, 'ws');
const source = path.join(root, 'src');
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 300_000 });
const json = <T>(text: string) => JSON.parse(text) as T;

interface Point {
  step: number;
  value: number | string;
  t: number;
}
interface Metrics {
  scalars: Record<string, Point[]>;
  params: Record<string, string>;
  tags: Record<string, string>;
  files: string[];
}
interface Shown {
  id: string;
  experiment: string;
  status: string;
  metrics: Record<string, unknown>;
  tags: Record<string, string>;
  params: Record<string, string>;
  parentRunId: string | null;
  displayName: string | null;
}

/** What a script printed after `RESULT ` (one JSON object), from the run's log. */
async function result(runId: string): Promise<Record<string, unknown>> {
  const logs = await cli(['run', 'logs', runId]);
  const line = logs.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT line in the run's log:\n${logs.stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}

/** Submits a script, waits, and returns its run id (the run must complete). */
async function submit(script: string, experiment = 'mlflow-exp'): Promise<string> {
  const r = await cli([
    '--json',
    'run',
    'submit',
    '-d',
    source,
    '-s',
    script,
    '-e',
    'mlflow-venv',
    '-x',
    experiment,
    '--wait',
  ]);
  const run = r.stdout ? json<{ id: string; status: string }>(r.stdout) : null;
  if (r.code !== 0 && run) console.error((await cli(['run', 'logs', run.id])).stdout);
  expect(r.code, r.stderr).toBe(0);
  return (run as { id: string }).id;
}

const LOGGING = String.raw`
import json, math, os, urllib.request, urllib.error
import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag

out = {}
with mlflow.start_run() as run:
    out["attached"] = run.info.run_id
    out["experiment_id"] = run.info.experiment_id
    for i, v in enumerate([0.5, 0.6, 0.7]):
        mlflow.log_metric("acc", v, step=i)
    mlflow.log_metric("nan", float("nan"), step=0)
    mlflow.log_metric("pinf", float("inf"), step=0)
    mlflow.log_metric("ninf", float("-inf"), step=0)
    mlflow.log_param("lr", 0.01)
    mlflow.log_params({"layers": 3, "act": "relu"})
    client = MlflowClient()
    now = 1_700_000_000_000
    client.log_batch(run.info.run_id,
                     metrics=[Metric("batch", float(i), now + i, i) for i in range(10_000)],
                     params=[Param("batch_param", "yes")], tags=[RunTag("batch_tag", "t")])
    mlflow.set_tag("team", "blue")
    mlflow.set_tag("mlflow.note.content", "a note")
    os.makedirs("art/sub", exist_ok=True)
    with open("art/a.txt", "w") as f:
        f.write("alpha")
    with open("art/sub/b.txt", "w") as f:
        f.write("beta")
    mlflow.log_artifact("art/a.txt")
    mlflow.log_artifacts("art", artifact_path="folder")
    out["listed"] = sorted(f.path for f in client.list_artifacts(run.info.run_id, "folder"))
    os.makedirs("downloaded", exist_ok=True)
    local = client.download_artifacts(run.info.run_id, "folder/sub/b.txt", "downloaded")
    out["downloaded"] = open(local).read()
    try:
        mlflow.log_param("lr", 0.5)
        out["param_change"] = "accepted"
    except mlflow.exceptions.MlflowException as e:
        out["param_change"] = e.error_code
    with mlflow.start_run(nested=True, run_name="child-a") as child:
        mlflow.log_metric("child_metric", 1.5)
        out["child"] = child.info.run_id
    with mlflow.start_run(nested=True, run_name="child-b"):
        mlflow.log_metric("child_metric", 2.5)
    out["children_found"] = list(
        r.info.run_name for r in mlflow.search_runs(
            experiment_ids=[run.info.experiment_id], output_format="list",
            filter_string="tags.mlflow.parentRunId = '%s' AND metrics.child_metric > 1" % run.info.run_id,
            order_by=["metrics.child_metric DESC"]))
    try:
        client.delete_run(out["child"])
        out["unsupported"] = "accepted"
    except mlflow.exceptions.MlflowException as e:
        out["unsupported"] = [e.error_code, str(e)]
    url = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/get?run_id=" + run.info.run_id
    try:
        urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer wrong"}))
        out["wrong_token"] = 200
    except urllib.error.HTTPError as e:
        out["wrong_token"] = [e.code, json.loads(e.read())["error_code"]]
    from sklearn.datasets import load_iris
    from sklearn.tree import DecisionTreeClassifier
    X, y = load_iris(return_X_y=True)
    info = mlflow.sklearn.log_model(DecisionTreeClassifier(max_depth=2).fit(X, y), name="clf",
                                    serialization_format="cloudpickle")
    out["model_uri"] = info.model_uri
    out["reloaded"] = mlflow.pyfunc.load_model(info.model_uri).predict(X[:3]).tolist()
    fetched = client.get_run(run.info.run_id)
    out["get_run"] = {"status": fetched.info.status, "acc": fetched.data.metrics["acc"],
                      "params": fetched.data.params, "nan_is_nan": math.isnan(fetched.data.metrics["nan"])}
    out["history"] = [(m.step, m.value) for m in client.get_metric_history(run.info.run_id, "acc")]
# end_run() asked for FINISHED; the Benchtop run still runs until the script exits.
out["status_after_end"] = MlflowClient().get_run(out["attached"]).info.status
MlflowClient().log_metric(out["attached"], "after_end", 1.0)
print("RESULT " + json.dumps(out))
`;

const AUTOLOG = String.raw`
import json
import mlflow
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
mlflow.sklearn.autolog(serialization_format="cloudpickle")
X, y = load_iris(return_X_y=True)
LogisticRegression(max_iter=300, C=0.5).fit(X, y)
print("RESULT " + json.dumps({"last": mlflow.last_active_run().info.run_id}))
`;

/** The same numbers as LOGGING's "acc", logged the Azure ML v1 way. */
const V1 = String.raw`
from azureml.core import Run
run = Run.get_context()
for i, v in enumerate([0.5, 0.6, 0.7]):
    run.log("acc", v, step=i)
run.tag("team", "blue")
`;

beforeAll(async () => {
  mlflow = await mlflowPython();
  if (!requireComponent('the mlflow client venv (package index)', mlflow !== null)) return;
  fs.mkdirSync(source, { recursive: true });
  fs.writeFileSync(path.join(source, 'logging_script.py'), LOGGING);
  fs.writeFileSync(path.join(source, 'autolog_script.py'), AUTOLOG);
  fs.writeFileSync(path.join(source, 'v1_script.py'), V1);
  await registerMlflowVenvEnvironment(workspace, root, mlflow);
}, 900_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('MLflow tracking in a process run', () => {
  let runId = '';
  let out: Record<string, unknown> = {};

  beforeAll(async () => {
    if (!mlflow) return;
    runId = await submit('logging_script.py');
    out = await result(runId);
  }, 300_000);

  it('mlflow.start_run() attaches to the Benchtop run, in the Benchtop experiment', async () => {
    if (!mlflow) return;
    expect(out.attached).toBe(runId);
    const experiments = await cli(['run', 'show', runId]);
    expect(experiments.stdout).toContain('(mlflow-exp)');
    expect(out.experiment_id).toMatch(/^[1-9]\d*$/);
  });

  it('metrics with steps, NaN and infinities, and a 10,000-metric log_batch land in the run', async () => {
    if (!mlflow) return;
    const metrics = json<Metrics>((await cli(['--json', 'run', 'metrics', runId])).stdout);
    expect(metrics.scalars.acc?.map((p) => [p.step, p.value])).toEqual([
      [0, 0.5],
      [1, 0.6],
      [2, 0.7],
    ]);
    expect(metrics.scalars.nan?.[0]?.value).toBe('NaN');
    expect(metrics.scalars.pinf?.[0]?.value).toBe('Infinity');
    expect(metrics.scalars.ninf?.[0]?.value).toBe('-Infinity');
    const batch = metrics.scalars.batch ?? [];
    expect(batch).toHaveLength(10_000);
    // MLflow's timestamp (ms) is the event's time (s).
    expect(batch[9_999]).toEqual({ step: 9_999, value: 9_999, t: 1_700_000_009.999 });
    expect((out.get_run as { acc: number; nan_is_nan: boolean }).acc).toBe(0.7);
    expect((out.get_run as { nan_is_nan: boolean }).nan_is_nan).toBe(true);
    expect(out.history).toEqual([
      [0, 0.5],
      [1, 0.6],
      [2, 0.7],
    ]);
  });

  it('params are kept first-value-wins (changing one is INVALID_PARAMETER_VALUE) and shown by run show', async () => {
    if (!mlflow) return;
    expect(out.param_change).toBe('INVALID_PARAMETER_VALUE');
    const shown = json<Shown>((await cli(['--json', 'run', 'show', runId])).stdout);
    expect(shown.params).toEqual({ lr: '0.01', layers: '3', act: 'relu', batch_param: 'yes' });
    expect(shown.tags).toMatchObject({ team: 'blue', batch_tag: 't', 'mlflow.note.content': 'a note' });
    expect(shown.status).toBe('Completed');
    expect(out.status_after_end).toBe('RUNNING');
    expect(shown.metrics.after_end).toBe(1);
    expect((out.get_run as { params: unknown }).params).toEqual(shown.params);
  });

  it('artifacts are the run files (listed, downloaded, on disk), the logged model a folder of them', async () => {
    if (!mlflow) return;
    expect(out.listed).toEqual(['folder/a.txt', 'folder/sub']);
    expect(out.downloaded).toBe('beta');
    const files = json<string[]>((await cli(['--json', 'run', 'files', runId])).stdout);
    expect(files).toEqual(expect.arrayContaining(['a.txt', 'folder/a.txt', 'folder/sub/b.txt', 'clf/MLmodel']));
    const dir = path.join(workspace, 'runs', runId, 'files', 'uploads');
    expect(fs.readFileSync(path.join(dir, 'folder', 'sub', 'b.txt'), 'utf8')).toBe('beta');
    expect(fs.readFileSync(path.join(dir, 'clf', 'MLmodel'), 'utf8')).toContain('sklearn');
    expect(out.model_uri).toMatch(/^models:\/m-[0-9a-f]{32}$/);
    expect(out.reloaded).toHaveLength(3);
  });

  it('nested runs are child runs, found by runs/search with a filter and order_by', async () => {
    if (!mlflow) return;
    const children = json<Shown[]>((await cli(['--json', 'run', 'list', '--parent', runId])).stdout);
    expect(children.map((c) => c.displayName).sort()).toEqual(['child-a', 'child-b']);
    expect(children.every((c) => c.status === 'Completed' && c.parentRunId === runId)).toBe(true);
    expect(children.map((c) => c.id)).toContain(out.child);
    expect(out.children_found).toEqual(['child-b', 'child-a']);
  });

  it('a wrong token is a 401; a call outside the supported part is ENDPOINT_NOT_FOUND naming it', async () => {
    if (!mlflow) return;
    expect(out.wrong_token).toEqual([401, 'UNAUTHENTICATED']);
    const [code, message] = out.unsupported as [string, string];
    expect(code).toBe('ENDPOINT_NOT_FOUND');
    expect(message).toContain('/api/2.0/mlflow/runs/delete');
  });

  it('a v1 run.log script in the same experiment shows the same metrics and tags', async () => {
    if (!mlflow) return;
    const v1 = await submit('v1_script.py');
    const [a, b] = await Promise.all(
      [v1, runId].map(async (id) => json<Metrics>((await cli(['--json', 'run', 'metrics', id])).stdout)),
    );
    const shape = (m: Metrics) => m.scalars.acc?.map((p) => ({ step: p.step, value: p.value }));
    expect(shape(a as Metrics)).toEqual(shape(b as Metrics));
    expect((a as Metrics).tags.team).toBe((b as Metrics).tags.team);
    const listed = json<Shown[]>((await cli(['--json', 'run', 'list', '-x', 'mlflow-exp', '--top-level'])).stdout);
    const byId = new Map(listed.map((r) => [r.id, r]));
    expect(byId.get(v1)?.metrics.acc).toBe(0.7);
    expect(byId.get(runId)?.metrics.acc).toBe(0.7);
  });
});

describe('mlflow.autolog() with scikit-learn', () => {
  it('records params, metrics and the model, which registers with --run -p model', async () => {
    if (!mlflow) return;
    const runId = await submit('autolog_script.py');
    expect((await result(runId)).last).toBe(runId);
    const shown = json<Shown>((await cli(['--json', 'run', 'show', runId])).stdout);
    expect(shown.params).toMatchObject({ C: '0.5', max_iter: '300' });
    expect(shown.metrics.training_accuracy_score).toBeGreaterThan(0.9);
    expect(shown.tags['mlflow.autologging']).toBe('sklearn');
    const registered = await cli(['--json', 'model', 'register', '-n', 'autologged', '--run', runId, '-p', 'model']);
    expect(registered.code, registered.stderr).toBe(0);
    const model = json<{ runId: string; id: string }>(registered.stdout);
    expect(model).toMatchObject({ id: 'autologged:1', runId });
    const download = path.join(root, 'autologged');
    expect((await cli(['model', 'download', 'autologged:1', '-d', download])).code).toBe(0);
    const names = fs.readdirSync(download, { recursive: true }).map(String);
    expect(names.some((n) => n.endsWith('MLmodel'))).toBe(true);
    expect(names.some((n) => n.endsWith('model.pkl'))).toBe(true);
  });
});

describe("an environment's own MLFLOW_TRACKING_URI", () => {
  it('is kept (the script logs where its author said), and the run log says so', async () => {
    if (!mlflow) return;
    const envDir = path.join(root, 'env-own-uri');
    fs.mkdirSync(envDir, { recursive: true });
    const own = `file://${path.join(root, 'own-mlruns')}`;
    fs.writeFileSync(
      path.join(envDir, 'azureml_environment.json'),
      JSON.stringify({
        name: 'mlflow-own-uri',
        environmentVariables: { MLFLOW_TRACKING_URI: own },
        python: { userManagedDependencies: true, interpreterPath: mlflow },
      }),
    );
    expect((await cli(['env', 'register', '-d', envDir])).code).toBe(0);
    fs.writeFileSync(
      path.join(source, 'own_uri.py'),
      'import json, os\nprint("RESULT " + json.dumps({k: os.environ.get(k) for k in ["MLFLOW_TRACKING_URI", "MLFLOW_RUN_ID"]}))\n',
    );
    const r = await cli([
      '--json',
      'run',
      'submit',
      '-d',
      source,
      '-s',
      'own_uri.py',
      '-e',
      'mlflow-own-uri',
      '--wait',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const runId = json<{ id: string }>(r.stdout).id;
    expect(await result(runId)).toEqual({ MLFLOW_TRACKING_URI: own, MLFLOW_RUN_ID: null });
    expect((await cli(['run', 'logs', runId])).stdout).toContain(`the environment sets MLFLOW_TRACKING_URI=${own}`);
  });
});

describe('the events file with two writers at once', () => {
  it('a Node appender and the Python writer lose and mix nothing', async () => {
    const dir = path.join(root, 'two-writers');
    fs.mkdirSync(dir, { recursive: true });
    const events = path.join(dir, 'events.jsonl');
    const padding = 'x'.repeat(300); // lines long enough that torn 64 KB buffers would show
    const script = `
import sys
sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'src', 'runtime'))})
from benchtop._writer import EventWriter
w = EventWriter(${JSON.stringify(events)})
for i in range(60000):
    w.write({"type": "scalar", "name": "py", "value": i, "step": i, "description": "${padding}"})
w.close()
`;
    const child = spawn(python(), ['-c', script], { stdio: 'inherit' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let running = true;
    void exited.then(() => (running = false));
    let nodeBatches = 0;
    while (running || nodeBatches < 50) {
      appendRunEvents(
        dir,
        Array.from({ length: 20 }, (_, k) => ({
          type: 'scalar' as const,
          name: 'node',
          value: nodeBatches * 20 + k,
          step: nodeBatches * 20 + k,
          description: padding,
        })),
      );
      nodeBatches++;
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await exited).toBe(0);
    const lines = fs.readFileSync(events, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((l) => JSON.parse(l) as { name: string; step: number });
    const steps = (name: string) => parsed.filter((e) => e.name === name).map((e) => e.step);
    expect(steps('py')).toEqual(Array.from({ length: 60000 }, (_, i) => i));
    expect(steps('node')).toEqual(Array.from({ length: nodeBatches * 20 }, (_, i) => i));
    // They did run at the same time: Node lines sit between Python lines.
    const firstNode = parsed.findIndex((e) => e.name === 'node');
    expect(parsed.slice(firstNode).some((e) => e.name === 'py')).toBe(true);
  }, 120_000);
});

interface FakeRun {
  run_id: string;
  run_name: string;
  status: string;
  start_time: number;
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

/** Runs our search filter and order_by on generated runs and filters, and MLflow's SearchUtils on the same. */
const DIFFERENTIAL = String.raw`
import json, sys
from mlflow.entities import Metric, Param, Run, RunData, RunInfo, RunTag
from mlflow.exceptions import MlflowException
from mlflow.utils.search_utils import SearchUtils
spec = json.load(sys.stdin)
runs = [Run(RunInfo(run_id=r["run_id"], experiment_id="1", user_id="u", status=r["status"],
                    start_time=r["start_time"], end_time=None, lifecycle_stage="active", run_name=r["run_name"]),
            RunData(metrics=[Metric(k, v, 0, 0) for k, v in r["metrics"].items()],
                    params=[Param(k, v) for k, v in r["params"].items()],
                    tags=[RunTag(k, v) for k, v in r["tags"].items()])) for r in spec["runs"]]
def attempt(fn):
    try:
        return [r.info.run_id for r in fn()]
    except MlflowException as e:
        return "ERROR " + e.error_code
print(json.dumps({"filters": [attempt(lambda f=f: SearchUtils.filter(runs, f)) for f in spec["filters"]],
                  "orders": [attempt(lambda o=o: SearchUtils.sort(runs, o)) for o in spec["orders"]]}))
`;

describe("runs/search against MLflow's own SearchUtils (differential)", () => {
  it('filters and orders generated runs exactly as mlflow.utils.search_utils does', async () => {
    if (!mlflow) return;
    const next = seededRandom(14);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)] as T;
    const words = ['a', 'ab', 'b', 'Ab', 'a_b', 'x%y', 'relu', 'tanh', ''];
    const runs: FakeRun[] = Array.from({ length: 40 }, (_, i) => {
      const maybe = <T>(v: T) => (next() < 0.75 ? v : undefined);
      const entries = (o: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, never>;
      return {
        run_id: `run_${i}`,
        run_name: pick(words) + String(i % 3),
        status: pick(['RUNNING', 'FINISHED', 'FAILED', 'KILLED']),
        start_time: Math.floor(next() * 5) * 1000,
        metrics: entries({ acc: maybe(Math.round(next() * 10) / 10), loss: maybe(pick([0, 1, 2.5, -1])) }),
        params: entries({ lr: maybe(pick(['0.1', '0.01', '1'])), act: maybe(pick(words)) }),
        tags: entries({ team: maybe(pick(words)), 'mlflow.note': maybe(pick(words)) }),
      };
    });
    const clause = (): string => {
      const kind = pick(['metric', 'param', 'tag', 'attr', 'bad']);
      const str = () => `'${pick(words.concat(['a%', '%b', '_b', '%', 'A%', 'r%u']))}'`;
      if (kind === 'metric')
        return `${pick(['metrics', 'metric'])}.${pick(['acc', 'loss', '`acc`'])} ${pick(['=', '!=', '>', '>=', '<', '<='])} ${pick(['0.5', '1', '0', '2.5', '1e0', '.5', '-1', '-0.5'])}`;
      if (kind === 'param')
        return `${pick(['params', 'param', 'parameter'])}.${pick(['lr', 'act', '"act"'])} ${pick(['=', '!=', 'LIKE', 'ILIKE', 'like'])} ${str()}`;
      if (kind === 'tag')
        return pick([
          `tags.${pick(['team', '"mlflow.note"', 'mlflow.note', '`team`'])} ${pick(['=', '!=', 'LIKE', 'ILIKE'])} ${str()}`,
          `tags.team ${pick(['IS NULL', 'IS NOT NULL'])}`,
        ]);
      if (kind === 'attr')
        return pick([
          `attributes.status ${pick(['=', '!=', 'LIKE', 'ILIKE'])} '${pick(['RUNNING', 'FINISHED', 'F%', '%ED', 'running'])}'`,
          `${pick(['attributes.', 'attribute.', 'run.', ''])}run_name ${pick(['=', 'LIKE', 'ILIKE', '!='])} ${str()}`,
          `attributes.start_time ${pick(['>', '<', '=', '>=', '!='])} ${pick(['1000', '2500', '0'])}`,
          `attributes.run_id ${pick(['IN', 'NOT IN'])} ('run_1', 'run_2', 'run_30')`,
        ]);
      return pick([
        "metrics.acc = 'x'",
        'params.lr = 1',
        "metrics.acc LIKE '1'",
        "attributes.colour = 'x'",
        "things.x = 'y'",
        'metrics.acc IS NULL',
        "attributes.status IN ('x')",
      ]);
    };
    const filters = Array.from({ length: 400 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 3) }, clause).join(pick([' AND ', ' and '])),
    );
    const orderKeys = [
      'metrics.acc',
      'metrics.loss',
      'params.lr',
      'params.act',
      'tags.team',
      'attributes.start_time',
      'attributes.run_name',
      'attributes.status',
    ];
    const orders = Array.from({ length: 100 }, () =>
      Array.from(
        { length: 1 + Math.floor(next() * 2) },
        () => `${pick(orderKeys)}${pick(['', ' ASC', ' DESC', ' asc'])}`,
      ),
    );

    const valueOf = (r: FakeRun, type: Clause['type'], key: string) => {
      if (type === 'metric') return r.metrics[key];
      if (type === 'parameter') return r.params[key];
      if (type === 'tag') return r.tags[key];
      return (r as unknown as Record<string, string | number>)[key];
    };
    const ours = (fn: () => FakeRun[]) => {
      try {
        return fn().map((r) => r.run_id);
      } catch (err) {
        return `ERROR ${(err as { errorCode?: string }).errorCode ?? String(err)}`;
      }
    };
    const natural = (a: FakeRun, b: FakeRun) => b.start_time - a.start_time || (a.run_id < b.run_id ? -1 : 1);
    const mine = {
      filters: filters.map((f) => ours(() => [...runs].filter((r) => matchesAll(r, parseSearchFilter(f), valueOf)))),
      orders: orders.map((o) =>
        ours(() =>
          sortBy(
            runs,
            o.map((c) => parseOrderBy(c)),
            valueOf,
            natural,
          ),
        ),
      ),
    };
    const child = spawn(mlflow as string, ['-c', DIFFERENTIAL], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end(JSON.stringify({ runs, filters, orders }));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    const theirs = JSON.parse(stdout) as typeof mine;
    const differences = [
      ...filters.map((f, i) => ({ filter: f, ours: mine.filters[i], mlflow: theirs.filters[i] })),
      ...orders.map((o, i) => ({ orderBy: o, ours: mine.orders[i], mlflow: theirs.orders[i] })),
    ].filter((d) => JSON.stringify(d.ours) !== JSON.stringify(d.mlflow));
    expect(differences.slice(0, 5)).toEqual([]);
    // The generated cases reach both outcomes: matches, and refusals.
    expect(theirs.filters.filter((f) => Array.isArray(f) && f.length > 0).length).toBeGreaterThan(100);
    expect(theirs.filters.filter((f) => typeof f === 'string').length).toBeGreaterThan(20);
    expect(new Set(theirs.filters.map((f) => JSON.stringify(f))).size).toBeGreaterThan(50);
    expect(new Set(theirs.orders.map((o) => JSON.stringify(o))).size).toBeGreaterThan(20);
  }, 120_000);
});
