import path from 'node:path';
import { FINAL_STATUSES, type RunStatusName } from '../../../shared/api/runStatus';
import type { RunSummary } from '../../../shared/api/runTypes';
import type { SweepConfig } from '../../../shared/api/sweepTypes';
import type { Core } from '../core';
import { nowIso } from '../workspace/files';
import { readSettings } from '../workspace/settings';
import { ensureOptuna, suggestBayesian } from './bayesianSampler';
import { gridPoint } from './gridSampler';
import { type ParameterValue, trialArguments } from './parameterSpace';
import { bestUpTo, evaluationIntervals, stopReason, type TrialCurve } from './policies';
import { sampleRandom } from './randomSampler';
import { childParamsTag } from './sweepTags';
import type { SweepRow, TrialRow } from './sweepStore';
import { checkSweep, type CheckedSweep } from './sweepValidation';
import { TrialCurves } from './trialCurves';

const POLICY_NAMES = {
  none: 'NoTerminationPolicy',
  bandit: 'BanditPolicy',
  median: 'MedianStoppingPolicy',
  truncation: 'TruncationSelectionPolicy',
};

/** The driver's memory in the queue owner: where each trial's events were read to, and how far the policy got. */
const curves = new TrialCurves();
const evaluatedUpTo = new Map<string, number>();
/** Why the policy stopped a run: written as its reason once its supervisor has ended it (which sets its own). */
const stopReasons = new Map<string, string>();
/** Failed Bayesian suggestions in a row, per sweep. */
const suggestFailures = new Map<string, number>();
const MAX_SUGGEST_FAILURES = 3;

/**
 * One step of every unfinished sweep, called by the queue owner's loop (src/main/queue) after each scheduling
 * pass: evaluate the early-termination policy on the running trials' primary metric, cancel the trials it stops,
 * submit new trials while the sweep's limits allow, and end the sweep (parent run HD_<id>) when it is done.
 */
export async function tickSweeps(core: Core): Promise<void> {
  for (const row of core.sweeps.store.unfinished()) {
    try {
      await driveSweep(core, row);
    } catch (err) {
      // One broken sweep must not stop the others; it is failed with the reason so it does not fail every tick.
      endSweep(core, row, 'Failed', `The sweep stopped: ${(err as Error).message}`);
    }
  }
}

interface TrialState {
  row: TrialRow;
  run: RunSummary;
  values: number[];
  names: Set<string>;
  final: boolean;
}

