import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/builds/buildLock';
import { type Core, openCore } from '../../src/main/core/core';
import { writeSettings } from '../../src/main/core/workspace/settings';
import type { QueueState } from '../../src/shared/api/sweepTypes';
import { BASE_IMAGE, dockerReady } from '../helpers/docker';
import { requireComponent, runCli, tempDir, waitUntil } from '../helpers/workspace';

// The queue owner against a pool with an engine that does not answer (nothing listens on port 1) beside the real
// local engine: runs wait or go elsewhere instead of being sent there to fail.

const DOWN = 'tcp://127.0.0.1:1';
const LOCAL = 'unix:///var/run/docker.sock';
let ready = false;
let workspace: string;
let core: Core;
let src: string;
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 120_000 });

async function submitPoolRun(): Promise<string> {
  const r = await cli(['--json', 'run', 'submit', '-d', src, '-s', 'hello.py', '-e', 'pool-health:1', '--pool']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { id: string }).id;
}

async function waitingReason(runId: string): Promise<string | null> {
  const r = await cli(['--json', 'queue']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as QueueState).entries.find((e) => e.runId === runId)?.waiting ?? null;
}

beforeAll(async () => {
  ready = requireComponent('Docker', await dockerReady());
  workspace = tempDir('bt-pool-health-');
  core = openCore(workspace);
  core.environments.register({
    name: 'pool-health',
    docker: { baseImage: BASE_IMAGE },
    python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
  });
  src = tempDir('bt-pool-health-src-');
  fs.writeFileSync(path.join(src, 'hello.py'), 'print("ran on the pool")\n');
}, 60_000);

afterAll(async () => {
  const pid = Number.parseInt(fs.readFileSync(path.join(workspace, 'queue', 'owner.lock'), 'utf8'), 10);
  if (pid && processAlive(pid)) process.kill(pid, 'SIGTERM');
  core?.close();
});

describe('the queue and pool engines that are down', () => {
  it('holds a pool run while its only engine does not answer, saying which and how to fix it', async (ctx) => {
    if (!ready) return ctx.skip();
    writeSettings(core.db, { dockerPool: [{ url: DOWN, slots: 1 }] });
    const id = await submitPoolRun();
    // The owner's first ping is out for a moment ("not answered yet"); then the refusal is what it reports.
    let reason: string | null = null;
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      reason = await waitingReason(id);
      if (reason && !reason.includes('not answered yet')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(reason).toMatch(
      /^no pool engine answers: tcp:\/\/127\.0\.0\.1:1 \(.+\); start dockerd there or remove it \(benchtop docker pool remove URL\)$/,
    );
    // Well past the owner's passes (every 20 ms to 1 s): still queued, never claimed, never failed.
    await new Promise((r) => setTimeout(r, 1500));
    const row = core.runs.store.get(id);
    expect(row?.status).toBe('Queued');
    expect(row?.queue_claimed_at).toBeNull();
    expect((await cli(['run', 'cancel', id])).code).toBe(0);
    expect(core.runs.store.get(id)?.status).toBe('Canceled');
  }, 60_000);

  it('sends pool runs to the engine that answers, none to the one that is down', async (ctx) => {
    if (!ready) return ctx.skip();
    writeSettings(core.db, {
      dockerPool: [
        { url: DOWN, slots: 2 },
        { url: LOCAL, slots: 2 },
      ],
    });
    const ids = [await submitPoolRun(), await submitPoolRun()];
    const final = ['Completed', 'Failed', 'Canceled'];
    await waitUntil(() => ids.every((id) => final.includes(core.runs.store.get(id)?.status ?? '')), 90_000);
    for (const id of ids) {
      const run = core.runs.get(id);
      expect(run.status, run.reason ?? '').toBe('Completed');
      expect(run.engine).toBe(LOCAL);
    }
  }, 120_000);
});
