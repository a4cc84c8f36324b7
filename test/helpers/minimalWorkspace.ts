import { expect } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { findInterpreters } from '../../src/main/core/python/interpreters';
import { requireComponent, tempDir } from './workspace';

/**
 * A new workspace (folder PREFIX*) with Benchtop-Minimal built, so every run the test submits starts from the
 * cache: its folder and a core opened on it. The build needs a Python that can make a venv (under CI=true its
 * absence fails).
 */
export async function workspaceWithMinimal(prefix: string): Promise<{ workspace: string; core: Core }> {
  requireComponent(
    'Python 3 with venv',
    (await findInterpreters()).some((i) => i.hasEnsurepip),
  );
  const workspace = tempDir(prefix);
  const core = openCore(workspace);
  const minimal = core.environments.get('Benchtop-Minimal');
  const started = core.builds.start(minimal.definition, 'Benchtop-Minimal:1', {});
  expect((await core.jobs.get(started.job.id).done).state).toBe('completed');
  return { workspace, core };
}
