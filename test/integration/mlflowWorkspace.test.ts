import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowPython } from '../helpers/mlflowVenv';
import { exec, jsonIn, makeVenv, sdkInstall, writeNotebookConfig } from '../helpers/sdkVenv';
import { requireComponent, runCli, tempDir, waitUntil } from '../helpers/workspace';

/**
 * MLflow outside runs: a notebook's own Python logs interactive MLflow runs through the URI of
 * `benchtop mlflow-uri` (or Workspace.get_mlflow_tracking_uri()), with the real mlflow client from
 * the package index; the runs are Benchtop runs (run list, run metrics). The workspace's tracking
 * server is a real detached process: one per workspace however many start it, same URI after a
 * restart, stopped by --stop, gone after an idle time once no run it made is open.
 */

interface UriJson {
  uri: string;
  token: string;
  port: number;
  pid: number;
  started: boolean;
}

interface RunJson {
  id: string;
  experiment: string;
  status: string;
  reason: string | null;
  parentRunId: string | null;
  target: string;
  metrics: Record<string, unknown>;
  tags: Record<string, string>;
}

let mlflow: string | null = null;
const root = tempDir('bt-mlflow-ws-');
const workspace = path.join(root, 'ws');
const workspaces = [workspace];

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs Python code in the notebook's environment (no run variables): its stdout's last line as JSON. */
async function python<T>(interpreter: string, code: string): Promise<T> {
  const result = await exec(interpreter, ['-c', code], { cwd: root, timeoutMs: 120_000 });
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as T;
}

const uriOf = (ws = workspace) => jsonIn<UriJson>(ws, ['mlflow-uri']);

beforeAll(async () => {
  mlflow = await mlflowPython();
  requireComponent('The mlflow client from the package index (test/helpers/mlflowVenv.ts)', mlflow !== null);
}, 900_000);

afterAll(async () => {
  for (const ws of workspaces) await runCli(['mlflow-uri', '--stop'], { workspace: ws });
  fs.rmSync(root, { recursive: true, force: true });
});

