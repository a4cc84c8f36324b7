import { describe, expect, it } from 'vitest';
import { type SweepDetail, type SweepTrial, SubmitSweep } from '../../src/shared/api/sweepTypes';
import {
  axisKind,
  bestSoFar,
  categoryValues,
  plannedTrials,
  sortTrials,
  sweepProgress,
} from '../../src/renderer/screens/sweeps/sweepMath';

const trial = (n: number, patch: Partial<SweepTrial>): SweepTrial => ({
  n,
  runId: `HD_x_${n}`,
  status: 'Completed',
  params: {},
  earlyTerminated: false,
  primaryValue: null,
  steps: 0,
  startedAt: null,
  endedAt: null,
  ...patch,
});

function sweep(trials: SweepTrial[], patch: Partial<SubmitSweep> = {}, status = 'Running'): SweepDetail {
  return {
    id: 'HD_x',
    experiment: 'e',
    status,
    // Through the contract's schema, so the config has its defaults as the API sends it.
    config: SubmitSweep.parse({
      run: { sourceDirectory: '/src', script: 'train.py' },
      sampling: {
        type: 'grid',
        parameterSpace: { '--lr': ['choice', [[0.1, 0.2]]], '--opt': ['choice', [['a', 'b', 'c']]] },
      },
      primaryMetric: { name: 'acc', goal: 'maximize' },
      ...patch,
    }),
    seed: 1,
    createdAt: '2026-01-01T00:00:00Z',
    endedAt: null,
    counts: { queued: 0, running: 0, completed: 0, failed: 0, canceled: 0, earlyTerminated: 0 },
    bestRunId: null,
    bestValue: null,
    message: null,
    warnings: [],
    trials,
  };
}

describe('sweep view arithmetic', () => {
  it('plans a grid by its size (or a smaller max_total_runs) and a random sweep by max_total_runs', () => {
    expect(plannedTrials(sweep([]))).toBe(6);
    expect(plannedTrials(sweep([], { maxTotalRuns: 4 }))).toBe(4);
    expect(plannedTrials(sweep([], { maxTotalRuns: 12 }))).toBe(6);
    const random = sweep([], { sampling: { type: 'random', parameterSpace: { '--lr': ['uniform', [0, 1]] } } });
    expect(plannedTrials(random)).toBeNull();
  });

  it('counts an early-terminated trial once, as early terminated, and the rest by status', () => {
    const p = sweepProgress(
      sweep([
        trial(0, { status: 'Completed' }),
        trial(1, { status: 'Canceled', earlyTerminated: true }),
        trial(2, { status: 'Canceled' }),
        trial(3, { status: 'Running' }),
        trial(4, { status: 'Queued' }),
      ]),
    );
    expect(p).toEqual({
      completed: 1,
      failed: 0,
      canceled: 1,
      earlyTerminated: 1,
      running: 1,
      queued: 1,
      total: 6,
      notStarted: 1,
    });
  });

  it('draws the best so far in end order, by the goal', () => {
    const trials = [
      trial(0, { primaryValue: 0.5, endedAt: '2026-01-01T00:00:03Z' }),
      trial(1, { primaryValue: 0.9, endedAt: '2026-01-01T00:00:01Z' }),
      trial(2, { primaryValue: 0.7, endedAt: '2026-01-01T00:00:02Z' }),
      trial(3, { primaryValue: null, endedAt: '2026-01-01T00:00:04Z' }),
      trial(4, { primaryValue: 0.1, endedAt: null }),
    ];
    expect(bestSoFar(trials, 'maximize').map((p) => [p.runId, p.best])).toEqual([
      ['HD_x_1', 0.9],
      ['HD_x_2', 0.9],
      ['HD_x_0', 0.9],
    ]);
    expect(bestSoFar(trials, 'minimize').map((p) => p.best)).toEqual([0.9, 0.7, 0.5]);
  });

  it('sorts by the metric or a parameter, trials without a value last either way', () => {
    const trials = [
      trial(0, { primaryValue: 0.5, params: { '--lr': 0.3 } }),
      trial(1, { primaryValue: null, params: { '--lr': 0.1 } }),
      trial(2, { primaryValue: 0.9, params: { '--lr': 0.2 } }),
    ];
    const ids = (list: SweepTrial[]) => list.map((t) => t.n);
    expect(ids(sortTrials(trials, { kind: 'metric' }, 'desc'))).toEqual([2, 0, 1]);
    expect(ids(sortTrials(trials, { kind: 'metric' }, 'asc'))).toEqual([0, 2, 1]);
    expect(ids(sortTrials(trials, { kind: 'param', name: '--lr' }, 'asc'))).toEqual([1, 2, 0]);
  });

  it('puts numbers on value axes (log for log-uniform), choices and strings on category axes in value order', () => {
    const s = sweep([], {
      sampling: {
        type: 'random',
        parameterSpace: {
          '--lr': ['loguniform', [-6, -1]],
          '--opt': ['choice', [['a', 'b']]],
          '--n': ['randint', [5]],
        },
      },
    });
    const trials = [trial(0, { params: { '--lr': 0.01, '--opt': 'a', '--n': 3 } })];
    expect(axisKind(s, '--lr', trials)).toBe('log');
    expect(axisKind(s, '--opt', trials)).toBe('category');
    expect(axisKind(s, '--n', trials)).toBe('value');
    const grid = sweep([]);
    const choices = [
      trial(0, { params: { '--lr': 0.2 } }),
      trial(1, { params: { '--lr': 0.1 } }),
      trial(2, { params: { '--lr': 10 } }),
    ];
    expect(axisKind(grid, '--lr', choices)).toBe('category');
    expect(categoryValues('--lr', choices)).toEqual(['0.1', '0.2', '10']);
  });
});
