import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/builds/buildLock';
import type { Core } from '../../src/main/core/core';
import { writeSettings } from '../../src/main/core/workspace/settings';
import { workspaceWithMinimal } from '../helpers/minimalWorkspace';
import { runCli, tempDir, waitUntil } from '../helpers/workspace';

// A re-run takes the queue's fields (priority, resources, pool) like a submit, and `run show` tells a queued run's
// place in the queue and why it waits, through the built CLI and the real queue owner.

let workspace: string;
let core: Core;
let src: string;

beforeAll(async () => {
  ({ workspace, core } = await workspaceWithMinimal('bt-rerun-queue-'));
  // One run at a time, so a second one waits behind the first.
  writeSettings(core.db, { queueCpus: 4, queueMaxConcurrentRuns: 1 });
  src = tempDir('bt-rerun-queue-src-');
  fs.writeFileSync(path.join(src, 'sleep.py'), 'import sys, time\ntime.sleep(float(sys.argv[1]))\n');
}, 300_000);

afterAll(() => {
  const lock = path.join(workspace, 'queue', 'owner.lock');
  const pid = fs.existsSync(lock) ? Number.parseInt(fs.readFileSync(lock, 'utf8'), 10) : 0;
  if (pid && processAlive(pid)) process.kill(pid, 'SIGTERM');
  core?.close();
});

describe('queued runs: run show and re-run', () => {
  it('run show gives a queued run its position and reason; a re-run changes priority and resources', async () => {
    const blocker = core.runs.submit({ sourceDirectory: src, script: 'sleep.py', arguments: ['30'] });
    await waitUntil(() => core.runs.get(blocker.id).status === 'Running', 30_000);
    const waiting = core.runs.submit({
      sourceDirectory: src,
      script: 'sleep.py',
      arguments: ['0'],
      priority: 2,
      resources: { cpus: 2 },
    });

    const text = await runCli(['run', 'show', waiting.id], { workspace });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ {2}queue {8}position 1 in the queue: .+/m);
    const json = await runCli(['--json', 'run', 'show', waiting.id], { workspace });
    const shown = JSON.parse(json.stdout) as { queue: { position: number; waiting: string | null } };
    expect(shown.queue.position).toBe(1);
    expect(shown.queue.waiting).toMatch(/\S/);
    // A started run has no queue place.
    const running = JSON.parse((await runCli(['--json', 'run', 'show', blocker.id], { workspace })).stdout) as {
      queue: unknown;
    };
    expect(running.queue).toBeNull();

    // Re-run: a new priority goes ahead of the original; the CPUs asked are kept, the GPUs changed.
    const rerun = core.runs.rerun({ runId: waiting.id, priority: 9, resources: { gpus: 0 } });
    expect(rerun).toMatchObject({ status: 'Queued', priority: 9, resources: { cpus: 2, gpus: 0 } });
    const kept = core.runs.rerun({ runId: waiting.id });
    expect(kept).toMatchObject({ priority: 2, resources: { cpus: 2 } });
    const order = JSON.parse((await runCli(['--json', 'queue'], { workspace })).stdout) as {
      entries: { runId: string; position: number | null }[];
    };
    expect(order.entries.filter((e) => e.position !== null).map((e) => e.runId)).toEqual([
      rerun.id,
      waiting.id,
      kept.id,
    ]);
    // A re-run's resources are checked as a submit's are.
    expect(() => core.runs.rerun({ runId: waiting.id, resources: { cpus: 99 } })).toThrow(/CPU/);
    for (const id of [rerun.id, waiting.id, kept.id, blocker.id]) core.runs.cancel(id);
  }, 90_000);
});
