// Queue overhead per run: time from submit to the script's first line through the run queue (the detached owner
// claims the run and hands it to its standby supervisor) vs the same run started directly (the old path:
// SupervisorLauncher.startFor with a standby supervisor, as the app did). Target: at most +50 ms (median).
import fs from 'node:fs';
import path from 'node:path';
import { SupervisorLauncher } from '../src/main/core/runs/supervisorLauncher';
import { ensureQueueOwner } from '../src/main/queue/ensureQueueOwner';
import { liveOwnerPid, tryAcquireOwnerLock } from '../src/main/queue/ownerLock';
import { median, percentile, report } from './harness';
import { runBenchWorkspace } from './runFixture';

const TRIALS = Number(process.env.BENCH_ROUNDS ?? 20);
// The script's first line records when it began (epoch ms), into the folder given.
const SCRIPT = 'import sys, time\nopen(sys.argv[1], "w").write(repr(time.time() * 1000))\n';

async function main() {
  // Two workspaces, trials alternating between them so both see the same machine load: in one this process holds
  // the owner lock and starts each run itself, as submit used to; in the other the queue owner does.
  const direct = await runBenchWorkspace('queue-overhead-direct', 'first.py', SCRIPT);
  const queued = await runBenchWorkspace('queue-overhead-queued', 'first.py', SCRIPT);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Submits, starts (via `start`, or the queue when null), waits for the run's end; ms from submit to line one. */
  async function trial(
    { core, src, work }: Awaited<ReturnType<typeof runBenchWorkspace>>,
    name: string,
    start: ((id: string) => void) | null,
  ): Promise<number> {
    const mark = path.join(work, `${name}.mark`);
    const submittedAt = Date.now();
    const run = core.runs.submit({ sourceDirectory: src, script: 'first.py', arguments: [mark] });
    start?.(run.id);
    for (;;) {
      const row = core.runs.store.get(run.id);
      if (row && ['Completed', 'Failed', 'Canceled'].includes(row.status)) {
        if (row.status !== 'Completed') throw new Error(`run ${run.id} ${row.status}: ${row.reason}`);
        break;
      }
      await sleep(5);
    }
    return Number(fs.readFileSync(mark, 'utf8')) - submittedAt;
  }

  const release = tryAcquireOwnerLock(direct.core.paths.root);
  if (!release) throw new Error('a queue owner is already running on the bench workspace');
  const launcher = new SupervisorLauncher(direct.core.paths.root);
  launcher.prewarm();
  const startDirectly = (id: string) => {
    direct.core.runs.store.claim(id, '{}', new Date().toISOString());
    direct.core.runs.store.update(id, { supervisor_pid: launcher.startFor(id) });
  };
  ensureQueueOwner(queued.core.paths.root);
  for (let i = 0; i < 50 && !liveOwnerPid(queued.core.paths.root); i++) await sleep(100);
  await trial(queued, 'warm-up', null);
  await sleep(1000);

  const directMs: number[] = [];
  const queuedMs: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    directMs.push(await trial(direct, `direct-${i}`, startDirectly));
    // A user does not submit the next run in the same millisecond; let the standby be replaced.
    await sleep(700);
    queuedMs.push(await trial(queued, `queued-${i}`, null));
    await sleep(700);
  }
  launcher.close();
  release();
  report({
    bench: 'queue-overhead',
    trials: TRIALS,
    directMedianMs: median(directMs),
    queuedMedianMs: median(queuedMs),
    overheadMs: median(queuedMs) - median(directMs),
    queuedP95Ms: percentile(queuedMs, 95),
    directP95Ms: percentile(directMs, 95),
    targetOverheadMs: 50,
  });
  const owner = liveOwnerPid(queued.core.paths.root);
  if (owner) process.kill(owner, 'SIGTERM');
  direct.core.close();
  queued.core.close();
}

void main();
