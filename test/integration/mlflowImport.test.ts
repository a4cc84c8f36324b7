import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MlflowImportSummary } from '../../src/shared/api/importTypes';
import { mlflowServerCommand } from '../helpers/mlflowServerVenv';
import { mlflowPython } from '../helpers/mlflowVenv';
import { CLI, ROOT, requireComponent, runCli, tempDir, waitUntil } from '../helpers/workspace';

/**
 * `benchtop import mlflow` (issue 14, build 4) against stores written by the real mlflow library:
 * what Benchtop shows afterwards (run list/show/metrics, run files, model list) is compared field
 * by field with what the library itself reads back from the same store. The tool environment the
 * import reads with is built here from the package index, as a user's first import builds it.
 */

const STORE_DRIVER = path.join(ROOT, 'test', 'python', 'mlflow_store.py');
const root = tempDir('bt-mlflow-import-');
const workspace = path.join(root, 'ws');
const project = path.join(root, 'project');
const store = path.join(project, 'mlruns');
let py: string | null = null;

interface LibraryRun {
  run_id: string;
  experiment: string;
  status: string;
  start_time: number;
  end_time: number | null;
  run_name: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, [number, number, number | string][]>;
  artifacts: string[];
}
interface LibraryView {
  experiments: string[];
  runs: LibraryRun[];
  models: {
    name: string;
    version: number;
    run_id: string | null;
    tags: Record<string, string>;
    model_tags: Record<string, string>;
    description: string | null;
    model_description: string | null;
    source: string;
    files: string[];
  }[];
}
interface BenchtopRun {
  id: string;
  experiment: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  displayName: string | null;
  parentRunId: string | null;
  tags: Record<string, string>;
  target: string;
}
interface BenchtopMetrics {
  scalars: Record<string, { step: number; value: number | string; t: number }[]>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

async function library(args: string[]): Promise<string> {
  const r = await runProcessText(py as string, [STORE_DRIVER, ...args]);
  return r;
}

function runProcessText(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${code}\n${err}`))));
  });
}

async function json<T>(args: string[], ws = workspace): Promise<T> {
  const r = await runCli(['--json', ...args], { workspace: ws, timeoutMs: 600_000 });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const STATUS: Record<string, string> = { FINISHED: 'Completed', FAILED: 'Failed', KILLED: 'Canceled' };
const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

/** The big store (12 runs, one of 100,000 points), written while the first tests run: awaited by the test that reads it. */
const big = path.join(root, 'big');
let bigStoreWritten: Promise<void> | null = null;
/**
 * The tracking server, started and written to (the same runs as the file store) while the first tests run: its
 * start is most of its test's time. Null: no `mlflow` command.
 */
let trackingServer: Promise<{ url: string; pid: number } | null> | null = null;

beforeAll(async () => {
  py = await mlflowPython();
  if (!requireComponent('the mlflow client from the package index', py !== null)) return;
  fs.mkdirSync(project, { recursive: true });
  // Started now, awaited where used: a failure fails that test (the catches only keep it from being unhandled meanwhile).
  // One chain beside the tests (server, then the big store): the tests' CLI processes use one core, it the other.
  trackingServer = startTrackingServer();
  trackingServer.catch(() => undefined);
  bigStoreWritten = trackingServer
    .catch(() => null)
    .then(() => library(['big', big, '12', '100000']))
    .then(() => undefined);
  bigStoreWritten.catch(() => undefined);
  await library(['write', store]);
}, 900_000);

afterAll(async () => {
  const server = await trackingServer?.catch(() => null);
  if (server) await stopGroup(server.pid);
  await bigStoreWritten?.catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
}, 60_000);

/** `mlflow server` on a free port of 127.0.0.1 with a SQLite store and its own artifact folder, answering and written to. */
async function startTrackingServer(): Promise<{ url: string; pid: number } | null> {
  // `mlflow server` comes with the full mlflow package (a venv of its own, cached; under CI=true it must be there).
  const mlflowServer = process.env.BENCHTOP_MLFLOW_SERVER ?? (await mlflowServerCommand());
  if (mlflowServer === null) return null;
  const dir = path.join(root, 'server');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const server = spawn(
    mlflowServer,
    [
      'server',
      '--backend-store-uri',
      `sqlite:///${dir}/mlflow.db`,
      '--artifacts-destination',
      path.join(dir, 'art'),
    ].concat(['--host', '127.0.0.1', '--port', String(port), '--workers', '1']),
    { detached: true, stdio: 'ignore' },
  );
  const started = { url: `http://127.0.0.1:${port}`, pid: server.pid as number };
  try {
    // Its start now shares the cores with the first tests' processes: a wider wait than alone.
    await waitForServer(`${started.url}/health`, 180_000);
    await library(['write', started.url]);
  } catch (err) {
    await stopGroup(started.pid);
    throw err;
  }
  return started;
}

