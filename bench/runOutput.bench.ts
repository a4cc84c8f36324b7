// A run printing 200,000 lines finishes in at most 1.3x the time of the same script
// redirected to a file (median of 5, side by side).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { median, report } from './harness';
import { runBenchWorkspace, runToEnd } from './runFixture';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function main() {
  const { core, src, work, python } = await runBenchWorkspace(
    'output',
    'lines.py',
    'for i in range(200000):\n    print("line", i, "of the training log, with some text to make it realistic")\n',
  );
  const redirected: number[] = [];
  const benchtop: number[] = [];
  const terminal: number[] = [];
  const haveScript = fs.existsSync('/usr/bin/script');
  for (let i = 0; i < ROUNDS; i++) {
    const out = path.join(work, `redirect-${i}.log`);
    let start = process.hrtime.bigint();
    execFileSync('/bin/sh', ['-c', `"${python}" lines.py > "${out}"`], { cwd: src });
    redirected.push(Number(process.hrtime.bigint() - start) / 1e6);

    if (haveScript) {
      // The same script in a plain pseudo-terminal (util-linux `script`): what any terminal costs.
      start = process.hrtime.bigint();
      execFileSync('/usr/bin/script', ['-qfc', `"${python}" lines.py`, path.join(work, `tty-${i}.log`)], {
        cwd: src,
        stdio: 'ignore',
      });
      terminal.push(Number(process.hrtime.bigint() - start) / 1e6);
    }

    start = process.hrtime.bigint();
    const runId = await runToEnd(core, src, 'lines.py', 5);
    benchtop.push(Number(process.hrtime.bigint() - start) / 1e6);
    const log = core.runs.log(runId);
    if (!log.includes('line 199999')) throw new Error('the run log is missing lines');
  }
  report({
    bench: 'run-200k-lines',
    rounds: ROUNDS,
    redirectedMedianMs: median(redirected),
    benchtopMedianMs: median(benchtop),
    ratio: median(benchtop) / median(redirected),
    target: 1.3,
    ...(terminal.length
      ? { plainPtyMedianMs: median(terminal), benchtopVsPlainPty: median(benchtop) / median(terminal) }
      : {}),
  });
  core.close();
}

void main();
