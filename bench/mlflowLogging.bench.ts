// MLflow logging speed, the same real client on both sides: 10,000 `mlflow.log_metric` calls and
// one `log_batch` of 10,000 metrics in a Benchtop run (the run's own tracking endpoint), and the
// same script against `mlflow server` with its SQLite backend on this machine (its defaults).
// Goals: the Benchtop loop <= 0.5x the mlflow server's; the log_batch <= 0.5 s.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { benchDir, machine, median, report } from './harness';
import { runToEnd } from './runFixture';

const ROOT = path.resolve(__dirname, '..');
/** The client: mlflow-skinny 3.17.2 (test/helpers/mlflowVenv.ts makes this venv). */
const CLIENT = path.join(ROOT, 'node_modules', '.cache', 'benchtop-mlflow-venv', 'bin', 'python');
/** The server to compare with: full mlflow 3.17.2. */
const MLFLOW = path.join(ROOT, '.bench-work', 'serving-venv', 'bin', 'mlflow');
const N = 10_000;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
/** mlflow server takes about 70 ms a call here (12 minutes for the loop): once unless asked. */
const MLFLOW_REPEATS = Number(process.env.BENCH_MLFLOW_REPEATS ?? 1);

const SCRIPT = `
import json, os, time
import mlflow
from mlflow.entities import Metric

N = ${N}
if not os.environ.get("BENCHTOP_RUN_ID"):
    mlflow.set_experiment("bench")
with mlflow.start_run() as run:
    mlflow.log_metric("warm-up", 0)  # the client's first request sets up its session: not timed
    started = time.perf_counter()
    for i in range(N):
        mlflow.log_metric("loss", i * 0.5, step=i)
    single = time.perf_counter() - started
    now = int(time.time() * 1000)
    metrics = [Metric("batched", i * 0.5, now, i) for i in range(N)]
    started = time.perf_counter()
    mlflow.MlflowClient().log_batch(run.info.run_id, metrics=metrics)
    batch = time.perf_counter() - started
print("RESULT " + json.dumps({"single": single, "batch": batch, "run": run.info.run_id}))
`;

interface Timing {
  single: number;
  batch: number;
  run: string;
}

const parse = (output: string): Timing => {
  const line = output.split(/\r?\n/).find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT line in:\n${output.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as Timing;
};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited (${child.exitCode})`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('mlflow server did not answer /health');
}

async function main(): Promise<void> {
  for (const file of [CLIENT, MLFLOW])
    if (!fs.existsSync(file)) throw new Error(`${file} is missing (see the header of bench/mlflowLogging.bench.ts)`);
  const work = benchDir('mlflow-logging');
  const src = path.join(work, 'src');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'log.py'), SCRIPT);

  // Benchtop: a user-managed environment on the client's venv, the script as a run.
  const core = openCore(path.join(work, 'ws'));
  const { environment } = core.environments.register({
    name: 'mlflow-client',
    python: { userManagedDependencies: true, interpreterPath: CLIENT },
  });
  const built = core.builds.start(environment.definition, 'mlflow-client:1', {});
  await core.jobs.get(built.job.id).done;
  const benchtop: Timing[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const runId = await runToEnd(core, src, 'log.py', 50, { environment: 'mlflow-client' });
    const timing = parse(core.runs.log(runId));
    const points = core.runs.metrics(runId).scalars;
    if (points.loss?.length !== N || points.batched?.length !== N)
      throw new Error(`the run has ${points.loss?.length} loss and ${points.batched?.length} batched points`);
    benchtop.push(timing);
  }
  core.close();

  // mlflow server, SQLite backend, its default workers.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(
    MLFLOW,
    [
      'server',
      '--backend-store-uri',
      `sqlite:///${path.join(work, 'mlflow.db')}`,
      '--default-artifact-root',
      path.join(work, 'mlflow-artifacts'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    { stdio: ['ignore', 'ignore', fs.openSync(path.join(work, 'mlflow-server.log'), 'a')], detached: true },
  );
  const mlflowServer: Timing[] = [];
  try {
    await waitForHealth(url, server);
    for (let i = 0; i < MLFLOW_REPEATS; i++) {
      const out = execFileSync(CLIENT, ['-c', SCRIPT], {
        env: { ...process.env, MLFLOW_TRACKING_URI: url },
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      });
      mlflowServer.push(parse(out));
    }
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  }

  const ours = median(benchtop.map((t) => t.single));
  const theirs = median(mlflowServer.map((t) => t.single));
  report({
    bench: 'mlflow-log-metric-10k',
    machine: machine(),
    runs: REPEATS,
    mlflowServerRuns: MLFLOW_REPEATS,
    benchtopS: ours,
    mlflowServerS: theirs,
    ratio: ours / theirs,
    benchtopPerCallMs: (ours / N) * 1000,
    mlflowServerPerCallMs: (theirs / N) * 1000,
    goalRatio: 0.5,
  });
  report({
    bench: 'mlflow-log-batch-10k',
    runs: REPEATS,
    benchtopS: median(benchtop.map((t) => t.batch)),
    mlflowServerS: median(mlflowServer.map((t) => t.batch)),
    goalS: 0.5,
  });
}

void main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
