import fs from 'node:fs';
import path from 'node:path';
import { type Core, openCore } from '../src/main/core/core';
import { benchDir } from './harness';

/** A workspace with Benchtop-Minimal built and a source folder holding one script: what the run benches share. */
export async function runBenchWorkspace(
  name: string,
  script: string,
  source: string,
): Promise<{ core: Core; src: string; work: string; python: string }> {
  const work = benchDir(name);
  const src = path.join(work, 'src');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, script), source);
  const core = openCore(path.join(work, 'ws'));
  const minimal = core.environments.get('Benchtop-Minimal');
  const built = core.builds.start(minimal.definition, 'Benchtop-Minimal:1', {});
  await core.jobs.get(built.job.id).done;
  const python = core.builds.ready(built.buildKey)?.pythonPath;
  if (!python) throw new Error('Benchtop-Minimal did not build');
  return { core, src, work, python };
}

/** Submits a run and waits for its final status (polling SQLite as any other process would). */
export async function runToEnd(
  core: Core,
  src: string,
  script: string,
  pollMs: number,
  extra: { environment?: string; target?: 'local' | 'docker' } = {},
): Promise<string> {
  const run = core.runs.submit({ sourceDirectory: src, script, ...extra });
  for (;;) {
    const row = core.runs.store.get(run.id);
    if (row && ['Completed', 'Failed', 'Canceled'].includes(row.status)) {
      if (row.status !== 'Completed') throw new Error(`run ${run.id} ${row.status}: ${row.reason}`);
      return run.id;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
