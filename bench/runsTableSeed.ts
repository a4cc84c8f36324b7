import type Database from 'better-sqlite3';

/**
 * N finished runs of a learning-rate/batch sweep, straight into a workspace's SQLite in one transaction
 * (a real sweep of 10,000 runs would take hours): arguments `--lr X --batch Y --optimizer Z`, last values of
 * accuracy and loss, and a system/ metric the table must not show by default.
 */
export function seedSweepRuns(db: Database.Database, count: number, experiment = 'sweep', start = 0): void {
  const insert = db.prepare(
    `INSERT INTO runs(id, experiment, status, script, arguments, environment, build_key, target, source_dir,
       created_at, started_at, ended_at, exit_code, metrics, tags, display_name)
     VALUES (?, ?, ?, 'train.py', ?, 'Benchtop-Minimal:1', NULL, 'local', '/src', ?, ?, ?, 0, ?, '{}', ?)`,
  );
  const statuses = ['Completed', 'Completed', 'Failed'];
  db.transaction(() => {
    for (let i = start; i < start + count; i++) {
      const began = Date.UTC(2026, 0, 1) + i * 60_000;
      const lr = [0.001, 0.003, 0.01, 0.03, 0.1][i % 5] as number;
      const batch = [16, 32, 64, 128][i % 4] as number;
      const args = ['--lr', String(lr), '--batch', String(batch), '--optimizer', i % 2 ? 'adam' : 'sgd'];
      const accuracy = Number((0.5 + 0.4 * Math.sin(i) ** 2 - lr).toFixed(4));
      insert.run(
        `${experiment}_${i}`,
        experiment,
        statuses[i % 3],
        JSON.stringify(args),
        new Date(began).toISOString(),
        new Date(began).toISOString(),
        new Date(began + 1000 * (5 + (i % 50))).toISOString(),
        JSON.stringify({ accuracy, loss: Number((1 - accuracy).toFixed(4)), epoch: 10 + (i % 3), 'system/cpu': 50 }),
        `trial ${i}`,
      );
    }
  })();
}
