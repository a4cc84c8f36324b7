import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/builds/buildLock';
import type { Core } from '../../src/main/core/core';
import { writeSettings } from '../../src/main/core/workspace/settings';
import { parseSpace } from '../../src/main/core/sweeps/parameterSpace';
import { sampleRandom } from '../../src/main/core/sweeps/randomSampler';
import { tickSweeps } from '../../src/main/core/sweeps/sweepDriver';
import type { SubmitSweep, SweepDetail, SweepSummary } from '../../src/shared/api/sweepTypes';
import { workspaceWithMinimal } from '../helpers/minimalWorkspace';
import { ROOT, requireComponent, runCli, tempDir, waitUntil } from '../helpers/workspace';

// HyperDrive sweeps against real processes: the CLI, the detached queue owner (which drives the sweeps), run
// supervisors and a Python script that logs a synthetic learning curve from its arguments.

/**
 * acc at step i of n is quality * lr * i / n: a curve whose order between trials is known from the arguments.
 * It records its own start and end (its clock) and its arguments in --marks, for concurrency and argument checks.
 */
const SCRIPT = `import argparse, json, os, sys, time
from azureml.core import Run
p = argparse.ArgumentParser()
p.add_argument("--marks")
p.add_argument("--quality", type=float, default=1.0)
p.add_argument("--lr", type=float, default=1.0)
p.add_argument("--bs", type=int, default=16)
p.add_argument("--steps", type=int, default=3)
p.add_argument("--pause", type=float, default=0.05)
p.add_argument("--metric", default="acc")
a = p.parse_args()
run = Run.get_context()
mark = os.path.join(a.marks, run.id)
with open(mark + ".start", "w") as f:
    json.dump({"t": time.time(), "argv": sys.argv[1:]}, f)
for i in range(1, a.steps + 1):
    time.sleep(a.pause)
    if a.metric == "acc":
        run.log("acc", a.quality * a.lr * i / a.steps)
    else:
        run.log("loss", 1.0 / i)
        run.log("lr", a.lr)
with open(mark + ".end", "w") as f:
    json.dump({"t": time.time()}, f)
`;

let workspace: string;
let core: Core;
let src: string;
let marks: string;

const ownerPid = () => {
  try {
    return Number.parseInt(fs.readFileSync(path.join(workspace, 'queue', 'owner.lock'), 'utf8'), 10);
  } catch {
    return null;
  }
};

function sweepFile(body: string): string {
  const file = path.join(tempDir('bt-sweep-file-'), 'sweep.yml');
  fs.writeFileSync(file, body);
  return file;
}

/** `benchtop --json ARGS` (STDIN piped in: `sweep submit --config-json -` gets the SubmitSweep as the Python SDK sends it). */
async function cli(args: string[], stdin?: string): Promise<{ code: number; json: unknown; stderr: string }> {
  const r = await runCli(['--json', ...args], { workspace, stdin });
  return { code: r.code, json: r.stdout ? (JSON.parse(r.stdout) as unknown) : null, stderr: r.stderr };
}

/** `sweep submit -f FILE` of curve.py from the test's source folder; `script` goes to every trial after --marks. */
function submitFileArgs(file: string, options: { flags?: string[]; script?: string[] } = {}): string[] {
  const submit = ['sweep', 'submit', '-f', file, '-d', src, '-s', 'curve.py', ...(options.flags ?? [])];
  return options.script ? [...submit, '--', '--marks', marks, ...options.script] : submit;
}

async function waitForSweep(id: string, timeoutMs = 60_000): Promise<SweepDetail> {
  await waitUntil(
    () => ['Completed', 'Failed', 'Canceled'].includes(core.sweeps.store.get(id)?.status ?? ''),
    timeoutMs,
  );
  const r = await cli(['sweep', 'show', id]);
  expect(r.code, r.stderr).toBe(0);
  return r.json as SweepDetail;
}

/** The most trials running at once, from the scripts' own start and end times. */
function mostAtOnce(runIds: string[]): number {
  const spans = runIds.map((id) => ({
    start: (JSON.parse(fs.readFileSync(path.join(marks, `${id}.start`), 'utf8')) as { t: number }).t,
    end: (JSON.parse(fs.readFileSync(path.join(marks, `${id}.end`), 'utf8')) as { t: number }).t,
  }));
  return Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && o.end > s.start).length));
}

const argvOf = (runId: string) =>
  (JSON.parse(fs.readFileSync(path.join(marks, `${runId}.start`), 'utf8')) as { argv: string[] }).argv;

