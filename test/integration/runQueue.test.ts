import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/builds/buildLock';
import type { Core } from '../../src/main/core/core';
import { writeSettings } from '../../src/main/core/workspace/settings';
import type { QueueState } from '../../src/shared/api/sweepTypes';
import { workspaceWithMinimal } from '../helpers/minimalWorkspace';
import { runCli, tempDir, waitUntil } from '../helpers/workspace';

// The run queue against real processes: the CLI, the detached queue owner, run supervisors and Python scripts.

/** A script that records its own start (with the GPUs it sees), waits for `release` (if asked), then its end. */
const SCRIPT = `import json, os, sys, time
marks, name, hold = sys.argv[1], sys.argv[2], sys.argv[3] == "hold"
start = time.time()
print("CUDA_VISIBLE_DEVICES=" + str(os.environ.get("CUDA_VISIBLE_DEVICES")), flush=True)
with open(os.path.join(marks, name + ".start"), "w") as f:
    json.dump({"t": start, "cuda": os.environ.get("CUDA_VISIBLE_DEVICES"), "var": os.environ.get("QUEUE_VAR")}, f)
if hold:
    while not os.path.exists(os.path.join(marks, "release")):
        time.sleep(0.02)
else:
    time.sleep(1.0)
with open(os.path.join(marks, name + ".end"), "w") as f:
    json.dump({"t": time.time()}, f)
`;

let workspace: string;
let core: Core;
let src: string;
const FINAL = ['Completed', 'Failed', 'Canceled'];

const ownerPid = () => {
  try {
    return Number.parseInt(fs.readFileSync(path.join(workspace, 'queue', 'owner.lock'), 'utf8'), 10);
  } catch {
    return null;
  }
};

function marksDir(): string {
  return tempDir('bt-queue-marks-');
}

const readMark = (marks: string, name: string, end: 'start' | 'end') =>
  JSON.parse(fs.readFileSync(path.join(marks, `${name}.${end}`), 'utf8')) as {
    t: number;
    cuda?: string | null;
    var?: string | null;
  };

async function submitCli(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await runCli(['--json', 'run', 'submit', '-d', src, '-s', 'mark.py', ...args], { workspace, env });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { id: string }).id;
}

async function allFinal(ids: string[], timeoutMs = 60_000): Promise<void> {
  await waitUntil(() => ids.every((id) => FINAL.includes(core.runs.store.get(id)?.status ?? '')), timeoutMs);
}

