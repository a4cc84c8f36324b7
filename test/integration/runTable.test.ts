import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSweepRuns } from '../../bench/runsTableSeed';
import { openCore, type Core } from '../../src/main/core/core';
import { createTrackingServer, type TrackingServer } from '../../src/main/core/mlflow/trackingServer';
import { RunStore } from '../../src/main/core/runs/runStore';
import { runTable } from '../../src/main/core/runs/runTable';
import { MIGRATIONS } from '../../src/main/core/workspace/migrations';
import { WorkspacePaths } from '../../src/main/core/workspace/paths';
import { mlflowPython } from '../helpers/mlflowVenv';
import { requireComponent, tempDir } from '../helpers/workspace';

describe('runs.table against real SQLite', () => {
  let core: Core;
  beforeAll(() => {
    core = openCore(tempDir('bt-runtable-'));
    seedSweepRuns(core.db, 10_000);
    seedSweepRuns(core.db, 5, 'other');
  });
  afterAll(() => core.close());

  it('answers 10,000 runs with params, last metrics and every column name, fast', () => {
    const started = performance.now();
    const table = runTable(core.db, { experiment: 'sweep' });
    const ms = performance.now() - started;
    expect(table.total).toBe(10_000);
    expect(table.runs).toHaveLength(10_000);
    expect(table.paramKeys).toEqual(['batch', 'lr', 'optimizer']);
    expect(table.metricKeys).toEqual(['accuracy', 'epoch', 'loss', 'system/cpu']);
    const newest = table.runs[0];
    expect(newest).toMatchObject({
      runId: 'sweep_9999',
      displayName: 'trial 9999',
      status: 'Completed',
      params: { lr: '0.1', batch: '128', optimizer: 'adam' },
      duration: 5 + (9999 % 50),
    });
    expect(typeof newest?.metrics.accuracy).toBe('number');
    // Three statements, no per-run query: well inside a frame budget of a user's click.
    expect(ms).toBeLessThan(2000);
  });

  it('pages and filters by experiment', () => {
    const page = runTable(core.db, { experiment: 'sweep', limit: 50, offset: 100 });
    expect(page.runs.map((r) => r.runId).slice(0, 2)).toEqual(['sweep_9899', 'sweep_9898']);
    expect(page.total).toBe(10_000);
    const other = runTable(core.db, { experiment: 'other' });
    expect(other.total).toBe(5);
    expect(other.runs.every((r) => r.experiment === 'other')).toBe(true);
    expect(runTable(core.db, {}).total).toBe(10_005);
  });

  it('reads a malformed row as empty instead of failing the table', () => {
    core.db.prepare(`UPDATE runs SET arguments = 'not json', metrics = '[1]' WHERE id = 'other_0'`).run();
    const row = runTable(core.db, { experiment: 'other' }).runs.find((r) => r.runId === 'other_0');
    expect(row).toMatchObject({ params: {}, metrics: {} });
  });
});

const TOKEN = 'runtable-test-token-0123456789';

/** A finished local run's row, as RunStore.insert takes it: only what these tests look at differs. */
function completedRun(id: string, experiment: string, args: string[]) {
  return {
    id,
    experiment,
    status: 'Completed' as const,
    script: 'train.py',
    arguments: JSON.stringify(args),
    environment: '',
    build_key: null,
    target: 'local',
    source_dir: '',
    max_duration_s: null,
    created_at: new Date().toISOString(),
  };
}

