import { describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../../src/shared/api/sweepTypes';
import { evaluationIntervals, type Goal, stopReason, type TrialCurve } from '../../src/main/core/sweeps/policies';

/** The first interval at which the policy stops the trial (null: never), evaluating every interval it reached. */
function firstStop(policy: PolicyConfig, goal: Goal, trials: TrialCurve[], runId: string): number | null {
  const trial = trials.find((t) => t.runId === runId) as TrialCurve;
  for (const n of evaluationIntervals(policy, 0, trial.values.length))
    if (stopReason(policy, goal, 'acc', trial, trials, n)) return n;
  return null;
}

const curve = (runId: string, values: number[], finished = false): TrialCurve => ({ runId, values, finished });

describe('evaluation intervals', () => {
  const bandit = (evaluationInterval: number, delayEvaluation: number): PolicyConfig => ({
    type: 'bandit',
    evaluationInterval,
    delayEvaluation,
    slackFactor: 0.1,
    slackAmount: null,
  });
  it('are the multiples of evaluation_interval that are >= delay_evaluation', () => {
    expect(evaluationIntervals(bandit(1, 0), 0, 4)).toEqual([1, 2, 3, 4]);
    expect(evaluationIntervals(bandit(2, 3), 0, 8)).toEqual([4, 6, 8]);
    expect(evaluationIntervals(bandit(1, 5), 0, 8)).toEqual([5, 6, 7, 8]);
    expect(evaluationIntervals(bandit(3, 0), 0, 7)).toEqual([3, 6]);
    // Continuing from where the last look stopped.
    expect(evaluationIntervals(bandit(2, 0), 4, 8)).toEqual([6, 8]);
    expect(evaluationIntervals({ type: 'none' }, 0, 8)).toEqual([]);
  });
});

describe('BanditPolicy', () => {
  it('slack_factor, maximize: stops a trial whose best so far is below best / (1 + slack_factor)', () => {
    const policy: PolicyConfig = {
      type: 'bandit',
      evaluationInterval: 1,
      delayEvaluation: 0,
      slackFactor: 0.1,
      slackAmount: null,
    };
    const trials = [
      curve('A', [0.5, 0.7, 0.8, 0.9]),
      // n=1: best A 0.5, cutoff 0.4545; 0.4 is below -> stopped at 1.
      curve('C', [0.4, 0.5, 0.6, 0.65]),
      // n=1: 0.45 < 0.4545 -> stopped at 1 too.
      curve('D', [0.45, 0.7, 0.8, 0.9]),
      // n=1: 0.47 ok; n=2: cutoff 0.7/1.1 = 0.636, 0.65 ok; n=3: cutoff 0.8/1.1 = 0.727, best 0.7 -> stopped at 3.
      curve('B', [0.47, 0.65, 0.7, 0.72]),
    ];
    expect(firstStop(policy, 'maximize', trials, 'A')).toBeNull();
    expect(firstStop(policy, 'maximize', trials, 'C')).toBe(1);
    expect(firstStop(policy, 'maximize', trials, 'D')).toBe(1);
    expect(firstStop(policy, 'maximize', trials, 'B')).toBe(3);
  });

  it('delay_evaluation skips the early intervals: the same B and C are first judged at 3', () => {
    const policy: PolicyConfig = {
      type: 'bandit',
      evaluationInterval: 1,
      delayEvaluation: 3,
      slackFactor: 0.1,
      slackAmount: null,
    };
    const trials = [
      curve('A', [0.5, 0.7, 0.8, 0.9]),
      curve('B', [0.47, 0.65, 0.7, 0.72]),
      curve('C', [0.4, 0.5, 0.74, 0.75]),
    ];
    // n=3: cutoff 0.727; B's 0.7 is below, C's 0.74 is not; n=4: cutoff 0.818, C's 0.75 is.
    expect(firstStop(policy, 'maximize', trials, 'B')).toBe(3);
    expect(firstStop(policy, 'maximize', trials, 'C')).toBe(4);
  });

  it('slack_amount, minimize: stops a trial whose best so far is above best + slack_amount', () => {
    const policy: PolicyConfig = {
      type: 'bandit',
      evaluationInterval: 1,
      delayEvaluation: 0,
      slackFactor: null,
      slackAmount: 0.15,
    };
    const trials = [
      curve('A', [1.0, 0.8, 0.6]),
      // n=1: cutoff 1.15, 1.1 ok; n=2: cutoff 0.95, 0.9 ok; n=3: cutoff 0.75, 0.8 -> stopped at 3.
      curve('B', [1.1, 0.9, 0.8]),
      // n=1: 1.2 > 1.15 -> stopped at 1.
      curve('C', [1.2, 1.0, 0.95]),
    ];
    expect(firstStop(policy, 'minimize', trials, 'A')).toBeNull();
    expect(firstStop(policy, 'minimize', trials, 'B')).toBe(3);
    expect(firstStop(policy, 'minimize', trials, 'C')).toBe(1);
  });

  it('compares a young trial only with what the others had at the same interval', () => {
    const policy: PolicyConfig = {
      type: 'bandit',
      evaluationInterval: 1,
      delayEvaluation: 0,
      slackFactor: 0.1,
      slackAmount: null,
    };
    // A reached 0.9 later; at interval 1 it had 0.3, so Y's 0.3 is within slack there.
    const trials = [curve('A', [0.3, 0.6, 0.9], true), curve('Y', [0.3])];
    expect(firstStop(policy, 'maximize', trials, 'Y')).toBeNull();
  });

  it('evaluation_interval 2: judged at 2 and 4 only', () => {
    const policy: PolicyConfig = {
      type: 'bandit',
      evaluationInterval: 2,
      delayEvaluation: 0,
      slackFactor: 0.1,
      slackAmount: null,
    };
    // At 1 B (0.1 vs 0.5) would be stopped, but 1 is not evaluated; at 2 its best 0.65 is within 0.7/1.1.
    const trials = [curve('A', [0.5, 0.7, 0.8, 0.9]), curve('B', [0.1, 0.65, 0.7, 0.72])];
    // At 4: cutoff 0.818, best 0.72 -> stopped at 4 (3 is not evaluated).
    expect(firstStop(policy, 'maximize', trials, 'B')).toBe(4);
    expect(stopReason(policy, 'maximize', 'acc', trials[1] as TrialCurve, trials, 4)).toBe(
      "Early terminated by BanditPolicy at interval 4: best acc 0.72 is below 0.818182 (the best trial's 0.9 with slack_factor 0.1).",
    );
  });
});

describe('MedianStoppingPolicy', () => {
  const policy: PolicyConfig = { type: 'median', evaluationInterval: 1, delayEvaluation: 0 };
  it("stops a trial whose best so far is worse than the median of the trials' running averages", () => {
    const trials = [
      curve('A', [0.2, 0.4, 0.6]),
      // n=1: averages .2 .1 .05, median .1: B's .1 is not worse (equal) -> goes on; n=2 median .2 < .3; n=3 .3 < .5.
      curve('B', [0.1, 0.3, 0.5]),
      // n=1: .05 < .1 -> stopped at 1.
      curve('C', [0.05, 0.1, 0.15]),
    ];
    expect(firstStop(policy, 'maximize', trials, 'A')).toBeNull();
    expect(firstStop(policy, 'maximize', trials, 'B')).toBeNull();
    expect(firstStop(policy, 'maximize', trials, 'C')).toBe(1);
  });

  it('minimize, with delay_evaluation 2: the worse trial is stopped at 2, not before', () => {
    const delayed: PolicyConfig = { type: 'median', evaluationInterval: 1, delayEvaluation: 2 };
    // Running averages at 2: A 0.9, B 1.0, C 1.5 -> median 1.0; C's best 1.4 > 1.0 -> stopped at 2. B's best 0.9 is not worse.
    const trials = [curve('A', [1.0, 0.8, 0.7]), curve('B', [1.1, 0.9, 0.8]), curve('C', [1.6, 1.4, 1.3])];
    expect(firstStop(delayed, 'minimize', trials, 'C')).toBe(2);
    expect(firstStop(delayed, 'minimize', trials, 'B')).toBeNull();
  });
});

describe('TruncationSelectionPolicy', () => {
  it('stops the lowest truncation_percentage of the trials at each interval', () => {
    const policy: PolicyConfig = {
      type: 'truncation',
      evaluationInterval: 1,
      delayEvaluation: 0,
      truncationPercentage: 50,
      excludeFinishedJobs: false,
    };
    // n=1: 4 trials, floor(4 * 50 / 100) = 2 cut: D (0.1) and C (0.2).
    const trials = [curve('A', [0.4, 0.5]), curve('B', [0.3, 0.6]), curve('C', [0.2, 0.9]), curve('D', [0.1, 0.2])];
    // A: n=1 is 1st -> kept; n=2 bests A .5, B .6, C .9, D .2 -> A and D are the lowest two: stopped at 2.
    expect(firstStop(policy, 'maximize', trials, 'A')).toBe(2);
    // B: n=1 is 3rd of 4 -> kept; n=2 bests A .5, B .6, C .9, D .2 -> A and D are the lowest two; B kept.
    expect(firstStop(policy, 'maximize', trials, 'B')).toBeNull();
    expect(firstStop(policy, 'maximize', trials, 'C')).toBe(1);
    expect(firstStop(policy, 'maximize', trials, 'D')).toBe(1);
    expect(stopReason(policy, 'maximize', 'acc', trials[0] as TrialCurve, trials, 2)).toMatch(/lowest 50% \(2 of 4/);
  });

  it('exclude_finished_jobs leaves finished trials out of the ranking', () => {
    const base = { type: 'truncation' as const, evaluationInterval: 1, delayEvaluation: 0, truncationPercentage: 34 };
    const trials = [
      curve('A', [0.5, 0.6, 0.7]),
      curve('B', [0.4, 0.5, 0.55]),
      curve('C', [0.45, 0.45, 0.46]),
      curve('F', [0.1, 0.2, 0.3], true),
    ];
    // With F: floor(4 * 34 / 100) = 1 cut, always F (finished: not stopped, but it is the lowest).
    const withFinished: PolicyConfig = { ...base, excludeFinishedJobs: false };
    for (const id of ['A', 'B', 'C']) expect(firstStop(withFinished, 'maximize', trials, id)).toBeNull();
    // Without F: floor(3 * 34 / 100) = 1 cut: B at 1 (0.4); C at 2 (0.45 < B's 0.5).
    const withoutFinished: PolicyConfig = { ...base, excludeFinishedJobs: true };
    expect(firstStop(withoutFinished, 'maximize', trials, 'A')).toBeNull();
    expect(firstStop(withoutFinished, 'maximize', trials, 'B')).toBe(1);
    expect(firstStop(withoutFinished, 'maximize', trials, 'C')).toBe(2);
  });

  it('cuts none when the percentage of the trials is under one', () => {
    const policy: PolicyConfig = {
      type: 'truncation',
      evaluationInterval: 1,
      delayEvaluation: 0,
      truncationPercentage: 20,
      excludeFinishedJobs: false,
    };
    const trials = [curve('A', [0.9]), curve('B', [0.1]), curve('C', [0.5])];
    expect(firstStop(policy, 'maximize', trials, 'B')).toBeNull();
  });
});

describe('NoTerminationPolicy', () => {
  it('never stops a trial', () => {
    const trials = [curve('A', [0.9, 0.9]), curve('B', [0.0, 0.0])];
    expect(firstStop({ type: 'none' }, 'maximize', trials, 'B')).toBeNull();
  });
});