describe('benchtop import mlflow', () => {
  it('refuses what is not an MLflow store, a server elsewhere and one that does not answer, writing nothing', async () => {
    const notStore = path.join(root, 'not-a-store');
    fs.mkdirSync(path.join(notStore, 'src'), { recursive: true });
    fs.writeFileSync(path.join(notStore, 'train.py'), 'print(1)\n');
    const empty = path.join(root, 'ws-refused');
    const bad = await runCli(['import', 'mlflow', notStore], { workspace: empty });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not an MLflow store: expected an mlruns\/ folder/);
    expect(bad.stderr).toMatch(/hint: /);

    const remote = await runCli(['import', 'mlflow', 'http://10.1.2.3:5000'], { workspace: empty });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/only from a tracking server on this machine, not 10\.1\.2\.3:5000/);

    const port = await freePort();
    const down = await runCli(['--json', 'import', 'mlflow', `http://127.0.0.1:${port}`], { workspace: empty });
    expect(down.code).toBe(2);
    const error = (JSON.parse(down.stdout) as { error: { message: string; hint: string } }).error;
    expect(error.message).toContain(`No MLflow tracking server answers at http://127.0.0.1:${port}`);
    expect(error.hint).toMatch(/mlflow server --host 127\.0\.0\.1/);

    const sqlite = await runCli(['import', 'mlflow', 'sqlite:///mlflow.db'], { workspace: empty });
    expect(sqlite.code).toBe(2);
    expect(sqlite.stderr).toMatch(/mlflow server --backend-store-uri sqlite:\/\/\/mlflow.db/);

    // Refused before anything was built or written.
    expect(fs.existsSync(path.join(empty, 'cache', 'tools'))).toBe(false);
    expect(fs.existsSync(path.join(empty, 'runs'))).toBe(false);
    expect(await json<unknown[]>(['run', 'list'], empty)).toEqual([]);
  });

  it('imports experiments, runs and model versions equal to what the mlflow library reads back', async (ctx) => {
    if (!py) return ctx.skip();
    const view = JSON.parse(await library(['view', store])) as LibraryView;
    const started = Date.now();
    const summary = await json<MlflowImportSummary>(['import', 'mlflow', project]);
    console.log(`first import (tool environment built from the index): ${Date.now() - started} ms`);
    expect(summary.source).toBe(`file://${fs.realpathSync(store)}`);
    expect(summary.mlflowVersion).toBe('3.17.2');
    expect(summary.runs).toEqual({ new: view.runs.length, updated: 0, unchanged: 0 });
    expect(summary.modelVersions).toEqual({ new: view.models.length, updated: 0, unchanged: 0 });
    expect(summary.notes.join('\n')).toContain('"eval set" is named "eval_set" here');

    await expectRunsAsLibrary(view);
    // Artifacts are the same bytes (a file and a folder).
    const parent = view.runs.find((r) => r.run_name === 'parent') as LibraryRun;
    const downloaded = path.join(root, 'download');
    await json(['run', 'download', parent.run_id, '-d', downloaded]);
    const artifactRoot = path.join(store, (await experimentIdOf(parent.run_id)) ?? '', parent.run_id, 'artifacts');
    for (const name of parent.artifacts)
      expect(fs.readFileSync(path.join(downloaded, 'files', 'uploads', name))).toEqual(
        fs.readFileSync(path.join(artifactRoot, name)),
      );

    await expectModelsAsLibrary(view, summary.source);
    // An MLflow 3 logged model is registered under its own name, linked to the run that logged it.
    const logged = await json<{ root: string; runId: string | null }>(['model', 'show', 'iris-logged:1']);
    expect(logged).toMatchObject({ root: 'clf', runId: parent.run_id });
  });

  it('imports nothing new the second time, and brings a run changed in the store up to date', async (ctx) => {
    if (!py) return ctx.skip();
    const again = await json<MlflowImportSummary>(['import', 'mlflow', store]);
    expect(again.runs.new + again.runs.updated).toBe(0);
    expect(again.modelVersions.new + again.modelVersions.updated).toBe(0);
    expect(again.items.filter((i) => i.kind !== 'experiment').every((i) => i.state === 'unchanged')).toBe(true);
    const before = await json<BenchtopRun[]>(['run', 'list', '--limit', '1000']);

    const view = JSON.parse(await library(['view', store])) as LibraryView;
    const parent = view.runs.find((r) => r.run_name === 'parent') as LibraryRun;
    await library(['add-metric', store, parent.run_id, 'loss', '0.125', '5']);
    const updated = await json<MlflowImportSummary>(['import', 'mlflow', store]);
    expect(updated.runs).toMatchObject({ new: 0, updated: 1 });
    expect(updated.items.find((i) => i.state === 'updated')?.source).toBe(parent.run_id);
    const metrics = await json<BenchtopMetrics>(['run', 'metrics', parent.run_id]);
    expect(metrics.scalars.loss?.at(-1)).toMatchObject({ step: 5, value: 0.125 });
    expect(metrics.scalars.loss).toHaveLength((parent.metrics.loss?.length ?? 0) + 1);
    expect((await json<BenchtopRun[]>(['run', 'list', '--limit', '1000'])).length).toBe(before.length);

    // A store the library cannot read (a damaged meta.yaml): its error, the fix, and nothing written.
    const damaged = path.join(root, 'damaged', 'mlruns');
    fs.mkdirSync(path.join(damaged, '3'), { recursive: true });
    fs.writeFileSync(path.join(damaged, '3', 'meta.yaml'), ':::not yaml[[');
    const refused = await runCli(['--json', 'import', 'mlflow', damaged], { workspace });
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      error: { code: 'UNSUPPORTED', message: expect.stringMatching(/MLflow 3\.17\.2 could not read the store/) },
    });
    expect((await json<BenchtopRun[]>(['run', 'list', '--limit', '1000'])).length).toBe(before.length);
  });

  it('imports from a tracking server on 127.0.0.1, artifacts through its mlflow-artifacts API', async (ctx) => {
    if (!py) return ctx.skip();
    const started = await trackingServer;
    if (!requireComponent('the full mlflow package (its server) from the package index', !!started)) return ctx.skip();
    const { url, pid } = started as { url: string; pid: number };
    try {
      const view = JSON.parse(await library(['view', url])) as LibraryView;
      const summary = await json<MlflowImportSummary>(['import', 'mlflow', url]);
      expect(summary.source).toBe(url);
      expect(summary.runs).toEqual({ new: view.runs.length, updated: 0, unchanged: 0 });
      await expectRunsAsLibrary(view);
      await expectModelsAsLibrary(view, url);
      const again = await json<MlflowImportSummary>(['import', 'mlflow', url]);
      expect(again.runs).toEqual({ new: 0, updated: 0, unchanged: view.runs.length });
    } finally {
      await stopGroup(pid);
    }
  }, 900_000);

  it('streams a run of 100,000 points; a kill -9 mid-import leaves no partial run and importing again completes', async (ctx) => {
    if (!py) return ctx.skip();
    await bigStoreWritten;
    const ws = path.join(root, 'ws-big');
    // The tool environment is the same content: taken from the first workspace's build, not built again.
    fs.mkdirSync(path.join(ws, 'cache'), { recursive: true });
    fs.cpSync(path.join(workspace, 'cache', 'tools'), path.join(ws, 'cache', 'tools'), { recursive: true });
    const child = spawn(process.execPath, [CLI, '--workspace', ws, 'import', 'mlflow', big], { stdio: 'ignore' });
    const runsDir = path.join(ws, 'runs');
    await waitUntil(() => fs.existsSync(runsDir) && fs.readdirSync(runsDir).length >= 2, 120_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const partial = await json<BenchtopRun[]>(['run', 'list', '--limit', '1000'], ws);
    expect(partial.length).toBeLessThan(12);
    for (const run of partial) {
      const metrics = await json<BenchtopMetrics>(['run', 'metrics', run.id], ws);
      expect(metrics.scalars.m?.length, run.displayName ?? run.id).toBe(run.displayName === 'run-0' ? 100_000 : 200);
    }
    const started = Date.now();
    const rest = await json<MlflowImportSummary>(['import', 'mlflow', big], ws);
    console.log(`import continued after kill -9: ${Date.now() - started} ms, ${rest.runs.new} runs new`);
    expect(rest.runs.new).toBe(12 - partial.length);
    expect(rest.runs.unchanged).toBe(partial.length);
    const all = await json<BenchtopRun[]>(['run', 'list', '--limit', '1000'], ws);
    expect(all).toHaveLength(12);
    const first = all.find((r) => r.displayName === 'run-0') as BenchtopRun;
    const metrics = await json<BenchtopMetrics>(['run', 'metrics', first.id], ws);
    expect(metrics.scalars.m).toHaveLength(100_000);
    expect(metrics.scalars.m?.[99_999]).toMatchObject({ step: 99_999, value: 49_999.5 });
    // The killed import's staging folder is gone; no folder is left without its run.
    expect(fs.readdirSync(path.join(ws, 'tmp')).filter((n) => n.startsWith('mlflow-import-'))).toEqual([]);
    expect(fs.readdirSync(runsDir).sort()).toEqual(all.map((r) => r.id).sort());
  });
});

