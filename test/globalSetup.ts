import { RUN_MARKER, cleanupTestRun, runEnvironment, snapshotTestRun } from '../scripts/test-cleanup.mjs';

/**
 * Vitest started on its own (`npx vitest run ...`): the run gets its own temporary folder and
 * marker (scripts/test-cleanup.mjs), and what it leaves (processes, containers, new
 * `benchtop/env:*` images, temp files) is removed at the end. Under `npm test`, scripts/test.mjs
 * owns the run (it also cleans up after Ctrl-C, which skips this teardown), so this does nothing.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env[RUN_MARKER]) return undefined;
  const run = await snapshotTestRun();
  Object.assign(process.env, runEnvironment(run));
  return () => cleanupTestRun(run);
}
