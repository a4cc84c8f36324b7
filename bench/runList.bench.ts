// 10,000 runs: list and filter in at most 100 ms (median of 20 each).
import { openCore } from '../src/main/core/core';
import { benchDir, median, percentile, report, timeMs } from './harness';

const core = openCore(benchDir('runlist'));
const insert = core.db.prepare(
  `INSERT INTO runs(id, experiment, status, script, arguments, environment, build_key, target, source_dir, created_at, started_at, ended_at, exit_code, metrics, tags)
   VALUES (?, ?, ?, 'train.py', '[]', 'Benchtop-Minimal:1', NULL, 'local', '/src', ?, ?, ?, 0, ?, ?)`,
);
const statuses = ['Completed', 'Failed', 'Canceled'];
core.db.transaction(() => {
  for (let i = 0; i < 10_000; i++) {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    insert.run(
      `exp${i % 20}_${i}`,
      `exp${i % 20}`,
      statuses[i % 3],
      t,
      t,
      t,
      JSON.stringify({ accuracy: (i % 1000) / 1000, loss: 1 / (i + 1) }),
      JSON.stringify({ team: i % 2 ? 'a' : 'b' }),
    );
  }
})();
const cases: [string, Parameters<typeof core.runs.list>[0]][] = [
  ['newest 500', {}],
  ['one experiment', { experiment: 'exp7' }],
  ['status Failed', { status: 'Failed' }],
  ['tag team=a', { tag: 'team=a' }],
  ['accuracy > 0.9', { metric: { name: 'accuracy', op: '>', value: 0.9 } }],
  ['sort by accuracy', { sortMetric: 'accuracy' }],
  ['all 10,000 rows', { limit: 10_000 }],
];
for (const [name, query] of cases) {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) times.push(timeMs(() => core.runs.list(query)));
  report({
    bench: `run-list-10k: ${name}`,
    runs: 20,
    medianMs: median(times),
    p95Ms: percentile(times, 95),
    targetMs: 100,
  });
}
core.close();