/** Every run of the library's view, as Benchtop shows it: list, show, metrics (every point), files. */
async function expectRunsAsLibrary(view: LibraryView): Promise<void> {
  const listed = await json<BenchtopRun[]>(['run', 'list', '--limit', '1000']);
  const byId = new Map(listed.map((r) => [r.id, r]));
  for (const run of view.runs) {
    const mine = byId.get(run.run_id);
    expect(mine, run.run_name).toBeDefined();
    expect(mine).toMatchObject({
      experiment: run.experiment.replace(' ', '_'),
      status: STATUS[run.status],
      startedAt: iso(run.start_time),
      endedAt: iso(run.end_time),
      displayName: run.run_name,
      parentRunId: run.tags['mlflow.parentRunId'] ?? null,
      tags: run.tags,
      target: 'mlflow',
    });
    // Three separate CLI processes, started together (each is mostly Node's start-up).
    const [shown, metrics, files] = await Promise.all([
      json<BenchtopRun>(['run', 'show', run.run_id]),
      json<BenchtopMetrics>(['run', 'metrics', run.run_id]),
      json<string[]>(['run', 'files', run.run_id]),
    ]);
    expect(shown.tags).toEqual(run.tags);
    expect(metrics.params).toEqual(run.params);
    expect(Object.keys(metrics.scalars).sort()).toEqual(Object.keys(run.metrics).sort());
    for (const [key, points] of Object.entries(run.metrics)) {
      // In the order MLflow returns them (file order); the library's view is sorted, so sort the same way.
      const got = (metrics.scalars[key] ?? [])
        .map((p) => [p.step, Math.round(p.t * 1000), p.value] as [number, number, number | string])
        .sort(byStepTime);
      expect(got, `${run.run_name} ${key}`).toEqual(points);
    }
    expect(files.filter((f) => !f.startsWith('azureml-logs/'))).toEqual(run.artifacts);
  }
}

