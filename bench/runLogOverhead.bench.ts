// 100,000 `run.log` calls in a loop cost at most 2 s over the same loop without logging.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { benchDir, median, report } from './harness';

const RUNTIME = path.resolve(__dirname, '..', 'src', 'runtime');
const SCRIPT = `
import sys, time
from azureml.core.run import Run
run = Run.get_context()
N = 100000
start = time.perf_counter()
total = 0.0
for i in range(N):
    total += i * 0.5
plain = time.perf_counter() - start
start = time.perf_counter()
for i in range(N):
    run.log("loss", i * 0.5, step=i)
run.flush()
logged = time.perf_counter() - start
print(plain, logged)
`;

const dir = benchDir('runlog');
const overheads: number[] = [];
const logged: number[] = [];
for (let i = 0; i < 5; i++) {
  const events = path.join(dir, `events-${i}.jsonl`);
  const out = execFileSync('python3', ['-c', SCRIPT], {
    env: { ...process.env, PYTHONPATH: RUNTIME, BENCHTOP_RUN_ID: `bench-${i}`, BENCHTOP_RUN_EVENTS: events },
    encoding: 'utf8',
  });
  const [plain, withLog] = out.trim().split(' ').map(Number) as [number, number];
  overheads.push(withLog - plain);
  logged.push(withLog);
}
report({
  bench: 'run-log-100k',
  runs: 5,
  medianOverheadS: median(overheads),
  medianLoggedLoopS: median(logged),
  targetOverheadS: 2,
});
