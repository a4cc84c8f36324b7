import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job } from '../../src/shared/api/types';
import { type Core, openCore } from '../../src/main/core/core';
import { watchOtherProcessJobs } from '../../src/main/core/jobs/jobWatcher';
import { runCli, tempDir, waitUntil } from '../helpers/workspace';

// The served UI's core and a `benchtop env build` in a terminal: the UI learns of the CLI's build job
// (and its end) from the database, with no reload.
let workspace: string;
let core: Core;
let stop: () => void;
const events: Job[] = [];

beforeAll(() => {
  workspace = tempDir('bt-jobwatch-');
  core = openCore(workspace);
  core.bus.on('job.updated', (job) => events.push(job));
  stop = watchOtherProcessJobs(core.db, core.jobs, core.bus);
});
afterAll(() => {
  stop();
  core.close();
  fs.rmSync(workspace, { recursive: true, force: true });
});

it("announces a build another process runs, and its end, to this process's UI", async () => {
  const folder = tempDir('bt-jobwatch-env-');
  const definition = {
    name: 'cli-env',
    python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
  };
  fs.writeFileSync(path.join(folder, 'azureml_environment.json'), JSON.stringify(definition));
  expect((await runCli(['env', 'register', '-d', folder], { workspace })).code).toBe(0);
  expect(events).toEqual([]); // registering is not a job

  const built = await runCli(['env', 'build', '-n', 'cli-env'], { workspace });
  expect(built.code).toBe(0);
  await waitUntil(() => events.some((job) => job.kind === 'build' && job.state === 'completed'), 10_000);
  const build = events.find((job) => job.kind === 'build' && job.state === 'completed') as Job;
  expect(build.subject.environment).toBe('cli-env:1');
  // It is announced once per state, not on every later database change.
  const before = events.length;
  const other = { ...definition, name: 'other-env' };
  fs.writeFileSync(path.join(folder, 'azureml_environment.json'), JSON.stringify(other));
  expect((await runCli(['env', 'register', '-d', folder], { workspace })).code).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 1600));
  expect(events.filter((job) => job.id === build.id && job.state === 'completed')).toHaveLength(1);
  expect(events.length).toBe(before);
  // The jobs list answers it too, as the panel's first load does.
  expect(core.jobs.list().find((job) => job.id === build.id)?.state).toBe('completed');
  fs.rmSync(folder, { recursive: true, force: true });
});
