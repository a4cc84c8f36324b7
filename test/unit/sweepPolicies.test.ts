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

/** A BanditPolicy evaluated every interval from the first, with one of slack_factor / slack_amount. */
const bandit = (settings: Partial<Extract<PolicyConfig, { type: 'bandit' }>>): PolicyConfig => ({
  type: 'bandit',
  evaluationInterval: 1,
  delayEvaluation: 0,
  slackFactor: null,
  slackAmount: null,
  ...settings,
});

const truncation = (truncationPercentage: number, excludeFinishedJobs = false): PolicyConfig => ({
  type: 'truncation',
  evaluationInterval: 1,
  delayEvaluation: 0,
  truncationPercentage,
  excludeFinishedJobs,
});

/** Each named trial's first stop (null: never), checked together so a failure shows them all. */
function expectStops(policy: PolicyConfig, goal: Goal, trials: TrialCurve[], stops: Record<string, number | null>) {
  const actual = Object.fromEntries(Object.keys(stops).map((id) => [id, firstStop(policy, goal, trials, id)]));
  expect(actual).toEqual(stops);
}

describe('evaluation intervals', () => {
  it('are the multiples of evaluation_interval that are >= delay_evaluation', () => {
    // [evaluation_interval, delay_evaluation, intervals already looked at, intervals reached, intervals to evaluate]
    const cases: [number, number, number, number, number[]][] = [
      [1, 0, 0, 4, [1, 2, 3, 4]],
      [2, 3, 0, 8, [4, 6, 8]],
      [1, 5, 0, 8, [5, 6, 7, 8]],
      [3, 0, 0, 7, [3, 6]],
      // Continuing from where the last look stopped.
      [2, 0, 4, 8, [6, 8]],
    ];
    for (const [evaluationInterval, delayEvaluation, from, to, expected] of cases)
      expect(evaluationIntervals(bandit({ evaluationInterval, delayEvaluation, slackFactor: 0.1 }), from, to)).toEqual(
        expected,
      );
    expect(evaluationIntervals({ type: 'none' }, 0, 8)).toEqual([]);
  });
});

describe('BanditPolicy', () => {
  it('slack_factor, maximize: stops a trial whose best so far is below best / (1 + slack_factor)', () => {
    const policy = bandit({ slackFactor: 0.1 });
    const trials = [
      curve('A', [0.5, 0.7, 0.8, 0.9]),
      // n=1: best A 0.5, cutoff 0.4545; 0.4 is below -> stopped at 1.
      curve('C', [0.4, 0.5, 0.6, 0.65]),
      // n=1: 0.45 < 0.4545 -> stopped at 1 too.
      curve('D', [0.45, 0.7, 0.8, 0.9]),
      // n=1: 0.47 ok; n=2: cutoff 0.7/1.1 = 0.636, 0.65 ok; n=3: cutoff 0.8/1.1 = 0.727, best 0.7 -> stopped at 3.
      curve('B', [0.47, 0.65, 0.7, 0.72]),
    ];
    expectStops(policy, 'maximize', trials, { A: null, C: 1, D: 1, B: 3 });
  });

  it('delay_evaluation skips the early intervals: the same B and C are first judged at 3', () => {
    const policy = bandit({ delayEvaluation: 3, slackFactor: 0.1 });
    const trials = [
      curve('A', [0.5, 0.7, 0.8, 0.9]),
      curve('B', [0.47, 0.65, 0.7, 0.72]),
      curve('C', [0.4, 0.5, 0.74, 0.75]),
    ];
    // n=3: cutoff 0.727; B's 0.7 is below, C's 0.74 is not; n=4: cutoff 0.818, C's 0.75 is.
    expectStops(policy, 'maximize', trials, { B: 3, C: 4 });
  });

  it('slack_amount, minimize: stops a trial whose best so far is above best + slack_amount', () => {
    const policy = bandit({ slackAmount: 0.15 });
    const trials = [
      curve('A', [1.0, 0.8, 0.6]),
      // n=1: cutoff 1.15, 1.1 ok; n=2: cutoff 0.95, 0.9 ok; n=3: cutoff 0.75, 0.8 -> stopped at 3.
      curve('B', [1.1, 0.9, 0.8]),
      // n=1: 1.2 > 1.15 -> stopped at 1.
      curve('C', [1.2, 1.0, 0.95]),
    ];
    expectStops(policy, 'minimize', trials, { A: null, B: 3, C: 1 });
  });

  it('compares a young trial only with what the others had at the same interval', () => {
    const policy = bandit({ slackFactor: 0.1 });
    // A reached 0.9 later; at interval 1 it had 0.3, so Y's 0.3 is within slack there.
    const trials = [curve('A', [0.3, 0.6, 0.9], true), curve('Y', [0.3])];
    expectStops(policy, 'maximize', trials, { Y: null });
  });

  it('evaluation_interval 2: judged at 2 and 4 only', () => {
    const policy = bandit({ evaluationInterval: 2, slackFactor: 0.1 });
    // At 1 B (0.1 vs 0.5) would be stopped, but 1 is not evaluated; at 2 its best 0.65 is within 0.7/1.1.
    const trials = [curve('A', [0.5, 0.7, 0.8, 0.9]), curve('B', [0.1, 0.65, 0.7, 0.72])];
    // At 4: cutoff 0.818, best 0.72 -> stopped at 4 (3 is not evaluated).
    expectStops(policy, 'maximize', trials, { B: 4 });
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
    expectStops(policy, 'maximize', trials, { A: null, B: null, C: 1 });
  });

  it('minimize, with delay_evaluation 2: the worse trial is stopped at 2, not before', () => {
    const delayed: PolicyConfig = { type: 'median', evaluationInterval: 1, delayEvaluation: 2 };
    // Running averages at 2: A 0.9, B 1.0, C 1.5 -> median 1.0; C's best 1.4 > 1.0 -> stopped at 2. B's best 0.9 is not worse.
    const trials = [curve('A', [1.0, 0.8, 0.7]), curve('B', [1.1, 0.9, 0.8]), curve('C', [1.6, 1.4, 1.3])];
    expectStops(delayed, 'minimize', trials, { C: 2, B: null });
  });
});

