// Launch overhead on a cached environment: submit-to-exit of a no-op script vs running it
// directly (target: at most +150 ms, median of 20), and `mlflow run --env-manager local` when
// mlflow is available (BENCH_MLFLOW=/path/to/mlflow).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { median, percentile, report } from './harness';
import { runBenchWorkspace, runToEnd } from './runFixture';

const RUNS = Number(process.env.BENCH_ROUNDS ?? 20);

async function main() {
  const { core, src, work, python } = await runBenchWorkspace('launch', 'noop.py', 'pass\n');

  // As the app does at start: one supervisor started ahead (replaced after each submit).
  core.runs.prewarm();
  await new Promise((r) => setTimeout(r, 1000));
  const direct: number[] = [];
  const benchtop: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let start = process.hrtime.bigint();
    execFileSync(python, [path.join(src, 'noop.py')], { cwd: src });
    direct.push(Number(process.hrtime.bigint() - start) / 1e6);

    start = process.hrtime.bigint();
    await runToEnd(core, src, 'noop.py', 2);
    benchtop.push(Number(process.hrtime.bigint() - start) / 1e6);
    // A user does not submit the next run in the same millisecond; let the standby be replaced.
    await new Promise((r) => setTimeout(r, 700));
  }
  report({
    bench: 'run-launch-noop',
    runs: RUNS,
    directMedianMs: median(direct),
    benchtopMedianMs: median(benchtop),
    overheadMs: median(benchtop) - median(direct),
    p95Ms: percentile(benchtop, 95),
    targetOverheadMs: 150,
  });

  const mlflow = process.env.BENCH_MLFLOW;
  if (mlflow && fs.existsSync(mlflow)) {
    fs.writeFileSync(
      path.join(src, 'MLproject'),
      'name: noop\nentry_points:\n  main:\n    command: "python noop.py"\n',
    );
    const times: number[] = [];
    const env = {
      ...process.env,
      MLFLOW_TRACKING_URI: `file://${path.join(work, 'mlruns')}`,
      MLFLOW_ALLOW_FILE_STORE: 'true',
      PATH: `${path.dirname(mlflow)}${path.delimiter}${process.env.PATH}`,
    };
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      const r = spawnSync(mlflow, ['run', src, '--env-manager', 'local'], { env, stdio: 'pipe' });
      if (r.status !== 0) throw new Error(`mlflow run failed: ${r.stderr}`);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    report({
      bench: 'mlflow-run-noop',
      runs: RUNS,
      mlflowMedianMs: median(times),
      overheadMs: median(times) - median(direct),
      benchtopVsMlflow: median(benchtop) / median(times),
    });
  } else {
    report({ bench: 'mlflow-run-noop', skipped: 'set BENCH_MLFLOW to an mlflow executable' });
  }
  core.close();
}

void main();