async function driveSweep(core: Core, row: SweepRow): Promise<void> {
  const config = JSON.parse(row.config) as SweepConfig;
  const checked = checkSweep(config, readSettings(core.db));
  const { name: metric, goal } = config.primaryMetric;
  const store = core.sweeps.store;
  let changed = false;

  adoptOrphans(core, row);
  const trials: TrialState[] = store.trials(row.id).map((t) => {
    const run = core.runs.get(t.run_id);
    const curve = curves.read(core.paths.runDir(t.run_id), t.run_id, metric);
    return {
      row: t,
      run,
      values: curve.values,
      names: curve.names,
      final: FINAL_STATUSES.has(run.status as RunStatusName),
    };
  });

  // (3) What each trial logged: its best primary value by the goal and its step count.
  for (const t of trials) {
    const value = t.values.length ? bestUpTo(t.values, t.values.length, goal) : null;
    if (value !== t.row.primary_value || t.values.length !== t.row.steps) {
      store.updateTrial(row.id, t.row.n, { primary_value: value, steps: t.values.length });
      t.row = { ...t.row, primary_value: value, steps: t.values.length };
      changed = true;
    }
    if (t.row.early_terminated && t.final && t.run.status !== 'Canceled') {
      // The trial ended on its own before the policy's cancel reached it: as on Azure it is Completed (or
      // Failed), not early terminated, and keeps no stop reason.
      store.updateTrial(row.id, t.row.n, { early_terminated: 0 });
      t.row = { ...t.row, early_terminated: 0 };
      if (t.run.reason?.startsWith('Early terminated')) core.runs.store.update(t.run.id, { reason: null });
      stopReasons.delete(t.run.id);
      changed = true;
    } else if (t.row.early_terminated && t.final && !t.run.reason?.startsWith('Early terminated')) {
      // A restarted owner no longer knows the interval: the policy's name still tells why.
      const reason = stopReasons.get(t.run.id) ?? `Early terminated by ${POLICY_NAMES[config.policy.type]}.`;
      core.runs.store.update(t.run.id, { reason });
      stopReasons.delete(t.run.id);
    }
  }
  if (noteMissingMetric(core, row, trials, metric)) changed = true;

  // (1) The policy, on the running trials, at every evaluation interval each has reached since the last look.
  const canceling = row.cancel_requested === 1;
  if (config.policy.type !== 'none' && !canceling) {
    const all: TrialCurve[] = trials.map((t) => ({ runId: t.run.id, values: t.values, finished: t.final }));
    for (const t of trials) {
      if (t.final || t.row.early_terminated) continue;
      const from = evaluatedUpTo.get(t.run.id) ?? 0;
      for (const n of evaluationIntervals(config.policy, from, t.values.length)) {
        const reason = stopReason(
          config.policy,
          goal,
          metric,
          all.find((c) => c.runId === t.run.id) as TrialCurve,
          all,
          n,
        );
        if (!reason) continue;
        store.updateTrial(row.id, t.row.n, { early_terminated: 1 });
        t.row = { ...t.row, early_terminated: 1 };
        stopReasons.set(t.run.id, reason);
        core.runs.store.update(t.run.id, { reason });
        core.runs.cancel(t.run.id);
        changed = true;
        break;
      }
      evaluatedUpTo.set(t.run.id, t.values.length);
    }
  }

  // (2) New trials while the sweep's limits allow.
  const elapsedMinutes = (Date.now() - Date.parse(row.created_at)) / 60_000;
  const overTime = elapsedMinutes >= config.maxDurationMinutes;
  if (overTime && !canceling) {
    store.update(row.id, {
      cancel_requested: 1,
      message: `The sweep reached max_duration_minutes=${config.maxDurationMinutes}: running trials were canceled.`,
    });
    for (const t of trials) if (!t.final) core.runs.cancel(t.run.id);
    changed = true;
  }
  let active = trials.filter((t) => !t.final).length;
  let submitted = trials.length;
  // The queue starts at most max_concurrent_runs of a sweep's trials; one more queued per slot lets it start the next
  // the moment a trial ends (this step runs after the owner's scheduling). Bayesian waits: each suggestion should
  // know every trial that could have finished.
  const ahead = config.sampling.type === 'bayesian' ? 0 : checked.maxConcurrent;
  if (!canceling && !overTime) {
    while (submitted < checked.totalRuns && active < checked.maxConcurrent + ahead) {
      let params: Record<string, ParameterValue>;
      try {
        params = await sample(core, config, checked, row.seed, submitted, trials);
        suggestFailures.delete(row.id);
      } catch (err) {
        // Optuna's process can fail once (killed, out of memory): the next step asks again; thrice ends the sweep.
        const failures = (suggestFailures.get(row.id) ?? 0) + 1;
        suggestFailures.set(row.id, failures);
        if (failures >= MAX_SUGGEST_FAILURES) throw err;
        break;
      }
      submitTrial(core, row, config, submitted, params);
      submitted++;
      active++;
      changed = true;
    }
  }

  // (4) The end: every trial final and nothing more to submit.
  const noMore = canceling || overTime || submitted >= checked.totalRuns;
  if (noMore && active === 0 && trials.every((t) => t.final)) {
    const all = store.trials(row.id);
    const status =
      row.cancel_requested === 1 && !overTime
        ? 'Canceled'
        : trials.length > 0 && trials.every((t) => t.run.status === 'Failed')
          ? 'Failed'
          : 'Completed';
    endSweep(core, row, status, null);
    curves.forget(all.map((t) => t.run_id));
    for (const t of all) evaluatedUpTo.delete(t.run_id);
    return;
  }
  if (changed) {
    updateBest(core, row, config);
    core.sweeps.changed(row.id);
  }
}

/** Trial n's values: random and grid are pure functions of (seed, n); Bayesian asks TPE, told every finished trial. */
async function sample(
  core: Core,
  config: SweepConfig,
  checked: CheckedSweep,
  seed: number,
  n: number,
  trials: TrialState[],
): Promise<Record<string, ParameterValue>> {
  if (config.sampling.type === 'random') return sampleRandom(checked.space, seed, n);
  if (config.sampling.type === 'grid') return gridPoint(checked.space, n);
  const python = await ensureOptuna(core.tools);
  const told = trials
    .filter((t) => t.final)
    .map((t) => ({ params: JSON.parse(t.row.params) as Record<string, ParameterValue>, value: t.row.primary_value }));
  return suggestBayesian(python, checked.space, config.primaryMetric.goal, (seed + n) % 2 ** 31, told);
}

