import type { PolicyConfig } from '../../../shared/api/sweepTypes';

/**
 * Early termination policies, pure: given every trial's primary-metric curve (one value per time the script logged
 * it: Azure counts each log as one interval), does the policy stop this trial at interval N?
 *
 * The reading implemented (Azure documents the rules, the service's code is not public):
 * - Intervals evaluated: every N >= 1 that is a multiple of evaluation_interval and >= delay_evaluation.
 * - A trial's performance at N is its best value over intervals 1..N (BanditPolicy's remarks: "the best AUC
 *   reported for a run is Y"); it is compared only with trials that have reached N, at their own 1..N (as
 *   TruncationSelectionPolicy describes: a young trial is never judged against older trials' later values).
 * - Bandit: with B the best of those at N, maximize stops when Y * (1 + slack_factor) < B (i.e. Y < B / (1 + sf))
 *   or Y < B - slack_amount; minimize stops when Y > B * (1 + slack_factor) or Y > B + slack_amount.
 * - Median: stops when Y is strictly worse than the median of the trials' running averages (mean of 1..N).
 * - Truncation: ranks the trials at N by Y and stops this one when it is among the worst
 *   floor(k * truncation_percentage / 100) of the k compared; exclude_finished_jobs leaves finished trials out
 *   of the k.
 */

export type Goal = 'maximize' | 'minimize';

export interface TrialCurve {
  runId: string;
  /** The primary metric's values in the order logged (value i is interval i + 1). */
  values: number[];
  /** Finished (Completed, Failed, Canceled): still a peer, unless Truncation's exclude_finished_jobs. */
  finished: boolean;
}

/** Whether the policy looks at interval N at all. */
export function isEvaluationInterval(policy: PolicyConfig, n: number): boolean {
  if (policy.type === 'none' || n < 1) return false;
  return n % policy.evaluationInterval === 0 && n >= policy.delayEvaluation;
}

/** The intervals in (after, upTo] the policy evaluates, in order. */
export function evaluationIntervals(policy: PolicyConfig, after: number, upTo: number): number[] {
  const intervals: number[] = [];
  for (let n = after + 1; n <= upTo; n++) if (isEvaluationInterval(policy, n)) intervals.push(n);
  return intervals;
}

const better = (goal: Goal, a: number, b: number) => (goal === 'maximize' ? a > b : a < b);

/** Best value over intervals 1..n. */
export function bestUpTo(values: number[], n: number, goal: Goal): number {
  let best = values[0] as number;
  for (let i = 1; i < Math.min(n, values.length); i++)
    if (better(goal, values[i] as number, best)) best = values[i] as number;
  return best;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const format = (x: number) => Number(x.toPrecision(6)).toString();

/**
 * Why the policy stops `trial` at interval n (the reason recorded on the run), or null to let it go on.
 * `trials` are all of the sweep's trials (the one judged among them).
 */
export function stopReason(
  policy: PolicyConfig,
  goal: Goal,
  metric: string,
  trial: TrialCurve,
  trials: TrialCurve[],
  n: number,
): string | null {
  if (!isEvaluationInterval(policy, n) || trial.values.length < n) return null;
  const peers = trials.filter((t) => t.values.length >= n || t.runId === trial.runId);
  const mine = bestUpTo(trial.values, n, goal);
  const at = `at interval ${n}`;
  switch (policy.type) {
    case 'none':
      return null;
    case 'bandit': {
      const best = peers.map((t) => bestUpTo(t.values, n, goal)).reduce((a, b) => (better(goal, b, a) ? b : a));
      const maximize = goal === 'maximize';
      const cutoff =
        policy.slackFactor !== null
          ? maximize
            ? best / (1 + policy.slackFactor)
            : best * (1 + policy.slackFactor)
          : maximize
            ? best - (policy.slackAmount ?? 0)
            : best + (policy.slackAmount ?? 0);
      if (!better(goal, cutoff, mine)) return null;
      const slack =
        policy.slackFactor !== null ? `slack_factor ${policy.slackFactor}` : `slack_amount ${policy.slackAmount}`;
      return `Early terminated by BanditPolicy ${at}: best ${metric} ${format(mine)} is ${maximize ? 'below' : 'above'} ${format(cutoff)} (the best trial's ${format(best)} with ${slack}).`;
    }
    case 'median': {
      const averages = peers.map((t) => t.values.slice(0, n).reduce((a, b) => a + b, 0) / n);
      const cutoff = median(averages);
      if (!better(goal, cutoff, mine)) return null;
      return `Early terminated by MedianStoppingPolicy ${at}: best ${metric} ${format(mine)} is worse than the median ${format(cutoff)} of ${peers.length} trials' running averages.`;
    }
    case 'truncation': {
      const compared = peers.filter((t) => !(policy.excludeFinishedJobs && t.finished) || t.runId === trial.runId);
      const cut = Math.floor((compared.length * policy.truncationPercentage) / 100);
      if (cut === 0) return null;
      // Worst first; of equal ones the later-submitted counts as worse (Azure leaves ties unspecified).
      const ranked = compared
        .map((t, i) => ({ t, i, y: bestUpTo(t.values, n, goal) }))
        .sort((a, b) => (a.y === b.y ? b.i - a.i : better(goal, a.y, b.y) ? 1 : -1));
      const place = ranked.findIndex((r) => r.t.runId === trial.runId);
      if (place >= cut) return null;
      return `Early terminated by TruncationSelectionPolicy ${at}: best ${metric} ${format(mine)} is among the lowest ${policy.truncationPercentage}% (${cut} of ${compared.length} trials).`;
    }
  }
}
