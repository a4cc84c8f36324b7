// 10,000 model versions (500 names x 20 versions): list and filter in at most 100 ms (median of 20 each).
import { openCore } from '../src/main/core/core';
import { benchDir, median, percentile, report, timeMs } from './harness';

const core = openCore(benchDir('modellist'));
core.db.transaction(() => {
  for (let i = 0; i < 10_000; i++) {
    const name = `model-${i % 500}`;
    const version = Math.floor(i / 500) + 1;
    core.models.store.insert(
      {
        name,
        description: null,
        framework: i % 3 ? 'ScikitLearn' : 'PyTorch',
        frameworkVersion: '1.5',
        tags: { stage: i % 10 === 0 ? 'prod' : 'dev', team: i % 2 ? 'a' : 'b' },
        properties: { auc: String((i % 100) / 100) },
        runId: `exp_${i}`,
        experiment: 'exp',
        environment: 'Benchtop-SKLearn:1',
        root: 'model.joblib',
        kind: 'file',
        size: 1000 + i,
        fileCount: 1,
        source: '/tmp/model.joblib',
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      },
      version,
      [{ path: 'model.joblib', size: 1000 + i, digest: i.toString(16).padStart(64, '0') }],
    );
  }
})();
const cases: [string, Parameters<typeof core.models.list>[0]][] = [
  ['all 10,000 versions', {}],
  ['latest of each name', { latest: true }],
  ['one name', { name: 'model-42' }],
  ['tag stage=prod', { tags: ['stage=prod'] }],
  ['tag key team + property auc=0.5', { tags: ['team'], properties: ['auc=0.5'] }],
  ['one run', { runId: 'exp_777' }],
  ['framework PyTorch, latest', { framework: 'PyTorch', latest: true }],
];
for (const [name, query] of cases) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 20; i++) times.push(timeMs(() => void (rows = core.models.list(query).length)));
  report({
    bench: `model-list-10k: ${name}`,
    runs: 20,
    rows,
    medianMs: median(times),
    p95Ms: percentile(times, 95),
    targetMs: 100,
  });
}
core.close();