describe('MLflow-logged params in runs.table', () => {
  let core: Core;
  let tracking: TrackingServer;
  let mlflow: string | null = null;
  beforeAll(async () => {
    mlflow = await mlflowPython();
    requireComponent('The mlflow client from the package index (test/helpers/mlflowVenv.ts)', mlflow !== null);
    core = openCore(tempDir('bt-runtable-mlflow-'));
    tracking = createTrackingServer({
      db: core.db,
      paths: core.paths,
      tokens: new Set([TOKEN]),
      runId: null,
      log: () => undefined,
    });
    await new Promise<void>((resolve) => tracking.server.listen(0, '127.0.0.1', resolve));
  }, 900_000);
  afterAll(async () => {
    await tracking?.close();
    core?.close();
  });

  it('shows params a script logged with the real mlflow client, and one logged over REST after the run ended', async (ctx) => {
    if (!mlflow) return ctx.skip();
    const script = `
import mlflow
mlflow.set_experiment("logged")
with mlflow.start_run() as run:
    mlflow.log_param("lr", 0.01)
    mlflow.log_params({"layers": 3, "act": "relu"})
    mlflow.log_metric("loss", 0.25)
print(run.info.run_id)
`;
    const { stdout } = await promisify(execFile)(mlflow, ['-c', script], {
      env: { ...process.env, MLFLOW_TRACKING_URI: `${tracking.url()}/${TOKEN}` },
      timeout: 120_000,
    });
    const runId = stdout.trim().split('\n').pop() ?? '';
    let table = runTable(core.db, { experiment: 'logged' });
    expect(table.runs).toHaveLength(1);
    expect(table.runs[0]).toMatchObject({
      runId,
      status: 'Completed',
      params: { lr: '0.01', layers: '3', act: 'relu' },
      metrics: { loss: 0.25 },
    });
    expect(table.paramKeys).toEqual(['act', 'layers', 'lr']);

    // MLflow lets a param be logged to a finished run; the column follows without a re-fold of the run.
    const response = await fetch(`${tracking.url()}/${TOKEN}/api/2.0/mlflow/runs/log-parameter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run_id: runId, key: 'late', value: 'yes' }),
    });
    expect(response.status).toBe(200);
    table = runTable(core.db, { experiment: 'logged' });
    expect(table.runs[0]?.params).toEqual({ lr: '0.01', layers: '3', act: 'relu', late: 'yes' });
    expect(table.paramKeys).toEqual(['act', 'late', 'layers', 'lr']);
    // The run list's summaries carry them too (the UI's table cells merge them over the command line's).
    expect(core.runs.list({ experiment: 'logged' }).runs[0]?.params).toEqual(table.runs[0]?.params);
  }, 120_000);
});

describe('params of runs from before the params column', () => {
  it('are filled once from the events file, in the background and by runs.table, touching no other column', async () => {
    const dir = tempDir('bt-runtable-backfill-');
    const paths = new WorkspacePaths(dir);
    // A workspace as the release before the column left it: every migration up to the params one.
    const before = MIGRATIONS.findIndex((sql) => sql.includes('runs_params_backfill'));
    fs.mkdirSync(path.dirname(paths.database), { recursive: true });
    const old = new Database(paths.database);
    for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    const store = new RunStore(old);
    store.insert(completedRun('old_logged', 'old', ['--lr', '0.1', '--epochs', '5']));
    store.insert(completedRun('old_plain', 'old', ['--seed', '7']));
    store.update('old_logged', { metrics: '{"loss":0.5}', tags: '{"team":"blue"}' });
    old.close();
    const lines = [
      ...Array.from({ length: 20_000 }, (_, i) => ({
        t: i,
        type: 'scalar',
        name: 'loss',
        value: 1 / (i + 1),
        step: i,
      })),
      { t: 1, type: 'params', params: { lr: '0.01', optimizer: 'adam' } },
      { t: 2, type: 'params', params: { lr: '0.5', données: 'é'.repeat(3000) } },
    ];
    fs.mkdirSync(paths.runDir('old_logged'), { recursive: true });
    fs.writeFileSync(
      path.join(paths.runDir('old_logged'), 'events.jsonl'),
      lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    );

    const core = openCore(dir);
    try {
      // The core's background pass fills it without anyone asking...
      const params = () =>
        (core.db.prepare("SELECT params FROM runs WHERE id = 'old_logged'").pluck().get() as string) ?? '';
      for (let i = 0; i < 100 && params() === '{}'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(JSON.parse(params())).toEqual({ lr: '0.01', optimizer: 'adam', données: 'é'.repeat(3000) });
      expect(core.db.prepare('SELECT COUNT(*) FROM runs_params_backfill').pluck().get()).toBe(0);
      const row = core.db.prepare("SELECT metrics, tags, arguments FROM runs WHERE id = 'old_logged'").get();
      expect(row).toEqual({
        metrics: '{"loss":0.5}',
        tags: '{"team":"blue"}',
        arguments: '["--lr","0.1","--epochs","5"]',
      });

      // ...and runs.table merges them with the command line's, the logged value winning a clash.
      const table = runTable(core.db, { experiment: 'old' }, { paths: core.paths });
      const logged = table.runs.find((r) => r.runId === 'old_logged');
      expect(logged?.params).toEqual({ lr: '0.01', epochs: '5', optimizer: 'adam', données: 'é'.repeat(3000) });
      expect(table.runs.find((r) => r.runId === 'old_plain')?.params).toEqual({ seed: '7' });
      expect(table.paramKeys).toEqual(['données', 'epochs', 'lr', 'optimizer', 'seed']);
    } finally {
      core.close();
    }
  });

  it('runs.table fills a queued run itself before answering', () => {
    const core = openCore(tempDir('bt-runtable-lazy-'));
    try {
      const store = new RunStore(core.db);
      store.insert(completedRun('queued', 'lazy', []));
      fs.mkdirSync(core.paths.runDir('queued'), { recursive: true });
      fs.writeFileSync(
        path.join(core.paths.runDir('queued'), 'events.jsonl'),
        '{"t":1,"type":"params","params":{"depth":"4"}}\n',
      );
      core.db.prepare("INSERT INTO runs_params_backfill(run_id) VALUES ('queued')").run();
      expect(runTable(core.db, { experiment: 'lazy' }).runs[0]?.params).toEqual({});
      expect(runTable(core.db, { experiment: 'lazy' }, { paths: core.paths }).runs[0]?.params).toEqual({ depth: '4' });
    } finally {
      core.close();
    }
  });
});
