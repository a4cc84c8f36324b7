// A workspace with 1,000 environment versions lists in at most 100 ms.
import { openCore } from '../src/main/core/core';
import { benchDir, median, percentile, report, timeMs } from './harness';

const core = openCore(benchDir('list'));
const registerAll = timeMs(() => {
  for (let name = 0; name < 100; name++) {
    for (let version = 0; version < 10; version++) {
      core.environments.register({
        name: `env-${String(name).padStart(3, '0')}`,
        environmentVariables: { RUN: String(version) },
        python: { condaDependencies: { dependencies: ['python=3.11', 'numpy', { pip: [`pkg-${version}==1.0`] }] } },
      });
    }
  }
});
const count = (core.db.prepare('SELECT COUNT(*) AS n FROM environments WHERE curated = 0').get() as { n: number }).n;
const list: number[] = [];
for (let i = 0; i < 20; i++) list.push(timeMs(() => core.environments.list()));
const versions: number[] = [];
for (let i = 0; i < 20; i++) versions.push(timeMs(() => core.environments.versions('env-050')));
report({
  bench: 'list-1000-versions',
  versions: count,
  runs: 20,
  medianMs: median(list),
  p95Ms: percentile(list, 95),
  targetMs: 100,
});
report({
  bench: 'versions-of-one-name',
  versions: 10,
  runs: 20,
  medianMs: median(versions),
  p95Ms: percentile(versions, 95),
});
report({ bench: 'register-1000', totalMs: registerAll, perRegistrationMs: registerAll / count });
core.close();
