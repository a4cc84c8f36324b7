// Sweeps through the queue owner (the detached process that drives them), two numbers:
// 1. Throughput: a 40-trial sweep of a 1 s script at max_concurrent_runs=2, from submit to the parent's end,
//    against the ideal 40 x 1 s / 2 = 20 s. Target: at most 1.15x.
// 2. Early termination: the same 8-trial sweep over a synthetic learning curve with no policy and with
//    BanditPolicy(slack_factor=0.1, delay_evaluation=2): trial-seconds (run start to end, summed) saved, and the same
//    best trial. Target: >= 30% saved.
import type { Core } from '../src/main/core/core';
import { writeSettings } from '../src/main/core/workspace/settings';
import { type PolicyConfig, SubmitSweep } from '../src/shared/api/sweepTypes';
import { liveOwnerPid } from '../src/main/queue/ownerLock';
import { machine, report } from './harness';
import { runBenchWorkspace } from './runFixture';

const TRIALS = Number(process.env.BENCH_SWEEP_TRIALS ?? 40);
// --quality q: acc at step i of 10 is q * i / 10, 0.2 s apart; --pause alone: a script that sleeps that long.
const SCRIPT = `import argparse, time
from azureml.core import Run
p = argparse.ArgumentParser()
p.add_argument("--quality", type=float, default=None)
p.add_argument("--pause", type=float, default=1.0)
p.add_argument("--n", type=int, default=0)
a = p.parse_args()
if a.quality is None:
    time.sleep(a.pause)
else:
    run = Run.get_context()
    for i in range(1, 11):
        time.sleep(0.2)
        run.log("acc", a.quality * i / 10)
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sweepToEnd(core: Core, body: SubmitSweep): Promise<{ id: string; wallMs: number }> {
  const started = Date.now();
  const { id } = await core.sweeps.submit(SubmitSweep.parse(body));
  for (;;) {
    const status = core.sweeps.store.get(id)?.status;
    if (status && status !== 'Running') {
      if (status !== 'Completed') throw new Error(`sweep ${id} ended ${status}: ${core.sweeps.store.get(id)?.message}`);
      return { id, wallMs: Date.now() - started };
    }
    await sleep(20);
  }
}

function trialSeconds(core: Core, id: string): number {
  return core.sweeps.store
    .trials(id)
    .map((t) => core.runs.store.get(t.run_id))
    .reduce((sum, run) => sum + (Date.parse(run?.ended_at ?? '') - Date.parse(run?.started_at ?? '')) / 1000, 0);
}

async function main() {
  const { core, src } = await runBenchWorkspace('sweep', 'train.py', SCRIPT);
  writeSettings(core.db, { queueCpus: 8 });

  // A warm-up sweep starts the owner and its standby supervisor, as a user's second sweep finds them.
  await sweepToEnd(core, {
    run: { sourceDirectory: src, script: 'train.py', arguments: ['--pause', '0'] },
    sampling: { type: 'grid', parameterSpace: { '--n': ['choice', [[0, 1]]] } },
    primaryMetric: { name: 'acc', goal: 'maximize' },
  });

  const throughput = await sweepToEnd(core, {
    run: { sourceDirectory: src, script: 'train.py', arguments: ['--pause', '1'] },
    sampling: { type: 'random', parameterSpace: { '--n': ['randint', [1000]] } },
    primaryMetric: { name: 'acc', goal: 'maximize' },
    maxTotalRuns: TRIALS,
    maxConcurrentRuns: 2,
  });
  const idealMs = (TRIALS * 1000) / 2;
  const runs = core.sweeps.store.trials(throughput.id).map((t) => core.runs.store.get(t.run_id));
  const runSeconds = runs.map((r) => (Date.parse(r?.ended_at ?? '') - Date.parse(r?.started_at ?? '')) / 1000);

  // Grid order: the best (1.0) first with three weak ones, then a near-best (0.95) with three more weak ones.
  const curve = (policy: PolicyConfig): SubmitSweep => ({
    run: { sourceDirectory: src, script: 'train.py' },
    sampling: {
      type: 'grid',
      parameterSpace: { '--quality': ['choice', [[1.0, 0.5, 0.4, 0.3, 0.95, 0.35, 0.45, 0.25]]] },
    },
    policy,
    primaryMetric: { name: 'acc', goal: 'maximize' },
    maxConcurrentRuns: 4,
  });
  const plain = await sweepToEnd(core, curve({ type: 'none' }));
  const bandit = await sweepToEnd(
    core,
    curve({ type: 'bandit', slackFactor: 0.1, slackAmount: null, evaluationInterval: 1, delayEvaluation: 2 }),
  );
  const bestParams = (id: string) => {
    const best = core.sweeps.store.get(id)?.best_run_id;
    return core.sweeps.store.trials(id).find((t) => t.run_id === best)?.params;
  };
  const plainSeconds = trialSeconds(core, plain.id);
  const banditSeconds = trialSeconds(core, bandit.id);
  const terminated = core.sweeps.store.trials(bandit.id).filter((t) => t.early_terminated).length;

  report({
    bench: 'sweep',
    machine: machine(),
    trials: TRIALS,
    maxConcurrentRuns: 2,
    wallS: throughput.wallMs / 1000,
    idealS: idealMs / 1000,
    ratio: Number((throughput.wallMs / idealMs).toFixed(3)),
    targetRatio: 1.15,
    medianTrialRunS: runSeconds.sort((a, b) => a - b)[Math.floor(runSeconds.length / 2)],
    noPolicyTrialSeconds: Number(plainSeconds.toFixed(2)),
    banditTrialSeconds: Number(banditSeconds.toFixed(2)),
    banditSaved: Number((1 - banditSeconds / plainSeconds).toFixed(3)),
    targetSaved: 0.3,
    banditTerminated: terminated,
    sameBest: bestParams(plain.id) === bestParams(bandit.id),
    bestParams: bestParams(bandit.id),
  });
  const owner = liveOwnerPid(core.paths.root);
  if (owner) process.kill(owner, 'SIGTERM');
  core.close();
}

void main();