/** The n-th trial: the template run from the sweep's snapshot with `--name value` appended, a child HD_<id>_<n>. */
function submitTrial(
  core: Core,
  row: SweepRow,
  config: SweepConfig,
  n: number,
  params: Record<string, ParameterValue>,
): void {
  const template = config.run;
  const child = core.runs.submit({
    ...template,
    experiment: row.experiment,
    sourceDirectory: path.join(core.paths.runDir(row.id), 'snapshot'),
    arguments: trialArguments(template.arguments ?? [], params),
    parentRunId: row.id,
    tags: { ...(template.tags ?? {}), hyperparameters: JSON.stringify(params) },
  });
  core.sweeps.store.insertTrial(row.id, n, child.id, params);
  const parent = core.runs.store.get(row.id);
  if (parent) {
    const tags = { ...(JSON.parse(parent.tags) as Record<string, string>), ...childParamsTag(child.id, params) };
    core.runs.store.update(row.id, { tags: JSON.stringify(tags) });
  }
}

/**
 * A child submitted by an owner killed before it recorded the trial: its run exists (and will run), so it becomes
 * that trial, with the values its hyperparameters tag holds, instead of being sampled and run twice.
 */
function adoptOrphans(core: Core, row: SweepRow): void {
  const known = new Set(core.sweeps.store.trials(row.id).map((t) => t.run_id));
  for (const child of core.runs.store.children(row.id)) {
    if (known.has(child.id)) continue;
    const n = Number(child.id.slice(row.id.length + 1));
    let params: Record<string, ParameterValue> | null = null;
    try {
      params = JSON.parse(
        (JSON.parse(child.tags) as Record<string, string>).hyperparameters ?? 'null',
      ) as typeof params;
    } catch {
      params = null;
    }
    if (!Number.isInteger(n) || !params || core.sweeps.store.trials(row.id).some((t) => t.n === n)) continue;
    core.sweeps.store.insertTrial(row.id, n, child.id, params);
  }
}

/** The first trial to end without the primary metric: the sweep says so (and goes on), naming what it did log. */
function noteMissingMetric(core: Core, row: SweepRow, trials: TrialState[], metric: string): boolean {
  if (row.message) return false;
  const ended = trials
    .filter((t) => t.final && t.run.endedAt && !t.row.early_terminated)
    .sort((a, b) => Date.parse(a.run.endedAt as string) - Date.parse(b.run.endedAt as string))[0];
  if (!ended || ended.values.length > 0 || ended.run.status === 'Canceled') return false;
  const names = [...ended.names].sort();
  const message = `The primary metric "${metric}" was not logged by ${ended.run.id}; it logged: ${names.length ? names.join(', ') : 'no metrics'}`;
  core.sweeps.store.update(row.id, { message });
  row.message = message;
  return true;
}

function updateBest(core: Core, row: SweepRow, config: SweepConfig): void {
  const maximize = config.primaryMetric.goal === 'maximize';
  let best: TrialRow | null = null;
  for (const t of core.sweeps.store.trials(row.id)) {
    if (t.primary_value === null) continue;
    if (
      !best ||
      (maximize ? t.primary_value > (best.primary_value as number) : t.primary_value < (best.primary_value as number))
    )
      best = t;
  }
  if (best && (best.run_id !== row.best_run_id || best.primary_value !== row.best_value))
    core.sweeps.store.update(row.id, { best_run_id: best.run_id, best_value: best.primary_value });
  return;
}

/** Ends the sweep and its parent run, with the best child recorded as Azure's parent properties have it. */
function endSweep(
  core: Core,
  row: SweepRow,
  status: 'Completed' | 'Failed' | 'Canceled',
  message: string | null,
): void {
  const config = JSON.parse(row.config) as SweepConfig;
  updateBest(core, row, config);
  const ended = nowIso();
  const sweep = core.sweeps.store.get(row.id);
  core.sweeps.store.update(row.id, { status, ended_at: ended, ...(message ? { message } : {}) });
  const parent = core.runs.store.get(row.id);
  if (parent) {
    const properties = JSON.parse(parent.properties) as Record<string, string>;
    if (sweep?.best_run_id) {
      properties.best_child_run_id = sweep.best_run_id;
      properties.score = String(sweep.best_value);
      properties.best_metric_status = 'Succeeded';
    }
    core.runs.store.update(row.id, {
      status,
      ended_at: ended,
      properties: JSON.stringify(properties),
      ...(message || status !== 'Completed'
        ? { reason: message ?? (status === 'Canceled' ? 'The sweep was canceled.' : 'Every trial failed.') }
        : {}),
    });
    core.bus.emit('run.updated', core.runs.get(row.id));
  }
  core.sweeps.changed(row.id);
}