describe('TruncationSelectionPolicy', () => {
  it('stops the lowest truncation_percentage of the trials at each interval', () => {
    const policy = truncation(50);
    // n=1: 4 trials, floor(4 * 50 / 100) = 2 cut: D (0.1) and C (0.2).
    const trials = [curve('A', [0.4, 0.5]), curve('B', [0.3, 0.6]), curve('C', [0.2, 0.9]), curve('D', [0.1, 0.2])];
    // A: n=1 is 1st -> kept; n=2 bests A .5, B .6, C .9, D .2 -> A and D are the lowest two: stopped at 2.
    expectStops(policy, 'maximize', trials, { A: 2 });
    // B: n=1 is 3rd of 4 -> kept; n=2 bests A .5, B .6, C .9, D .2 -> A and D are the lowest two; B kept.
    expectStops(policy, 'maximize', trials, { B: null, C: 1, D: 1 });
    expect(stopReason(policy, 'maximize', 'acc', trials[0] as TrialCurve, trials, 2)).toMatch(/lowest 50% \(2 of 4/);
  });

  it('exclude_finished_jobs leaves finished trials out of the ranking', () => {
    const trials = [
      curve('A', [0.5, 0.6, 0.7]),
      curve('B', [0.4, 0.5, 0.55]),
      curve('C', [0.45, 0.45, 0.46]),
      curve('F', [0.1, 0.2, 0.3], true),
    ];
    // With F: floor(4 * 34 / 100) = 1 cut, always F (finished: not stopped, but it is the lowest).
    const withFinished = truncation(34);
    expectStops(withFinished, 'maximize', trials, { A: null, B: null, C: null });
    // Without F: floor(3 * 34 / 100) = 1 cut: B at 1 (0.4); C at 2 (0.45 < B's 0.5).
    const withoutFinished = truncation(34, true);
    expectStops(withoutFinished, 'maximize', trials, { A: null, B: 1, C: 2 });
  });

  it('cuts none when the percentage of the trials is under one', () => {
    const policy = truncation(20);
    const trials = [curve('A', [0.9]), curve('B', [0.1]), curve('C', [0.5])];
    expectStops(policy, 'maximize', trials, { B: null });
  });
});

describe('NoTerminationPolicy', () => {
  it('never stops a trial', () => {
    const trials = [curve('A', [0.9, 0.9]), curve('B', [0.0, 0.0])];
    expect(firstStop({ type: 'none' }, 'maximize', trials, 'B')).toBeNull();
  });
});
