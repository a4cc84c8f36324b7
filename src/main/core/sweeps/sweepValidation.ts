import os from 'node:os';
import { BenchtopError } from '../../../shared/errors';
import type { SweepConfig } from '../../../shared/api/sweepTypes';
import type { Settings } from '../../../shared/api/types';
import { type Distribution, duplicateArguments, expects, parseSpace } from './parameterSpace';
import { gridSize } from './gridSampler';

/** runconfig.py: Bayesian sampling works best with 20 runs per parameter, and 20 concurrent or fewer. */
const RECOMMENDED_MIN_RUNS_PER_PARAMETER_BAYESIAN = 20;
const RECOMMENDED_MAX_CONCURRENT_RUNS_BAYESIAN = 20;
/** runconfig.py's MAX_DURATION_MINUTES: the service cancels a HyperDrive run after a week. */
const MAX_DURATION_MINUTES = 10_080;

const SUPPORTED: Record<SweepConfig['sampling']['type'], string[] | null> = {
  random: null,
  grid: ['choice'],
  bayesian: ['choice', 'quniform', 'uniform'],
};

export interface CheckedSweep {
  space: [string, Distribution][];
  /** Trials to submit in all: max_total_runs, or the grid's size when smaller or not given. */
  totalRuns: number;
  /** max_concurrent_runs, or max_total_runs when not given (HyperDriveConfig's `or`). */
  maxConcurrent: number;
  /** max_duration_minutes, lowered to the service limit as Azure does (with its warning). */
  maxDurationMinutes: number;
  warnings: string[];
}

/**
 * The checks HyperDriveConfig, the samplers and the service make, with their wording; what Azure accepts with a
 * warning (Bayesian run counts, duplicate arguments, more concurrency than this machine's slots) is accepted here
 * with the same warning.
 */
export function checkSweep(config: SweepConfig, settings: Settings): CheckedSweep {
  const { sampling, policy } = config;
  const space = parseSpace(sampling.parameterSpace);
  const supported = SUPPORTED[sampling.type];
  if (supported)
    for (const [name, d] of space)
      if (!supported.includes(d.type))
        throw expects(
          'This sampling method',
          `only the following distributions: [${supported.join(', ')}]`,
          sampling.type === 'grid'
            ? `Grid sampling enumerates choices: write "${name}" as choice(...), or use random sampling.`
            : `Write "${name}" as ${supported.join(', ')}, or use random sampling.`,
        );
  if (sampling.type === 'bayesian') {
    for (const [name, d] of space)
      if (d.type === 'quniform') {
        if (![d.min, d.max, d.q].every(Number.isInteger))
          throw new BenchtopError(
            'BAD_INPUT',
            'Failed to validate a parameter distribution due to Expected quniform arguments to be int.',
            `Give whole numbers to quniform for "${name}", or use uniform.`,
          );
        if ((d.max - d.min) / d.q > 100_000)
          throw new BenchtopError(
            'BAD_INPUT',
            'Failed to validate a parameter distribution due to Too many discrete points for quniform distribution. Use larger q or uniform instead.',
            `Use a larger q for "${name}", or uniform.`,
          );
      } else if (d.type === 'choice' && d.values.some((v) => typeof v === 'boolean'))
        throw new BenchtopError(
          'BAD_INPUT',
          "Failed to validate a parameter distribution due to 'choice' values should be 'int', 'string' or 'float'.",
          `Give "${name}"'s choices as numbers or strings.`,
        );
      else if (
        d.type === 'choice' &&
        d.values.some((v) => typeof v === 'string') &&
        !d.values.every((v) => typeof v === 'string')
      )
        throw new BenchtopError(
          'BAD_INPUT',
          "Failed to validate a parameter distribution due to Either all or none of the 'choice' values should be 'str' type.",
          `Give "${name}"'s choices all as strings or all as numbers.`,
        );
    if (policy.type !== 'none')
      throw new BenchtopError(
        'BAD_INPUT',
        'Bayesian sampling does not support early termination policies.',
        'When using Bayesian parameter sampling, use NoTerminationPolicy, set early termination policy to None, ' +
          'or leave off the early_termination_policy parameter (in YAML: drop the policy section).',
      );
  }
  if (policy.type === 'bandit' && (policy.slackFactor === null) === (policy.slackAmount === null))
    throw expects(
      'Bandit termination policy',
      'exactly one of slack factor or slack amount to be set.',
      'Give slack_factor (a ratio, e.g. 0.1) or slack_amount (an absolute amount), not both.',
    );

  checkPolicyRanges(policy);
  if (policy.type === 'truncation' && (policy.truncationPercentage < 1 || policy.truncationPercentage > 99))
    throw expects(
      'truncation_percentage',
      'value to be between 1 and 99.',
      `Give the share of trials to stop at each interval as a whole percentage from 1 to 99 (it was ${policy.truncationPercentage}).`,
    );
  if (config.maxDurationMinutes < 1)
    throw expects(
      'HyperDriveConfig',
      'max_duration_minutes to be at least 1.',
      `Give max_duration_minutes in whole minutes, up to ${MAX_DURATION_MINUTES} (the default).`,
    );
  checkRunCount('max_total_runs', config.maxTotalRuns);
  checkRunCount('max_concurrent_runs', config.maxConcurrentRuns);
  const grid = sampling.type === 'grid' ? gridSize(space) : null;
  if (config.maxTotalRuns === null && grid === null)
    throw expects(
      'HyperDriveConfig',
      'max_total_runs to be set',
      `${sampling.type === 'bayesian' ? 'Bayesian' : 'Random'} sampling has no end of its own: give max_total_runs (e.g. 20).`,
    );
  const totalRuns = Math.min(config.maxTotalRuns ?? Number.POSITIVE_INFINITY, grid ?? Number.POSITIVE_INFINITY);
  const maxConcurrent = config.maxConcurrentRuns ?? config.maxTotalRuns ?? totalRuns;

  const warnings: string[] = [];
  if (config.maxDurationMinutes > MAX_DURATION_MINUTES)
    warnings.push(
      `The experiment maximum duration provided exceeds the service limit of ${MAX_DURATION_MINUTES} minutes. ` +
        `The maximum duration will be overridden with ${MAX_DURATION_MINUTES} minutes.`,
    );
  if (sampling.type === 'bayesian') {
    const recommended = RECOMMENDED_MIN_RUNS_PER_PARAMETER_BAYESIAN * space.length;
    if (totalRuns < recommended)
      warnings.push(
        'For best results with Bayesian Sampling we recommend using a maximum number of runs greater than or equal to ' +
          `${RECOMMENDED_MIN_RUNS_PER_PARAMETER_BAYESIAN} times the number of hyperparameters being tuned. Recommendend value:${recommended}.`,
      );
    if (maxConcurrent > RECOMMENDED_MAX_CONCURRENT_RUNS_BAYESIAN)
      warnings.push(
        `We recommend using ${RECOMMENDED_MAX_CONCURRENT_RUNS_BAYESIAN} max concurrent runs or fewer when using Bayesian sampling since a higher number might not provide the best result.`,
      );
  }
  if (grid !== null && config.maxTotalRuns !== null && config.maxTotalRuns > grid)
    warnings.push(
      `The grid has ${grid} points: the sweep runs ${grid} trials, not max_total_runs=${config.maxTotalRuns}.`,
    );
  const duplicates = duplicateArguments(config.run.arguments ?? [], Object.keys(sampling.parameterSpace));
  if (duplicates.length)
    warnings.push(
      'The same input parameter(s) are specified in estimator/run_config script params and HyperDrive parameter space. ' +
        'HyperDrive parameter space definition will override these duplicate entries. ' +
        `${JSON.stringify(duplicates)} is the list of overridden parameter(s).`,
    );
  const slots = concurrentSlots(settings, config.run.resources?.cpus ?? 1);
  if (Math.min(maxConcurrent, totalRuns) > slots.count)
    warnings.push(
      `max_concurrent_runs=${maxConcurrent} is more than this workspace can run at once (${slots.why}): ` +
        `at most ${slots.count} trials run together, the rest wait in the queue.`,
    );
  const maxDurationMinutes = Math.min(config.maxDurationMinutes, MAX_DURATION_MINUTES);
  return { space, totalRuns, maxConcurrent, maxDurationMinutes, warnings };
}

