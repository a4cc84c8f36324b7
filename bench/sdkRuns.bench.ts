// Runs from the notebook (the Python SDK), on a workspace whose environment is built:
// - exp.submit(ScriptRunConfig) returns within 0.5 s (median of BENCH_ROUNDS submits);
// - wait_for_completion(show_output=True) shows a line within 0.2 s of the script printing it
//   (plain print(), no flush: the run's stdout is block-buffered and flushed every 50 ms);
// - run.get_metrics() of a run with 10,000 points within 0.2 s.
// The Python side is src/runtime on PYTHONPATH with the CLI named (what `benchtop sdk install` records).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { report } from './harness';
import { runBenchWorkspace } from './runFixture';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'benchtop.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const SCRIPTS: Record<string, string> = {
  'noop.py': 'pass\n',
  'marks.py': 'import time\nfor i in range(10):\n    print("MARK", repr(time.time()))\n    time.sleep(0.5)\n',
  'points.py':
    'from azureml.core import Run\nrun = Run.get_context()\nfor i in range(10000):\n    run.log("loss", 1.0 / (i + 1), step=i)\n',
};

const DRIVER = `
import json, statistics, sys, time
from azureml.core.experiment import Experiment
from azureml.core.script_run_config import ScriptRunConfig
from azureml.core.workspace import Workspace

rounds = int(sys.argv[1])
ws = Workspace.from_config()
exp = Experiment(ws, "bench-sdk")
results = {}

submit = []
for _ in range(rounds):
    started = time.perf_counter()
    run = exp.submit(ScriptRunConfig(source_directory="src", script="noop.py"))
    submit.append(time.perf_counter() - started)
    run.wait_for_completion()
results["submit"] = submit


class Marks(object):
    """sys.stdout during the stream: when each MARK line arrives, against the time the script printed it."""

    def __init__(self):
        self.lags, self.buffer = [], ""

    def write(self, text):
        now = time.time()
        self.buffer += text
        while "\\n" in self.buffer:
            line, self.buffer = self.buffer.split("\\n", 1)
            if line.startswith("MARK "):
                self.lags.append(now - float(line.split()[1]))

    def flush(self):
        pass


run = exp.submit(ScriptRunConfig(source_directory="src", script="marks.py"))
marks, real = Marks(), sys.stdout
sys.stdout = marks
try:
    run.wait_for_completion(show_output=True)
finally:
    sys.stdout = real
results["lags"] = marks.lags

run = exp.submit(ScriptRunConfig(source_directory="src", script="points.py"))
run.wait_for_completion()
reads = []
for _ in range(rounds):
    started = time.perf_counter()
    metrics = run.get_metrics()
    reads.append(time.perf_counter() - started)
assert len(metrics["loss"]) == 10000, len(metrics["loss"])
results["metrics"] = reads
print("RESULTS " + json.dumps(results))
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main() {
  const { core, src, work } = await runBenchWorkspace('sdk-runs', 'noop.py', SCRIPTS['noop.py'] as string);
  for (const [name, text] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(src, name), text);
  const workspace = core.paths.root;
  core.close();
  execFileSync(process.execPath, [CLI, '--workspace', workspace, 'workspace', 'config', '-d', work]);
  fs.writeFileSync(path.join(work, 'driver.py'), DRIVER);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PYTHONPATH: path.join(ROOT, 'src', 'runtime'),
    BENCHTOP_NODE: process.execPath,
    BENCHTOP_CLI: CLI,
  };
  delete env.BENCHTOP_WORKSPACE;
  const ran = spawnSync('python3', ['driver.py', String(ROUNDS)], { cwd: work, env, encoding: 'utf8' });
  const line = ran.stdout.split('\n').find((l) => l.startsWith('RESULTS '));
  if (ran.status !== 0 || !line) throw new Error(`driver failed:\n${ran.stdout}\n${ran.stderr}`);
  const r = JSON.parse(line.slice(8)) as { submit: number[]; lags: number[]; metrics: number[] };
  const ms = (values: number[]) => values.map((v) => Number((v * 1000).toFixed(1)));
  report({
    bench: 'sdk-submit',
    rounds: ROUNDS,
    medianMs: median(ms(r.submit)),
    maxMs: Math.max(...ms(r.submit)),
    targetMs: 500,
  });
  report({
    bench: 'sdk-stream-latency',
    lines: r.lags.length,
    medianMs: median(ms(r.lags)),
    maxMs: Math.max(...ms(r.lags)),
    targetMs: 200,
  });
  report({
    bench: 'sdk-get-metrics-10000',
    rounds: ROUNDS,
    medianMs: median(ms(r.metrics)),
    maxMs: Math.max(...ms(r.metrics)),
    targetMs: 200,
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
