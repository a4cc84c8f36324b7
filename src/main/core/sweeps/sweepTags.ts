import type { PolicyConfig, SweepConfig } from '../../../shared/api/sweepTypes';
import type { ParameterValue } from './parameterSpace';

/** Azure's sampling names (sampling.py SAMPLING_NAME). */
const SAMPLING_NAMES = { random: 'RANDOM', grid: 'GRID', bayesian: 'BayesianOptimization' } as const;

/** HyperDriveConfig._generator_config: what the parent's generator_config tag holds. */
export function generatorConfig(config: SweepConfig): { name: string; parameter_space: Record<string, unknown> } {
  return { name: SAMPLING_NAMES[config.sampling.type], parameter_space: config.sampling.parameterSpace };
}

/** EarlyTerminationPolicy.to_json(): the policy_config tag, with Azure's names and properties. */
export function policyConfig(policy: PolicyConfig): { name: string; properties?: Record<string, unknown> } {
  switch (policy.type) {
    case 'none':
      return { name: 'Default' };
    case 'bandit':
      return {
        name: 'Bandit',
        properties: {
          evaluation_interval: policy.evaluationInterval,
          delay_evaluation: policy.delayEvaluation,
          ...(policy.slackFactor !== null
            ? { slack_factor: policy.slackFactor }
            : { slack_amount: policy.slackAmount }),
        },
      };
    case 'median':
      return {
        name: 'MedianStopping',
        properties: { evaluation_interval: policy.evaluationInterval, delay_evaluation: policy.delayEvaluation },
      };
    case 'truncation':
      return {
        name: 'TruncationSelection',
        properties: {
          evaluation_interval: policy.evaluationInterval,
          delay_evaluation: policy.delayEvaluation,
          truncation_percentage: policy.truncationPercentage,
          exclude_finished_jobs: policy.excludeFinishedJobs,
        },
      };
  }
}

/**
 * The tags Azure puts on a HyperDrive parent, under their "_aml_system_" names and the legacy plain ones
 * (HyperDriveRun reads either: runconfig.py _get_tag_from_dict).
 */
export function parentTags(config: SweepConfig, totalRuns: number, maxConcurrent: number): Record<string, string> {
  const values: Record<string, string> = {
    generator_config: JSON.stringify(generatorConfig(config)),
    primary_metric_config: JSON.stringify(config.primaryMetric),
    max_total_jobs: String(totalRuns),
    max_concurrent_jobs: String(maxConcurrent),
    max_duration_minutes: String(config.maxDurationMinutes),
    policy_config: JSON.stringify(policyConfig(config.policy)),
    platform_config: JSON.stringify({ ExperimentName: config.run.experiment || 'Default', Platform: 'Benchtop' }),
  };
  return Object.fromEntries(
    Object.entries(values).flatMap(([key, value]) => [
      [`_aml_system_${key}`, value],
      [key, value],
    ]),
  );
}

/** The properties Azure sets on the parent at submit; best_child_run_id / score come when the sweep ends. */
export function parentProperties(config: SweepConfig, totalRuns: number): Record<string, string> {
  return {
    primary_metric_config: JSON.stringify(config.primaryMetric),
    resume_from: 'null',
    runTemplate: 'HyperDrive',
    'azureml.runsource': 'hyperdrive',
    platform: 'AML',
    space_size: config.sampling.type === 'grid' ? String(totalRuns) : 'infinite_space_size',
  };
}

/** The parent's tag for one child: get_hyperparameters() reads "_aml_system_<child id>" -> the params' JSON. */
export function childParamsTag(childId: string, params: Record<string, ParameterValue>): Record<string, string> {
  return { [`_aml_system_${childId}`]: JSON.stringify(params) };
}