/** Every registered version of the library's view, as Benchtop's registry has it (imported from `source`). */
async function expectModelsAsLibrary(view: LibraryView, source: string): Promise<void> {
  const models = await json<
    {
      name: string;
      version: number;
      runId: string | null;
      tags: Record<string, string>;
      description: string | null;
      properties: Record<string, string>;
      fileCount: number;
    }[]
  >(['model', 'list']);
  for (const version of view.models) {
    const mine = models.find(
      (m) =>
        m.properties['mlflow.store'] === source &&
        m.properties['mlflow.modelVersion'] === `${version.name}/${version.version}`,
    );
    expect(mine, `${version.name} ${version.version}`).toBeDefined();
    expect(mine?.name).toBe(version.name);
    expect(mine?.tags).toEqual({ ...version.model_tags, ...version.tags });
    // The version's description, else the registered model's (Benchtop has one per version); empty is none.
    expect(mine?.description).toBe(version.description || version.model_description || null);
    expect(mine?.runId).toBe(version.run_id);
    expect(mine?.properties['mlflow.source']).toBe(version.source);
    // The same files as the library's own download of models:/NAME/VERSION, under one folder.
    const detail = await json<{ root: string; files: { path: string }[] }>([
      'model',
      'show',
      `${mine?.name}:${mine?.version}`,
    ]);
    expect(detail.files.map((f) => f.path.slice(detail.root.length + 1)).sort()).toEqual(version.files);
  }
}

async function experimentIdOf(runId: string): Promise<string | undefined> {
  for (const entry of fs.readdirSync(store))
    if (fs.existsSync(path.join(store, entry, runId, 'meta.yaml'))) return entry;
  return undefined;
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > end) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function byStepTime(a: [number, number, unknown], b: [number, number, unknown]): number {
  return a[0] - b[0] || a[1] - b[1] || String(a[2]).localeCompare(String(b[2]));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Stops a process group (mlflow server and its workers): SIGTERM, then SIGKILL if it is not gone in 10 s. */
async function stopGroup(pgid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pgid, 'SIGTERM');
  await waitUntil(() => !alive(), 10_000).catch(() => (alive() ? process.kill(-pgid, 'SIGKILL') : undefined));
}
