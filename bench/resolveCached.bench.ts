// Resolving an unchanged environment to its cached build (target: median of 20 <= 50 ms).
import { openCore } from '../src/main/core/core';
import { benchDir, median, percentile, report, timeMs } from './harness';

async function main() {
  const core = openCore(benchDir('resolve'));
  const { environment } = core.environments.register({
    name: 'bench-resolve',
    python: { condaDependencies: { dependencies: ['python'] } },
  });
  const first = core.builds.start(environment.definition, 'bench-resolve:1', { backend: 'venv' });
  const done = await core.jobs.get(first.job.id).done;
  if (done.state !== 'completed') throw new Error(`the build to resolve failed: ${done.error?.message}`);

  // What `env build` / a run does for an unchanged environment: look it up, hash it, find the published build.
  const resolve: number[] = [];
  for (let i = 0; i < 20; i++) {
    resolve.push(
      timeMs(() => {
        const record = core.environments.get('bench-resolve');
        const { buildKey } = core.builds.keyFor(record.definition, 'venv');
        if (!core.builds.ready(buildKey)) throw new Error('not cached');
      }),
    );
  }
  // The whole cached `builds.start` call, including its (already finished) job.
  const start: number[] = [];
  for (let i = 0; i < 20; i++) {
    start.push(
      timeMs(() => {
        const record = core.environments.get('bench-resolve');
        if (!core.builds.start(record.definition, 'bench-resolve:1', { backend: 'venv' }).cached)
          throw new Error('not cached');
      }),
    );
  }
  report({
    bench: 'resolve-cached',
    runs: 20,
    medianMs: median(resolve),
    p95Ms: percentile(resolve, 95),
    targetMs: 50,
  });
  report({
    bench: 'build-start-cached',
    runs: 20,
    medianMs: median(start),
    p95Ms: percentile(start, 95),
    targetMs: 50,
  });
  core.close();
}

void main();
