// A container run of a no-op script with the image cached: submit to Completed (target <= 1.5 s,
// median of BENCH_ROUNDS), next to `docker run --rm IMAGE python3 noop.py` by hand on the same engine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { benchDir, median, percentile, report } from './harness';
import { runToEnd } from './runFixture';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const BASE = process.env.BENCHTOP_TEST_BASE_IMAGE ?? 'benchtop/base:bookworm-python';

async function main() {
  const work = benchDir('container-run');
  const src = path.join(work, 'src');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'noop.py'), 'pass\n');
  const core = openCore(path.join(work, 'ws'));
  const { environment } = core.environments.register({
    name: 'bench-boxed',
    docker: { baseImage: BASE, arguments: [] },
    python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
  });
  const built = core.builds.start(environment.definition, 'bench-boxed:1', { backend: 'docker' });
  await core.jobs.get(built.job.id).done;
  const image = core.builds.ready(built.buildKey)?.image as string;
  core.runs.prewarm();
  await new Promise((r) => setTimeout(r, 1000));

  const benchtop: number[] = [];
  const byHand: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let start = process.hrtime.bigint();
    execFileSync(
      'docker',
      ['run', '--rm', '--init', '-v', `${src}:/src:ro`, '-w', '/src', image, '/usr/bin/python3', 'noop.py'],
      { stdio: 'ignore' },
    );
    byHand.push(Number(process.hrtime.bigint() - start) / 1e6);

    start = process.hrtime.bigint();
    await runToEnd(core, src, 'noop.py', 5, { environment: 'bench-boxed:1', target: 'docker' });
    benchtop.push(Number(process.hrtime.bigint() - start) / 1e6);
    await new Promise((r) => setTimeout(r, 700));
  }
  report({
    bench: 'container-run-noop',
    rounds: ROUNDS,
    benchtopMedianMs: median(benchtop),
    benchtopP95Ms: percentile(benchtop, 95),
    dockerRunMedianMs: median(byHand),
    ratio: median(benchtop) / median(byHand),
    targetMs: 1500,
  });
  core.close();
}

void main();
