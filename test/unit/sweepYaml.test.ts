import { describe, expect, it } from 'vitest';
import { SubmitSweep } from '../../src/shared/api/sweepTypes';
import { parseSweepYaml } from '../../src/main/core/sweeps/sweepYaml';

describe('the v1 CLI HyperDrive configuration file', () => {
  it('reads sampling, policy, the primary metric and the limits', () => {
    const file = parseSweepYaml(`
sampling:
  type: random # Supported options: Random, Grid, Bayesian
  parameter_space:
  - name: --penalty
    expression: choice
    values: [0.5, 1, 1.5]
  - name: --learning-rate
    expression: loguniform
    values: [-6, -1]
  - name: --units
    expression: quniform
    values: [16, 128, 16]
policy:
  type: BanditPolicy
  evaluation_interval: 2
  delay_evaluation: 4
  slack_factor: 0.2
primary_metric_name: Accuracy
primary_metric_goal: Maximize
max_total_runs: 8
max_concurrent_runs: 2
max_duration_minutes: 100
`);
    expect(file.sampling).toEqual({
      type: 'random',
      seed: null,
      parameterSpace: {
        '--penalty': ['choice', [[0.5, 1, 1.5]]],
        '--learning-rate': ['loguniform', [-6, -1]],
        '--units': ['quniform', [16, 128, 16]],
      },
    });
    expect(file.policy).toEqual({
      type: 'bandit',
      evaluationInterval: 2,
      delayEvaluation: 4,
      slackFactor: 0.2,
      slackAmount: null,
    });
    expect(file.primaryMetric).toEqual({ name: 'Accuracy', goal: 'maximize' });
    expect([file.maxTotalRuns, file.maxConcurrentRuns, file.maxDurationMinutes]).toEqual([8, 2, 100]);
    // What it reads is a valid SubmitSweep once the run is given.
    expect(() => SubmitSweep.parse({ ...file, run: { sourceDirectory: '/src', script: 'train.py' } })).not.toThrow();
  });

  it('reads a parameter_space mapping of SDK calls, primary_metric {name, goal} and the run section', () => {
    const file = parseSweepYaml(`
script: train.py
source_directory: src
arguments: [--epochs, 5]
environment: sklearn-env:2
experiment: tune
sampling:
  type: grid
  parameter_space:
    --optimizer: choice('adam', 'sgd')
    --batch: choice([16, 32])
primary_metric: {name: loss, goal: minimize}
policy: {type: TruncationSelectionPolicy, truncation_percentage: 20, exclude_finished_jobs: true}
`);
    expect(file.run).toEqual({
      script: 'train.py',
      sourceDirectory: 'src',
      arguments: ['--epochs', '5'],
      environment: 'sklearn-env:2',
      experiment: 'tune',
    });
    expect(file.sampling.parameterSpace).toEqual({
      '--optimizer': ['choice', [['adam', 'sgd']]],
      '--batch': ['choice', [[16, 32]]],
    });
    expect(file.primaryMetric).toEqual({ name: 'loss', goal: 'minimize' });
    expect(file.maxTotalRuns).toBeNull();
    expect(file.policy).toEqual({
      type: 'truncation',
      evaluationInterval: 1,
      delayEvaluation: 0,
      truncationPercentage: 20,
      excludeFinishedJobs: true,
    });
  });

  it('names what is wrong and how to fix it', () => {
    const base = 'sampling: {type: random, parameter_space: [{name: --lr, expression: uniform, values: [0.1, 1]}]}\n';
    expect(() => parseSweepYaml(`${base}primary_metric_name: acc\nprimary_metric_goal: up\n`)).toThrow(
      "The primary metric goal expects either 'maximize' or 'minimize'.",
    );
    expect(() => parseSweepYaml(`${base}primary_metric_name: acc\nprimary_metric_goal: max\nmax_runs: 3\n`)).toThrow(
      'unknown key "max_runs"',
    );
    expect(() =>
      parseSweepYaml(
        `${base}primary_metric_name: acc\nprimary_metric_goal: maximize\npolicy: {type: MedianStoppingPolicy, slack_factor: 0.1}\n`,
      ),
    ).toThrow('policy MedianStoppingPolicy has no "slack_factor"');
    expect(() =>
      parseSweepYaml(
        'sampling: {type: random, parameter_space: [{name: --lr, expression: gaussian, values: [0, 1]}]}\nprimary_metric_name: a\nprimary_metric_goal: maximize\n',
      ),
    ).toThrow('unknown expression "gaussian"');
    expect(() => parseSweepYaml('sampling:\n  type: random\n   parameter_space: x\n', 'bad.yml')).toThrow(
      /bad\.yml line \d/,
    );
  });
});