/** When a policy looks, and Bandit's slack: ranges the SDK leaves to the service, refused here with the fix. */
function checkPolicyRanges(policy: SweepConfig['policy']): void {
  if (policy.type === 'none') return;
  if (policy.evaluationInterval < 1)
    throw expects(
      'evaluation_interval',
      'value to be 1 or more.',
      `The policy looks every evaluation_interval logs of the primary metric: give 1 or more (it was ${policy.evaluationInterval}).`,
    );
  if (policy.delayEvaluation < 0)
    throw expects(
      'delay_evaluation',
      'value to be 0 or more.',
      `delay_evaluation is how many logs to wait before the first evaluation: give 0 or more (it was ${policy.delayEvaluation}).`,
    );
  if (policy.type === 'bandit')
    for (const [name, value] of [
      ['slack_factor', policy.slackFactor],
      ['slack_amount', policy.slackAmount],
    ] as const)
      if (value !== null && value <= 0)
        throw expects(
          'Bandit termination policy',
          `${name} to be greater than 0.`,
          `Give ${name} as a positive number, e.g. ${name}: 0.1 (it was ${value}).`,
        );
}

/** HyperDrive runs 1 to 1000 trials per sweep (and at most that many at once); the SDK checks it the same way. */
const MAX_RUNS_PER_SWEEP = 1000;

function checkRunCount(name: 'max_total_runs' | 'max_concurrent_runs', value: number | null): void {
  if (value === null || (value >= 1 && value <= MAX_RUNS_PER_SWEEP)) return;
  throw expects(
    'HyperDriveConfig',
    `${name} to be an integer between 1 and ${MAX_RUNS_PER_SWEEP}.`,
    `Give ${name} a value from 1 to ${MAX_RUNS_PER_SWEEP} (it was ${value}); for more trials, submit a second sweep.`,
  );
}

/** How many runs of `cpus` CPUs the queue can run at once (CPU slots and the workspace limit). */
function concurrentSlots(settings: Settings, cpus: number): { count: number; why: string } {
  const cores = settings.queueCpus ?? os.availableParallelism();
  const byCpu = Math.max(1, Math.floor(cores / cpus));
  const limit = settings.queueMaxConcurrentRuns;
  if (limit !== null && limit < byCpu) return { count: limit, why: `Settings: at most ${limit} runs at once` };
  return { count: byCpu, why: `${cores} CPU slots, ${cpus} per trial` };
}
