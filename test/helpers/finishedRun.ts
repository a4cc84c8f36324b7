import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '../../src/main/core/core';

/**
 * A finished local run written straight into a workspace (its row and its events.jsonl, as a run leaves them), for
 * specs and benchmarks about what shows a run: a real run's timing would only make the values less predictable.
 * `lines` are events.jsonl's lines, already JSON.
 */
export function writeFinishedRun(core: Core, id: string, experiment: string, lines: string[]): void {
  const t = new Date().toISOString();
  core.db
    .prepare(
      `INSERT INTO runs(id, experiment, status, script, arguments, environment, target, source_dir, created_at, started_at, ended_at, exit_code) VALUES (?, ?, 'Completed', 'train.py', '[]', 'Benchtop-Minimal:1', 'local', '/src', ?, ?, ?, 0)`,
    )
    .run(id, experiment, t, t, t);
  const runDir = core.paths.runDir(id);
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'events.jsonl'), `${lines.join('\n')}\n`);
}