describe('benchtop mlflow-uri: interactive MLflow runs from a plain Python', () => {
  it('logs an interactive run with a nested run; both are Benchtop runs with their metrics', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const { uri } = await uriOf();
    expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{48}$/);
    const ids = await python<{ parent: string; child: string; experiment: string }>(
      mlflow,
      `
import json, mlflow
mlflow.set_tracking_uri(${JSON.stringify(uri)})
experiment = mlflow.set_experiment("interactive")
with mlflow.start_run(run_name="notebook") as parent:
    mlflow.log_param("alpha", 0.5)
    for step in range(3):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.set_tag("team", "vision")
    with mlflow.start_run(run_name="fold-1", nested=True) as child:
        mlflow.log_metric("fold_acc", 0.75)
print(json.dumps({"parent": parent.info.run_id, "child": child.info.run_id, "experiment": experiment.experiment_id}))
`,
    );
    const runs = await jsonIn<RunJson[]>(workspace, ['run', 'list', '-x', 'interactive']);
    const parent = runs.find((r) => r.id === ids.parent);
    const child = runs.find((r) => r.id === ids.child);
    expect(parent, JSON.stringify(runs)).toBeDefined();
    expect(parent?.status).toBe('Completed');
    expect(parent?.metrics.loss).toBeCloseTo(1 / 3);
    expect(parent?.tags.team).toBe('vision');
    expect(child?.parentRunId).toBe(ids.parent);
    expect(child?.status).toBe('Completed');
    expect(child?.metrics.fold_acc).toBe(0.75);
    const metrics = await jsonIn<{ scalars: Record<string, { value: number; step?: number }[]> }>(workspace, [
      'run',
      'metrics',
      ids.parent,
    ]);
    expect(metrics.scalars.loss?.map((p) => p.value)).toEqual([1, 0.5, 1 / 3]);
  }, 180_000);

  it('Workspace.get_mlflow_tracking_uri() after `benchtop sdk install` gives the same URI, and MLflow logs through it', async (ctx) => {
    if (!mlflow) return ctx.skip();
    // A notebook venv with the SDK installed the documented way, and the cached mlflow client beside it (a .pth).
    const venvPython = await makeVenv(path.join(root, 'venv'));
    await sdkInstall(venvPython);
    const site = (await exec(venvPython, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])).stdout;
    const mlflowSite = (await exec(mlflow, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])).stdout;
    fs.writeFileSync(path.join(site.trim(), 'benchtop-test-mlflow.pth'), `${mlflowSite.trim()}\n`);
    const notebook = path.join(root, 'notebook');
    await writeNotebookConfig(workspace, notebook);
    const seen = await exec(
      venvPython,
      [
        '-c',
        `
import json, mlflow
from azureml.core import Workspace
ws = Workspace.from_config()
uri = ws.get_mlflow_tracking_uri()
mlflow.set_tracking_uri(uri)
mlflow.set_experiment("from-sdk")
with mlflow.start_run() as run:
    mlflow.log_metric("rmse", 0.25)
print(json.dumps({"uri": uri, "run": run.info.run_id}))
`,
      ],
      { cwd: notebook, timeoutMs: 120_000 },
    );
    expect(seen.code, seen.stderr).toBe(0);
    const answer = JSON.parse(seen.stdout.trim().split('\n').pop() as string) as { uri: string; run: string };
    expect(answer.uri).toBe((await uriOf()).uri);
    const run = await jsonIn<RunJson>(workspace, ['run', 'show', answer.run]);
    expect(run.experiment).toBe('from-sdk');
    expect(run.metrics.rmse).toBe(0.25);
  }, 300_000);

  it('starts one server for concurrent callers, keeps its URI across --stop and a restart, and fails runs it left open', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const ws = path.join(root, 'ws-concurrent');
    workspaces.push(ws);
    const answers = await Promise.all([1, 2, 3, 4].map(() => uriOf(ws)));
    expect(new Set(answers.map((a) => a.pid)).size).toBe(1);
    expect(new Set(answers.map((a) => a.uri)).size).toBe(1);
    expect(answers.filter((a) => a.started)).toHaveLength(1);
    const first = answers[0] as UriJson;
    const log = fs.readFileSync(path.join(ws, 'logs', 'mlflow-server.log'), 'utf8');
    expect(log.match(/listening on/g)).toHaveLength(1);

    // A run left open by a Python that died (killed before end_run).
    const open = await exec(
      mlflow,
      [
        '-c',
        `
import mlflow, os
mlflow.set_tracking_uri(${JSON.stringify(first.uri)})
run = mlflow.start_run()
mlflow.log_metric("partial", 1)
print(run.info.run_id, flush=True)
os._exit(0)
`,
      ],
      { timeoutMs: 120_000 },
    );
    expect(open.code, open.stderr).toBe(0);
    const openId = open.stdout.trim().split('\n').pop() as string;
    expect((await jsonIn<RunJson>(ws, ['run', 'show', openId])).status).toBe('Running');

    const stopped = await jsonIn<{ stopped: boolean; pid: number }>(ws, ['mlflow-uri', '--stop']);
    expect(stopped).toEqual({ stopped: true, pid: first.pid });
    expect(alive(first.pid)).toBe(false);
    const left = await jsonIn<RunJson>(ws, ['run', 'show', openId]);
    expect(left.status).toBe('Failed');
    expect(left.metrics.partial).toBe(1);
    expect((await jsonIn<{ stopped: boolean }>(ws, ['mlflow-uri', '--stop'])).stopped).toBe(false);

    // A restart takes the same port and token: the URI a notebook holds keeps working.
    const again = await uriOf(ws);
    expect(again.started).toBe(true);
    expect(again.pid).not.toBe(first.pid);
    expect(again.uri).toBe(first.uri);
    const env = await runCli(['mlflow-uri', '--env'], { workspace: ws });
    expect(env.stdout.trim()).toBe(`export MLFLOW_TRACKING_URI='${first.uri}'`);
    // The state file, which holds the token, is the owner's only.
    expect(fs.statSync(path.join(ws, 'mlflow-server.json')).mode & 0o077).toBe(0);
  }, 180_000);

  it('exits after its idle time only once no run it made is open', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const ws = path.join(root, 'ws-idle');
    workspaces.push(ws);
    const started = await runCli(['--json', 'mlflow-uri'], { workspace: ws, env: { BENCHTOP_MLFLOW_IDLE_S: '1' } });
    expect(started.code, started.stderr).toBe(0);
    const server = JSON.parse(started.stdout) as UriJson;
    const call = async (name: string, body: unknown) => {
      const response = await fetch(`${server.uri}/api/2.0/mlflow/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { run: { info: { run_id: string } } };
    };
    const created = await call('runs/create', { experiment_id: '0', start_time: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(alive(server.pid), 'it exited with a run still open').toBe(true);
    await call('runs/update', { run_id: created.run.info.run_id, status: 'FINISHED', end_time: Date.now() });
    await waitUntil(() => !alive(server.pid), 10_000);
    expect(fs.readFileSync(path.join(ws, 'logs', 'mlflow-server.log'), 'utf8')).toMatch(
      /idle for 1 s with no open run/,
    );
  }, 60_000);
});