async function queueState(env?: NodeJS.ProcessEnv): Promise<QueueState> {
  const r = await runCli(['--json', 'queue'], { workspace, env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as QueueState;
}

/** Stops the owner (as an idle exit would) so the next CLI call starts one with that call's environment. */
async function stopOwner(): Promise<void> {
  const pid = ownerPid();
  if (pid && processAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    await waitUntil(() => !processAlive(pid), 10_000);
  }
}

beforeAll(async () => {
  ({ workspace, core } = await workspaceWithMinimal('bt-queue-'));
  src = tempDir('bt-queue-src-');
  fs.writeFileSync(path.join(src, 'mark.py'), SCRIPT);
});

afterAll(async () => {
  await stopOwner();
  core?.close();
});

describe('the run queue', () => {
  it('never runs more than the CPU slots at once, and starts runs by priority, then submit order', async () => {
    writeSettings(core.db, { queueCpus: 2, queueMaxConcurrentRuns: null });
    const marks = marksDir();
    const names = ['a', 'b', 'c', 'd', 'e'];
    const submit = (name: string, priority?: number) =>
      core.runs.submit({ sourceDirectory: src, script: 'mark.py', arguments: [marks, name, 'go'], priority }).id;
    // a and b take the two slots; c, d and e queue behind them.
    const ids = [submit('a'), submit('b')];
    await waitUntil(() => fs.existsSync(path.join(marks, 'a.start')) && fs.existsSync(path.join(marks, 'b.start')));
    ids.push(submit('c'), submit('d'), submit('e'));
    // Submitted last, with a higher priority: it starts before c, d and e.
    ids.push(submit('urgent', 5));
    expect(core.runs.get(ids[5]!).priority).toBe(5);
    await allFinal(ids);
    for (const id of ids) expect(core.runs.get(id).status, core.runs.get(id).reason ?? '').toBe('Completed');
    const all = [...names, 'urgent'];
    const spans = all.map((name) => ({
      name,
      start: readMark(marks, name, 'start').t,
      end: readMark(marks, name, 'end').t,
    }));
    // Overlap measured from the scripts' own clocks: at each start, how many were running.
    const most = Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && o.end > s.start).length));
    expect(most).toBeLessThanOrEqual(2);
    expect(most).toBe(2);
    // The order is the queue owner's claims (one at a time, in its pick order): two runs claimed a few ms apart
    // can print their first line in either order, so the scripts' clocks do not tell it.
    const claims = core.db
      .prepare(`SELECT id FROM runs WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY queue_claimed_at, rowid`)
      .all(...ids) as { id: string }[];
    const order = claims.map((row) => all[ids.indexOf(row.id)]);
    expect(order.slice(0, 2).sort()).toEqual(['a', 'b']);
    expect(order.slice(2)).toEqual(['urgent', 'c', 'd', 'e']);
  });

  it('the app side emits queue.changed when another process submits, starts or ends a run', async () => {
    writeSettings(core.db, { queueCpus: 2 });
    const marks = marksDir();
    let changes = 0;
    const off = core.bus.on('queue.changed', () => changes++);
    // What the app and `serve` call at start.
    core.runs.prewarm();
    await new Promise((r) => setTimeout(r, 600));
    const before = changes;
    const id = await submitCli([marks, 'watched', 'go']);
    await allFinal([id]);
    await waitUntil(() => changes > before, 5_000);
    off();
  });

  it('a queued run canceled never starts: Canceled, no started time, its script never ran', async () => {
    writeSettings(core.db, { queueCpus: 1 });
    const marks = marksDir();
    const blocker = await submitCli([marks, 'blocker', 'hold']);
    const waiting = await submitCli([marks, 'never', 'go']);
    await waitUntil(() => fs.existsSync(path.join(marks, 'blocker.start')), 30_000);
    const state = await queueState();
    expect(state.entries.find((e) => e.runId === waiting)).toMatchObject({ position: 1, status: 'Queued' });
    expect(state.entries.find((e) => e.runId === waiting)?.waiting).toMatch(/waiting for 1 CPU slot: 1 of 1 in use/);

    const moved = await runCli(['--json', 'queue', 'priority', waiting, '3'], { workspace });
    expect(moved.code, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ runId: waiting, priority: 3, position: 1 });
    const started = await runCli(['queue', 'priority', blocker, '3'], { workspace });
    expect(started.code).not.toBe(0);
    expect(started.stderr).toMatch(/is not waiting in the queue .*started by the queue/);

    const cancel = await runCli(['--json', 'run', 'cancel', waiting], { workspace });
    expect(cancel.code, cancel.stderr).toBe(0);
    fs.writeFileSync(path.join(marks, 'release'), '');
    await allFinal([blocker, waiting]);
    // Give the queue time it would have needed to (wrongly) start it.
    await new Promise((r) => setTimeout(r, 1500));
    const run = core.runs.get(waiting);
    expect(run.status).toBe('Canceled');
    expect(run.startedAt).toBeNull();
    expect(run.reason).toMatch(/before it started/);
    expect(fs.existsSync(path.join(marks, 'never.start'))).toBe(false);
    expect(fs.existsSync(path.join(workspace, 'runs', waiting, 'output.log'))).toBe(false);
    expect(core.runs.get(blocker).status).toBe('Completed');
  });

  it('kill -9 of the queue owner loses no queued run: the next CLI call starts a new owner and they complete', async () => {
    writeSettings(core.db, { queueCpus: 1 });
    const marks = marksDir();
    const blocker = await submitCli([marks, 'blocker', 'hold']);
    const queued = [await submitCli([marks, 'q1', 'go']), await submitCli([marks, 'q2', 'go'])];
    await waitUntil(() => fs.existsSync(path.join(marks, 'blocker.start')), 30_000);
    const first = ownerPid()!;
    process.kill(first, 'SIGKILL');
    await waitUntil(() => !processAlive(first), 10_000);
    // The running run's supervisor is detached: it runs on; the queued ones wait, never marked lost.
    fs.writeFileSync(path.join(marks, 'release'), '');
    await waitUntil(() => core.runs.store.get(blocker)?.status === 'Completed', 30_000);
    await new Promise((r) => setTimeout(r, 1200));
    for (const id of queued) {
      core.runs.reconcile(id);
      expect(core.runs.store.get(id)?.status).toBe('Queued');
    }
    expect(fs.existsSync(path.join(marks, 'q1.start'))).toBe(false);

    const state = await queueState();
    expect(state.owner.alive).toBe(true);
    expect(state.owner.pid).not.toBe(first);
    await allFinal(queued);
    for (const id of queued) expect(core.runs.get(id).status).toBe('Completed');
  });

  it("a run sees its submitter's environment, not that of whoever started the queue owner", async () => {
    writeSettings(core.db, { queueCpus: 2 });
    await stopOwner();
    const marks = marksDir();
    const first = await submitCli([marks, 'first', 'go'], { QUEUE_VAR: 'from the first shell' });
    const second = await submitCli([marks, 'second', 'go'], { QUEUE_VAR: 'from the second shell' });
    await allFinal([first, second]);
    expect(readMark(marks, 'first', 'start').var).toBe('from the first shell');
    expect(readMark(marks, 'second', 'start').var).toBe('from the second shell');
    // Kept only while it waited: gone once its supervisor read it.
    expect(fs.existsSync(path.join(workspace, 'runs', second, 'submit-env.json'))).toBe(false);
  });

  it("a script's child run (--parent) starts inside its parent's slot: a parent waiting for it cannot deadlock", async () => {
    writeSettings(core.db, { queueCpus: 1 });
    const marks = marksDir();
    fs.writeFileSync(
      path.join(src, 'parent.py'),
      `import os, subprocess, sys
cli = [os.environ["BENCHTOP_NODE"], os.environ["BENCHTOP_CLI"]]
done = subprocess.run(cli + ["run", "submit", "-d", ".", "-s", "mark.py", "--parent", os.environ["AZUREML_RUN_ID"],
                             "--wait", sys.argv[1], "child", "go"])
sys.exit(done.returncode)
`,
    );
    const parent = await runCli(['--json', 'run', 'submit', '-d', src, '-s', 'parent.py', marks], { workspace });
    expect(parent.code, parent.stderr).toBe(0);
    const id = (JSON.parse(parent.stdout) as { id: string }).id;
    await allFinal([id], 60_000);
    expect(core.runs.get(id).status, core.runs.log(id)).toBe('Completed');
    const children = core.runs.store.children(id);
    expect(children.map((c) => c.status)).toEqual(['Completed']);
    expect(fs.existsSync(path.join(marks, 'child.end'))).toBe(true);
  });

  it('a corrupt resources column is skipped with the reason; the owner goes on with the others', async () => {
    writeSettings(core.db, { queueCpus: 1 });
    const marks = marksDir();
    const blocker = await submitCli([marks, 'blocker', 'hold']);
    const broken = await submitCli([marks, 'broken', 'go']);
    const fine = await submitCli([marks, 'fine', 'go']);
    core.db.prepare("UPDATE runs SET resources = '{not json' WHERE id = ?").run(broken);
    const state = await queueState();
    expect(state.entries.find((e) => e.runId === broken)?.waiting).toMatch(
      /^skipped: its resources column is not valid/,
    );
    fs.writeFileSync(path.join(marks, 'release'), '');
    await allFinal([blocker, fine]);
    expect(core.runs.get(fine).status).toBe('Completed');
    expect(processAlive(ownerPid()!)).toBe(true);
    expect(core.runs.get(broken).status).toBe('Queued');
    expect((await runCli(['run', 'cancel', broken], { workspace })).code).toBe(0);
    expect(core.runs.get(broken).status).toBe('Canceled');
  });

  it('GPUs (a fake nvidia-smi with 2): distinct CUDA_VISIBLE_DEVICES per run, a third waits, 3 asked is refused', async () => {
    writeSettings(core.db, { queueCpus: 4 });
    const bin = tempDir('bt-fake-gpu-');
    fs.writeFileSync(
      path.join(bin, 'nvidia-smi'),
      '#!/bin/sh\nprintf "0, NVIDIA H200, 143771\\n1, NVIDIA H200, 143771\\n"\n',
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    // GPUs are detected when the owner starts: this one starts from a CLI call with the fake first on PATH.
    await stopOwner();
    const marks = marksDir();
    const ids = [
      await submitCli([marks, 'g1', 'hold', '--gpus', '1'], env),
      await submitCli([marks, 'g2', 'hold', '--gpus', '1'], env),
      await submitCli([marks, 'g3', 'go', '--gpus', '1'], env),
    ];
    await waitUntil(
      () => fs.existsSync(path.join(marks, 'g1.start')) && fs.existsSync(path.join(marks, 'g2.start')),
      30_000,
    );
    const seen = [readMark(marks, 'g1', 'start').cuda, readMark(marks, 'g2', 'start').cuda];
    expect([...seen].sort()).toEqual(['0', '1']);

    const text = await runCli(['queue'], { workspace, env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/2 of 2 GPUs in use/);
    expect(text.stdout).toMatch(/waiting for 1 GPU: 2 of 2 in use/);
    const state = await queueState(env);
    expect(state.capacity.gpus.map((g) => g.name)).toEqual(['NVIDIA H200', 'NVIDIA H200']);
    expect(state.entries.find((e) => e.runId === ids[2])).toMatchObject({ position: 1, gpus: 1 });
    expect(fs.existsSync(path.join(marks, 'g3.start'))).toBe(false);

    const refused = await runCli(['run', 'submit', '-d', src, '-s', 'mark.py', '--gpus', '3', marks, 'x', 'go'], {
      workspace,
      env,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/asks for 3 GPUs, but this machine has 2/);
    expect(refused.stderr).toMatch(/--gpus 2/);

    fs.writeFileSync(path.join(marks, 'release'), '');
    await allFinal(ids);
    for (const id of ids) expect(core.runs.get(id).status).toBe('Completed');
    expect(['0', '1']).toContain(readMark(marks, 'g3', 'start').cuda);
    expect(core.runs.get(ids[2]!).assignedGpus).toHaveLength(1);
    await stopOwner();
  });
});
