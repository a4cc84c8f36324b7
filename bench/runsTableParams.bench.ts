// MLflow-logged params in the runs table (core side, no UI):
//  - runs.table over 10,000 runs that each logged 3 params (the params column, json_each for the names): <= 500 ms;
//  - the backfill of runs from before the params column: 1,000 runs whose events files hold 2,000 metric lines and
//    a params line each, filled by backfillParams (what the core's background pass and runs.table call), runs/s.
import fs from 'node:fs';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { backfillParams } from '../src/main/core/runs/paramsBackfill';
import { runTable } from '../src/main/core/runs/runTable';
import { benchDir, median, percentile, report, timeMs } from './harness';
import { seedSweepRuns } from './runsTableSeed';

const RUNS = 10_000;
const BACKFILL_RUNS = 1_000;
const METRIC_LINES = 2_000;

function tableBench(): void {
  const core = openCore(benchDir('runstable-params'));
  seedSweepRuns(core.db, RUNS, 'sweep');
  core.db
    .prepare(`UPDATE runs SET params = json_object('seed', CAST(rowid AS TEXT), 'act', 'relu', 'layers', '3')`)
    .run();
  const times = Array.from({ length: 10 }, () => timeMs(() => runTable(core.db, { experiment: 'sweep' })));
  report({
    bench: 'runs-table-10k-with-logged-params',
    runs: 10,
    medianMs: median(times),
    p95Ms: percentile(times, 95),
    targetMs: 500,
  });
  core.close();
}

function backfillBench(): void {
  const core = openCore(benchDir('runstable-backfill'));
  seedSweepRuns(core.db, BACKFILL_RUNS, 'old');
  const metrics = Array.from(
    { length: METRIC_LINES },
    (_, i) => `{"t":${i},"type":"scalar","name":"loss","value":${1 / (i + 1)},"step":${i}}\n`,
  ).join('');
  for (let i = 0; i < BACKFILL_RUNS; i++) {
    const dir = core.paths.runDir(`old_${i}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'events.jsonl'),
      `${metrics}{"t":1,"type":"params","params":{"seed":"${i}","act":"relu"}}\n`,
    );
  }
  const mb = (fs.statSync(path.join(core.paths.runDir('old_0'), 'events.jsonl')).size * BACKFILL_RUNS) / 2 ** 20;
  core.db.prepare('INSERT INTO runs_params_backfill(run_id) SELECT id FROM runs').run();
  let filled = 0;
  const ms = timeMs(() => {
    filled = backfillParams(core.db, core.paths, Number.POSITIVE_INFINITY).filled;
  });
  report({
    bench: 'params-backfill-1000-runs',
    runs: filled,
    totalMs: Math.round(ms),
    runsPerSecond: Math.round((filled / ms) * 1000),
    eventsMB: Math.round(mb),
  });
  core.close();
}

tableBench();
backfillBench();
