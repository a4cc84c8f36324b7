import fs from 'node:fs';
import path from 'node:path';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/builds/buildLock';
import type { SweepDetail, SweepSummary } from '../../src/shared/api/sweepTypes';
import { type ServeProcess, startServeProcess } from '../helpers/serveProcess';
import { workspaceWithMinimal } from '../helpers/minimalWorkspace';
import { callApi, connectApi } from '../helpers/ws';
import { runCli, tempDir } from '../helpers/workspace';

// Issue 13's "the sweep view shows its trials live", in `benchtop serve`: the queue owner (another process) updates a
// running trial's primary value; serve must tell its browser with sweeps.changed alone, since a metric logged to
// events.jsonl makes no run.updated or queue.changed there.

/** One trial that logs acc = 0.1, 0.2, ... 0.6, half a second apart. */
const SCRIPT = `import time
from azureml.core import Run
run = Run.get_context()
for i in range(1, 7):
    run.log("acc", i / 10)
    time.sleep(0.5)
`;

let workspace: string;
let serve: ServeProcess;
let ws: WebSocket;

beforeAll(async () => {
  const made = await workspaceWithMinimal('bt-sweep-live-');
  workspace = made.workspace;
  // Closed before serve starts: the serve process is the workspace's only core in this test.
  made.core.close();
  serve = await startServeProcess(workspace);
  ws = await connectApi(serve.port, `?token=${serve.token}`);
}, 300_000);

afterAll(async () => {
  ws?.close();
  await serve?.stop();
  const lock = path.join(workspace, 'queue', 'owner.lock');
  const pid = fs.existsSync(lock) ? Number.parseInt(fs.readFileSync(lock, 'utf8'), 10) : 0;
  if (pid && processAlive(pid)) process.kill(pid, 'SIGTERM');
});

describe('a sweep seen from serve', () => {
  it("updates a running trial's primary value live, from sweeps.changed alone", async () => {
    // The sweep view's first read (as the UI does on opening the Sweeps list).
    expect((await callApi(ws, 'sweeps.list', {})).ok).toBe(true);
    const src = tempDir('bt-sweep-live-src-');
    fs.writeFileSync(path.join(src, 'curve.py'), SCRIPT);
    fs.writeFileSync(
      path.join(src, 'sweep.yml'),
      'sampling: {type: grid, parameter_space: {--unused: choice(1)}}\nprimary_metric: {name: acc, goal: maximize}\n',
    );
    const seen: { status: string; value: number | null }[] = [];
    let sweepId = '';
    let reads = Promise.resolve();
    ws.on('message', (raw: WebSocket.RawData) => {
      const message = JSON.parse(raw.toString()) as { event?: string; payload?: { sweepId?: string } };
      // Only sweeps.changed makes this reader look again: no run.updated or queue.changed is needed.
      if (message.event !== 'sweeps.changed') return;
      if (message.payload?.sweepId !== sweepId) return;
      // What the sweep view does on the event: read the sweep again.
      reads = reads.then(async () => {
        const detail = (await callApi(ws, 'sweeps.get', { sweepId })).value as SweepDetail;
        const trial = detail.trials[0];
        if (trial) seen.push({ status: trial.status, value: trial.primaryValue });
      });
    });
    const submitted = await runCli(
      ['--json', 'sweep', 'submit', '-f', path.join(src, 'sweep.yml'), '-d', src, '-s', 'curve.py'],
      {
        workspace,
      },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    sweepId = (JSON.parse(submitted.stdout) as SweepSummary).id;
    const end = Date.now() + 60_000;
    while (!seen.some((s) => s.status === 'Completed') && Date.now() < end)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await reads;
    // While the trial ran, the view got growing values of acc (six logged 0.5 s apart; the queue owner stores the
    // primary value on its 1 s tick and serve's watcher reports it within 0.5 s, so about one value a second).
    const whileRunning = [...new Set(seen.filter((s) => s.status === 'Running').map((s) => s.value))].filter(
      (v) => v !== null,
    );
    expect(whileRunning.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(2);
    expect(whileRunning).toEqual([...whileRunning].sort((a, b) => (a as number) - (b as number)));
    expect(seen.at(-1)).toMatchObject({ status: 'Completed', value: 0.6 });
    // Canceling a sweep that has ended changes nothing, and says so.
    const late = await runCli(['sweep', 'cancel', sweepId], { workspace });
    expect(late.stdout).toContain(`Sweep ${sweepId} had already ended (Completed): nothing to cancel.`);
  }, 90_000);
});
