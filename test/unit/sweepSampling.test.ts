import { describe, expect, it } from 'vitest';
import type { ParameterExpression, SweepConfig } from '../../src/shared/api/sweepTypes';
import { SubmitSweep } from '../../src/shared/api/sweepTypes';
import { gridPoint, gridSize } from '../../src/main/core/sweeps/gridSampler';
import { parseSpace, trialArguments } from '../../src/main/core/sweeps/parameterSpace';
import { sampleRandom } from '../../src/main/core/sweeps/randomSampler';
import { checkSweep } from '../../src/main/core/sweeps/sweepValidation';
import type { Settings } from '../../src/shared/api/types';

const space = (s: Record<string, ParameterExpression>) => parseSpace(s);
// Many draws over many seeds (trial n costs n generator jumps, so a sweep's 1,000th trial is ~25 ms; 2,000 trials of one
// seed would make this test slow, not more telling).
const draws = (s: Record<string, ParameterExpression>, name: string, count = 2000, seed = 7) =>
  Array.from({ length: count }, (_, i) => sampleRandom(space(s), seed + i, i % 4)[name] as number);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('random sampling', () => {
  const s: Record<string, ParameterExpression> = { '--lr': ['uniform', [0.1, 1]], '--bs': ['choice', [[16, 32, 64]]] };

  it('is a pure function of (seed, trial number): a restarted owner samples the same', () => {
    expect(sampleRandom(space(s), 42, 5)).toEqual(sampleRandom(space(s), 42, 5));
    expect(sampleRandom(space(s), 42, 5)).not.toEqual(sampleRandom(space(s), 42, 6));
    expect(sampleRandom(space(s), 42, 5)).not.toEqual(sampleRandom(space(s), 43, 5));
  });

  it('uniform stays in [min, max) and averages its middle', () => {
    const xs = draws(s, '--lr');
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.55, 1);
  });

  it('choice picks every option about equally often', () => {
    const xs = draws(s, '--bs', 3000);
    for (const v of [16, 32, 64]) {
      const share = xs.filter((x) => x === v).length / xs.length;
      expect(share).toBeGreaterThan(0.29);
      expect(share).toBeLessThan(0.38);
    }
  });

  it('randint(5) gives the integers 0..4', () => {
    const xs = draws({ seed: ['randint', [5]] }, 'seed');
    expect(new Set(xs)).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('loguniform(a, b) is exp(uniform(a, b))', () => {
    const xs = draws({ lr: ['loguniform', [-6, -1]] }, 'lr');
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(Math.exp(-6));
    expect(Math.max(...xs)).toBeLessThanOrEqual(Math.exp(-1));
    expect(mean(xs.map(Math.log))).toBeCloseTo(-3.5, 1);
  });

  it('q forms round to multiples of q', () => {
    const q = draws({ n: ['quniform', [0, 10, 2]] }, 'n');
    expect(q.every((x) => x % 2 === 0 && x >= 0 && x <= 10)).toBe(true);
    expect(new Set(q)).toEqual(new Set([0, 2, 4, 6, 8, 10]));
    const ql = draws({ n: ['qloguniform', [0, 4, 5]] }, 'n');
    expect(ql.every((x) => x % 5 === 0 && x >= 0 && x <= Math.exp(4) + 5)).toBe(true);
    const qn = draws({ n: ['qnormal', [50, 10, 3]] }, 'n');
    expect(qn.every((x) => x % 3 === 0)).toBe(true);
  });

  it('normal and lognormal have their mean and spread', () => {
    const xs = draws({ x: ['normal', [10, 2]] }, 'x', 4000);
    expect(mean(xs)).toBeCloseTo(10, 0);
    const sd = Math.sqrt(mean(xs.map((x) => (x - 10) ** 2)));
    expect(sd).toBeGreaterThan(1.85);
    expect(sd).toBeLessThan(2.15);
    const ys = draws({ y: ['lognormal', [0, 0.5]] }, 'y');
    expect(ys.every((y) => y > 0)).toBe(true);
    expect(mean(ys.map(Math.log))).toBeCloseTo(0, 1);
  });
});

describe('grid sampling', () => {
  const s = space({ '--a': ['choice', [[1, 2]]], '--b': ['choice', [['x', 'y', 'z']]] });
  it("is every combination once, the last parameter varying fastest (itertools.product's order)", () => {
    expect(gridSize(s)).toBe(6);
    expect(Array.from({ length: 6 }, (_, n) => gridPoint(s, n))).toEqual([
      { '--a': 1, '--b': 'x' },
      { '--a': 1, '--b': 'y' },
      { '--a': 1, '--b': 'z' },
      { '--a': 2, '--b': 'x' },
      { '--a': 2, '--b': 'y' },
      { '--a': 2, '--b': 'z' },
    ]);
  });
});

describe('trial arguments', () => {
  it('appends --name value and lets the space override the template (as HyperDriveConfig does)', () => {
    expect(trialArguments(['--epochs', '3', '--lr', '0.5', '--verbose'], { '--lr': 0.1, bs: 16 })).toEqual([
      '--epochs',
      '3',
      '--verbose',
      '--lr',
      '0.1',
      '--bs',
      '16',
    ]);
  });
});

function config(over: Partial<SubmitSweep> & { sampling?: SubmitSweep['sampling'] }): SweepConfig {
  return SubmitSweep.parse({
    run: { sourceDirectory: '/src', script: 'train.py' },
    sampling: { type: 'random', parameterSpace: { '--lr': ['uniform', [0.1, 1]] } },
    primaryMetric: { name: 'acc', goal: 'maximize' },
    maxTotalRuns: 4,
    ...over,
  });
}
// checkSweep reads only the queue's capacity settings.
const settings = { queueCpus: 4, queueMaxConcurrentRuns: null } as Settings;

describe('submit checks (Azure wording)', () => {
  it('refuses reversed bounds', () => {
    expect(() =>
      checkSweep(config({ sampling: { type: 'random', parameterSpace: { lr: ['uniform', [1, 0.1]] } } }), settings),
    ).toThrow('uniform expects min_value < max_value');
    expect(() =>
      checkSweep(config({ sampling: { type: 'random', parameterSpace: { lr: ['loguniform', [0, -3]] } } }), settings),
    ).toThrow('loguniform expects min_value <= max_value');
    expect(() =>
      checkSweep(config({ sampling: { type: 'random', parameterSpace: { n: ['quniform', [0, 10, 0.5]] } } }), settings),
    ).toThrow('quniform expects q to be an int');
    expect(() =>
      checkSweep(config({ sampling: { type: 'random', parameterSpace: { n: ['normal', [0, -1]] } } }), settings),
    ).toThrow('normal expects sigma to be non negative');
    expect(() =>
      checkSweep(config({ sampling: { type: 'random', parameterSpace: { n: ['choice', [[]]] } } }), settings),
    ).toThrow('Please specify an input for choice.');
  });

  it('grid takes choice only; bayesian takes choice, quniform, uniform and no policy', () => {
    expect(() =>
      checkSweep(config({ sampling: { type: 'grid', parameterSpace: { lr: ['uniform', [0, 1]] } } }), settings),
    ).toThrow('This sampling method expects only the following distributions: [choice]');
    expect(() =>
      checkSweep(config({ sampling: { type: 'bayesian', parameterSpace: { lr: ['normal', [0, 1]] } } }), settings),
    ).toThrow('This sampling method expects only the following distributions: [choice, quniform, uniform]');
    expect(() =>
      checkSweep(
        config({
          sampling: { type: 'bayesian', parameterSpace: { lr: ['uniform', [0, 1]] } },
          policy: { type: 'median' },
        }),
        settings,
      ),
    ).toThrow('Bayesian sampling does not support early termination policies.');
  });

  it('random needs max_total_runs; grid defaults to its size', () => {
    expect(() => checkSweep(config({ maxTotalRuns: null }), settings)).toThrow(
      'HyperDriveConfig expects max_total_runs to be set',
    );
    const grid = checkSweep(
      config({ maxTotalRuns: null, sampling: { type: 'grid', parameterSpace: { a: ['choice', [[1, 2, 3]]] } } }),
      settings,
    );
    expect(grid.totalRuns).toBe(3);
    expect(grid.maxConcurrent).toBe(3);
  });

  it("max_total_runs and max_concurrent_runs stay within HyperDrive's 1..1000, refused in a sentence", () => {
    expect(() => checkSweep(config({ maxTotalRuns: 1001 }), settings)).toThrow(
      'HyperDriveConfig expects max_total_runs to be an integer between 1 and 1000.',
    );
    expect(() => checkSweep(config({ maxConcurrentRuns: 0 }), settings)).toThrow(
      'HyperDriveConfig expects max_concurrent_runs to be an integer between 1 and 1000.',
    );
    expect(checkSweep(config({ maxTotalRuns: 1000 }), settings).totalRuns).toBe(1000);
  });

  it("truncation_percentage outside 1..99 is refused in Azure's words; a duration over a week is lowered, warned", () => {
    expect(() => checkSweep(config({ policy: { type: 'truncation', truncationPercentage: 150 } }), settings)).toThrow(
      'truncation_percentage expects value to be between 1 and 99.',
    );
    const long = checkSweep(config({ maxDurationMinutes: 99_999 }), settings);
    expect(long.maxDurationMinutes).toBe(10_080);
    expect(long.warnings).toContain(
      'The experiment maximum duration provided exceeds the service limit of 10080 minutes. The maximum duration will be overridden with 10080 minutes.',
    );
    expect(() => checkSweep(config({ maxDurationMinutes: 0 }), settings)).toThrow(
      'HyperDriveConfig expects max_duration_minutes to be at least 1.',
    );
  });

  it("policy intervals and slack out of range are refused naming the parameter, not the schema's field", () => {
    expect(() => checkSweep(config({ policy: { type: 'median', evaluationInterval: 0 } }), settings)).toThrow(
      'evaluation_interval expects value to be 1 or more.',
    );
    expect(() => checkSweep(config({ policy: { type: 'median', delayEvaluation: -1 } }), settings)).toThrow(
      'delay_evaluation expects value to be 0 or more.',
    );
    expect(() => checkSweep(config({ policy: { type: 'bandit', slackFactor: -0.1 } }), settings)).toThrow(
      'Bandit termination policy expects slack_factor to be greater than 0.',
    );
  });

  it('Bandit needs exactly one slack', () => {
    expect(() =>
      checkSweep(config({ policy: { type: 'bandit', slackFactor: 0.1, slackAmount: 0.2 } }), settings),
    ).toThrow('Bandit termination policy expects exactly one of slack factor or slack amount to be set.');
  });

  it('accepts more concurrency than the slots, with the reason', () => {
    const checked = checkSweep(config({ maxTotalRuns: 10, maxConcurrentRuns: 8 }), settings);
    expect(checked.warnings.join('\n')).toMatch(
      /max_concurrent_runs=8 is more than this workspace can run at once \(4 CPU slots/,
    );
  });
});