beforeAll(async () => {
  ({ workspace, core } = await workspaceWithMinimal('bt-sweeps-'));
  writeSettings(core.db, { queueCpus: 4 });
  src = tempDir('bt-sweeps-src-');
  fs.writeFileSync(path.join(src, 'curve.py'), SCRIPT);
  marks = tempDir('bt-sweeps-marks-');
});

afterAll(async () => {
  const pid = ownerPid();
  if (pid && processAlive(pid)) process.kill(pid, 'SIGTERM');
  core?.close();
});

describe('sweeps through the CLI', () => {
  it('random sampling from a v1 sweep file: 6 trials in range, 2 at a time, the best by the primary metric', async () => {
    const file = sweepFile(`
sampling:
  type: random
  parameter_space:
  - name: --lr
    expression: uniform
    values: [0.1, 1]
  - name: --bs
    expression: choice
    values: [16, 32, 64]
primary_metric_name: acc
primary_metric_goal: maximize
max_total_runs: 6
max_concurrent_runs: 2
`);
    const r = await runCli(
      // 0.9 s of logging each: long enough that two trials overlap on a busy machine.
      ['--json', ...submitFileArgs(file, { flags: ['--wait'], script: ['--pause', '0.3'] })],
      { workspace, timeoutMs: 90_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const ended = JSON.parse(r.stdout) as SweepSummary;
    expect(ended.status).toBe('Completed');
    expect(ended.id).toMatch(/^HD_[0-9a-f-]{36}$/);
    const detail = await waitForSweep(ended.id);
    expect(detail.trials.map((t) => t.runId)).toEqual([0, 1, 2, 3, 4, 5].map((n) => `${ended.id}_${n}`));
    for (const t of detail.trials) {
      expect(t.status).toBe('Completed');
      const lr = t.params['--lr'] as number;
      expect(lr).toBeGreaterThanOrEqual(0.1);
      expect(lr).toBeLessThan(1);
      expect([16, 32, 64]).toContain(t.params['--bs']);
      // The script got them as --name value, after the template's own arguments.
      expect(argvOf(t.runId)).toEqual([
        '--marks',
        marks,
        '--pause',
        '0.3',
        '--lr',
        String(lr),
        '--bs',
        String(t.params['--bs']),
      ]);
      // acc's best is its last value: quality 1 * lr * 3/3.
      expect(t.primaryValue).toBeCloseTo(lr, 9);
      expect(t.steps).toBe(3);
      expect(JSON.parse(core.runs.get(t.runId).tags.hyperparameters as string)).toEqual(t.params);
    }
    expect(mostAtOnce(detail.trials.map((t) => t.runId))).toBe(2);
    const best = detail.trials.reduce((a, b) => ((b.primaryValue ?? 0) > (a.primaryValue ?? 0) ? b : a));
    expect(detail.bestRunId).toBe(best.runId);
    const bestCli = await cli(['sweep', 'best', ended.id]);
    expect((bestCli.json as { trial: { runId: string } }).trial.runId).toBe(best.runId);
    // The parent run: HyperDrive's type, tags and the best child in its properties.
    const parent = core.runs.get(ended.id);
    expect(parent).toMatchObject({ status: 'Completed', runType: 'hyperdrive', target: 'sweep', children: 6 });
    expect(JSON.parse(parent.tags._aml_system_generator_config as string)).toMatchObject({ name: 'RANDOM' });
    expect(JSON.parse(parent.tags[`_aml_system_${best.runId}`] as string)).toEqual(best.params);
    expect(parent.properties).toMatchObject({ best_child_run_id: best.runId, runTemplate: 'HyperDrive' });
    // The same seed samples the same trials.
    expect(detail.seed).toBe(ended.seed);
  });

  it('grid sampling from --config-json: every point once, in order', async () => {
    const body: SubmitSweep = {
      run: { sourceDirectory: src, script: 'curve.py', arguments: ['--marks', marks] },
      sampling: { type: 'grid', parameterSpace: { '--lr': ['choice', [[0.2, 0.4]]], '--bs': ['choice', [[16, 32]]] } },
      primaryMetric: { name: 'acc', goal: 'maximize' },
      maxConcurrentRuns: 4,
    };
    const r = await cli(['sweep', 'submit', '--config-json', '-'], JSON.stringify(body));
    expect(r.code, r.stderr).toBe(0);
    const detail = await waitForSweep((r.json as SweepSummary).id);
    expect(detail.status).toBe('Completed');
    expect(detail.trials.map((t) => t.params)).toEqual([
      { '--lr': 0.2, '--bs': 16 },
      { '--lr': 0.2, '--bs': 32 },
      { '--lr': 0.4, '--bs': 16 },
      { '--lr': 0.4, '--bs': 32 },
    ]);
    expect(detail.bestValue).toBeCloseTo(0.4, 9);
  });

  it('BanditPolicy terminates the trials that fall behind, and only them', async () => {
    // All four run at once, 8 logs 0.25 s apart; at interval N the best is 1.0 * N/8, the cutoff best / 1.2:
    // quality 0.9 stays within it, 0.3 and 0.2 fall below at the first interval evaluated (>= delay 2).
    const body: SubmitSweep = {
      run: {
        sourceDirectory: src,
        script: 'curve.py',
        arguments: ['--marks', marks, '--steps', '8', '--pause', '0.25'],
      },
      sampling: { type: 'grid', parameterSpace: { '--quality': ['choice', [[1.0, 0.3, 0.9, 0.2]]] } },
      policy: { type: 'bandit', slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 2 },
      primaryMetric: { name: 'acc', goal: 'maximize' },
      maxConcurrentRuns: 4,
    };
    // This process reads sweeps (as the app's sweep view does), so it reports what the queue owner changes.
    core.sweeps.list(undefined, 1);
    const events: string[] = [];
    const off = core.bus.on('sweeps.changed', (e) => events.push(e.sweepId));
    const r = await cli(['sweep', 'submit', '--config-json', '-'], JSON.stringify(body));
    expect(r.code, r.stderr).toBe(0);
    const detail = await waitForSweep((r.json as SweepSummary).id);
    await new Promise((resolve) => setTimeout(resolve, 600));
    off();
    // Trials added, metrics logged, trials stopped, the end: several changes, each reported.
    expect(events.filter((id) => id === detail.id).length).toBeGreaterThanOrEqual(3);
    const byQuality = (q: number) => detail.trials.find((t) => t.params['--quality'] === q)!;
    for (const q of [1.0, 0.9])
      expect(byQuality(q)).toMatchObject({ status: 'Completed', earlyTerminated: false, steps: 8 });
    for (const q of [0.3, 0.2]) {
      const t = byQuality(q);
      expect(t).toMatchObject({ status: 'Canceled', earlyTerminated: true });
      expect(t.steps).toBeLessThan(8);
      expect(core.runs.get(t.runId).reason).toMatch(/^Early terminated by BanditPolicy at interval \d+: best acc /);
    }
    expect(detail.status).toBe('Completed');
    expect(detail.counts).toMatchObject({ completed: 2, earlyTerminated: 2 });
    expect(detail.bestRunId).toBe(byQuality(1.0).runId);

    // The race Azure settles the same way: the policy marks a trial that then ends on its own before the cancel
    // lands. It reads Completed (not "Completed (early terminated)"), and the next tick drops the mark and reason.
    const raced = byQuality(0.9);
    core.sweeps.store.updateTrial(detail.id, raced.n, { early_terminated: 1 });
    core.runs.store.update(raced.runId, { reason: 'Early terminated by BanditPolicy at interval 3: best acc 0.3' });
    const shown = (await cli(['sweep', 'show', detail.id])).json as SweepDetail;
    expect(shown.trials.find((t) => t.n === raced.n)).toMatchObject({ status: 'Completed', earlyTerminated: false });
    expect(shown.counts).toMatchObject({ completed: 2, earlyTerminated: 2 });
    core.sweeps.store.update(detail.id, { status: 'Running' });
    await tickSweeps(core);
    expect(core.sweeps.store.trials(detail.id).find((t) => t.n === raced.n)?.early_terminated).toBe(0);
    expect(core.runs.get(raced.runId).reason).toBeNull();
    expect(core.sweeps.store.get(detail.id)?.status).toBe('Completed');
  });

  it('cancel stops every child: running ones are canceled, no new trial starts, the parent ends Canceled', async () => {
    const file = sweepFile(`
sampling: {type: random, parameter_space: {--lr: "uniform(0.1, 1)"}}
primary_metric: {name: acc, goal: maximize}
max_total_runs: 6
max_concurrent_runs: 2
`);
    const r = await cli(submitFileArgs(file, { script: ['--steps', '200', '--pause', '0.1'] }));
    expect(r.code, r.stderr).toBe(0);
    const id = (r.json as SweepSummary).id;
    await waitUntil(
      () => fs.existsSync(path.join(marks, `${id}_0.start`)) && fs.existsSync(path.join(marks, `${id}_1.start`)),
      60_000,
    );
    const canceled = await cli(['sweep', 'cancel', id]);
    expect(canceled.code, canceled.stderr).toBe(0);
    const detail = await waitForSweep(id);
    expect(detail.status).toBe('Canceled');
    // Two ran; the ones queued behind them (one per slot) never started.
    const submitted = detail.trials.length;
    expect(submitted).toBeLessThanOrEqual(4);
    for (const t of detail.trials) expect(t.status).toBe('Canceled');
    const started = detail.trials.filter((t) => fs.existsSync(path.join(marks, `${t.runId}.start`)));
    expect(started.map((t) => t.n)).toEqual([0, 1]);
    for (const t of detail.trials.slice(2)) expect(t.startedAt).toBeNull();
    expect(core.runs.get(id).status).toBe('Canceled');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(core.sweeps.store.trials(id)).toHaveLength(submitted);
  });

  it('a killed queue owner loses nothing: the next read restarts it and the sweep goes on, sampling the same', async () => {
    const body: SubmitSweep = {
      run: { sourceDirectory: src, script: 'curve.py', arguments: ['--marks', marks, '--pause', '0.15'] },
      sampling: { type: 'random', parameterSpace: { '--lr': ['uniform', [0.1, 1]] } },
      primaryMetric: { name: 'acc', goal: 'maximize' },
      maxTotalRuns: 4,
      maxConcurrentRuns: 1,
    };
    const r = await cli(['sweep', 'submit', '--config-json', '-'], JSON.stringify(body));
    expect(r.code, r.stderr).toBe(0);
    const { id, seed } = r.json as SweepSummary;
    await waitUntil(() => fs.existsSync(path.join(marks, `${id}_0.start`)), 60_000);
    const first = ownerPid()!;
    process.kill(first, 'SIGKILL');
    await waitUntil(() => !processAlive(first), 10_000);
    const show = await cli(['sweep', 'show', id]);
    expect(show.code, show.stderr).toBe(0);
    const detail = await waitForSweep(id);
    expect(ownerPid()).not.toBe(first);
    expect(detail.status).toBe('Completed');
    expect(detail.trials.map((t) => [t.n, t.status])).toEqual([0, 1, 2, 3].map((n) => [n, 'Completed']));
    // Each trial's values are a function of (seed, n) alone, whichever owner sampled it.
    const space = parseSpace(body.sampling.parameterSpace);
    for (const t of detail.trials) expect(t.params).toEqual(sampleRandom(space, seed, t.n));
  });

  it('a primary metric the script never logs: the sweep says so, with the names it did log', async () => {
    const body: SubmitSweep = {
      run: { sourceDirectory: src, script: 'curve.py', arguments: ['--marks', marks, '--metric', 'loss'] },
      sampling: { type: 'random', parameterSpace: { '--lr': ['choice', [[0.5]]] } },
      primaryMetric: { name: 'acc', goal: 'maximize' },
      maxTotalRuns: 1,
    };
    const r = await cli(['sweep', 'submit', '--config-json', '-'], JSON.stringify(body));
    expect(r.code, r.stderr).toBe(0);
    const detail = await waitForSweep((r.json as SweepSummary).id);
    expect(detail.message).toBe(`The primary metric "acc" was not logged by ${detail.id}_0; it logged: loss, lr`);
    expect(detail.bestRunId).toBeNull();
  });

  it("refuses bad sweeps at submit with Azure's wording, writing nothing", async () => {
    const before = core.sweeps.store.list(undefined, 1000).length;
    const grid = sweepFile(`
sampling: {type: grid, parameter_space: [{name: --lr, expression: uniform, values: [0.1, 1]}]}
primary_metric_name: acc
primary_metric_goal: maximize
`);
    const refused = await cli(submitFileArgs(grid));
    expect(refused.code).toBe(2);
    expect(refused.json).toMatchObject({
      error: { code: 'BAD_INPUT', message: 'This sampling method expects only the following distributions: [choice]' },
    });
    const bayesianWithPolicy = await cli(
      ['sweep', 'submit', '--config-json', '-'],
      JSON.stringify({
        run: { sourceDirectory: src, script: 'curve.py' },
        sampling: { type: 'bayesian', parameterSpace: { '--lr': ['uniform', [0.1, 1]] } },
        policy: { type: 'median' },
        primaryMetric: { name: 'acc', goal: 'maximize' },
        maxTotalRuns: 4,
      }),
    );
    expect((bayesianWithPolicy.json as { error: { message: string } }).error.message).toBe(
      'Bayesian sampling does not support early termination policies.',
    );
    const reversed = sweepFile(`
sampling: {type: random, parameter_space: {--lr: "uniform(1, 0.1)"}}
primary_metric: {name: acc, goal: maximize}
max_total_runs: 2
`);
    const text = await runCli(submitFileArgs(reversed), { workspace });
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('error: uniform expects min_value < max_value');
    expect(text.stderr).toContain('hint: Swap the bounds (parameter "--lr"): uniform(0.1, 1).');
    const tooMany = await cli(
      ['sweep', 'submit', '--config-json', '-'],
      JSON.stringify({
        run: { sourceDirectory: src, script: 'curve.py' },
        sampling: { type: 'random', parameterSpace: { '--lr': ['uniform', [0.1, 1]] } },
        primaryMetric: { name: 'acc', goal: 'maximize' },
        maxTotalRuns: 1001,
      }),
    );
    expect(tooMany.json).toMatchObject({
      error: {
        code: 'BAD_INPUT',
        message: 'HyperDriveConfig expects max_total_runs to be an integer between 1 and 1000.',
      },
    });
    expect(core.sweeps.store.list(undefined, 1000)).toHaveLength(before);
  });
});

describe('Bayesian sampling (Optuna in a tool environment)', () => {
  const bayesian = (maxTotalRuns: number): string =>
    JSON.stringify({
      run: { sourceDirectory: src, script: 'curve.py', arguments: ['--marks', marks] },
      sampling: {
        type: 'bayesian',
        parameterSpace: {
          '--lr': ['uniform', [0.1, 1]],
          '--bs': ['choice', [[16, 32]]],
          '--steps': ['quniform', [2, 4, 1]],
        },
      },
      primaryMetric: { name: 'acc', goal: 'maximize' },
      maxTotalRuns,
      maxConcurrentRuns: 2,
    } satisfies SubmitSweep);

  it('offline without the wheels: refused at submit with the fix (random and grid above need no Optuna)', async () => {
    writeSettings(core.db, { offline: true });
    try {
      const r = await cli(['sweep', 'submit', '--config-json', '-'], bayesian(4));
      expect(r.code).toBe(1);
      const error = (r.json as { error: { code: string; message: string; hint: string } }).error;
      expect(error.code).toBe('PACKAGE_UNAVAILABLE');
      expect(error.message).toMatch(/^Bayesian sampling needs Optuna, which cannot be installed here/);
      expect(error.hint).toMatch(/benchtop wheel add wheels\/optuna-\*\.whl/);
    } finally {
      writeSettings(core.db, { offline: false });
    }
  });

  it('suggests every trial with TPE, told the finished ones: counts and ranges', async () => {
    // The optuna tool environment is built once per machine (~35 s from the index) and copied into later
    // workspaces, as a workspace copied whole keeps its tools (a tool's venv is used through bin/python only).
    const cache = path.join(ROOT, 'node_modules', '.cache', 'benchtop-sweep-tools');
    const tools = path.join(workspace, 'cache', 'tools');
    if (fs.existsSync(cache)) fs.cpSync(cache, tools, { recursive: true, verbatimSymlinks: true });
    const r = await cli(['sweep', 'submit', '--config-json', '-'], bayesian(4));
    if (r.code !== 0 && /PACKAGE_UNAVAILABLE/.test(JSON.stringify(r.json))) {
      // No package index here: the refusal above is what a user gets.
      requireComponent('the package index (for optuna)', false);
      return;
    }
    expect(r.code, JSON.stringify(r.json)).toBe(0);
    const detail = await waitForSweep((r.json as SweepSummary).id, 120_000);
    expect(detail.status).toBe('Completed');
    expect(detail.trials).toHaveLength(4);
    for (const t of detail.trials) {
      expect(t.status).toBe('Completed');
      expect(t.params['--lr']).toBeGreaterThanOrEqual(0.1);
      expect(t.params['--lr']).toBeLessThanOrEqual(1);
      expect([16, 32]).toContain(t.params['--bs']);
      expect([2, 3, 4]).toContain(t.params['--steps']);
      expect(t.steps).toBe(t.params['--steps']);
    }
    expect(mostAtOnce(detail.trials.map((t) => t.runId))).toBeLessThanOrEqual(2);
    if (!fs.existsSync(cache)) {
      const temp = `${cache}.tmp-${process.pid}`;
      fs.cpSync(tools, temp, { recursive: true, verbatimSymlinks: true });
      fs.renameSync(temp, cache);
    }
  });
});
