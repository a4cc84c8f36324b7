import { parse as parseYaml, parseDocument } from 'yaml';
import {
  PARAMETER_TYPES,
  type ParameterExpression,
  type PolicyConfig,
  type SubmitSweep,
} from '../../../shared/api/sweepTypes';
import { BenchtopError } from '../../../shared/errors';

/** The trial template's part a sweep file may hold (the CLI's flags fill or override it). */
export interface SweepFileRun {
  script?: string;
  sourceDirectory?: string;
  arguments?: string[];
  environment?: string;
  experiment?: string;
}

export type SweepFile = Omit<SubmitSweep, 'run'> & { run: SweepFileRun };

const TOP_KEYS = new Set([
  'sampling',
  'policy',
  'primary_metric',
  'primary_metric_name',
  'primary_metric_goal',
  'max_total_runs',
  'max_concurrent_runs',
  'max_duration_minutes',
  'script',
  'source_directory',
  'arguments',
  'environment',
  'experiment',
  'experiment_name',
]);

const SAMPLING_TYPES: Record<string, 'random' | 'grid' | 'bayesian'> = {
  random: 'random',
  randomparametersampling: 'random',
  grid: 'grid',
  gridparametersampling: 'grid',
  bayesian: 'bayesian',
  bayesianoptimization: 'bayesian',
  bayesianparametersampling: 'bayesian',
};

const POLICY_TYPES: Record<string, PolicyConfig['type']> = {
  banditpolicy: 'bandit',
  bandit: 'bandit',
  medianstoppingpolicy: 'median',
  medianstopping: 'median',
  median: 'median',
  truncationselectionpolicy: 'truncation',
  truncationselection: 'truncation',
  truncation: 'truncation',
  noterminationpolicy: 'none',
  default: 'none',
  none: 'none',
};

function bad(file: string, message: string, hint: string): BenchtopError {
  return new BenchtopError('BAD_INPUT', `${file}: ${message}`, hint);
}

/**
 * Reads the v1 CLI's HyperDrive configuration file (az ml run submit-hyperdrive --hyperdrive-configuration-name):
 *   sampling: {type: random|grid|bayesian, parameter_space: [{name: --lr, expression: uniform, values: [0.01, 0.1]}]}
 *   policy: {type: BanditPolicy, evaluation_interval: 1, slack_factor: 0.2}
 *   primary_metric_name: accuracy / primary_metric_goal: maximize   (or primary_metric: {name, goal})
 *   max_total_runs, max_concurrent_runs, max_duration_minutes
 * parameter_space may also be a mapping of name -> "uniform(0.01, 0.1)" (the SDK's call written out), and the file
 * may carry the run: script, source_directory, arguments, environment, experiment.
 */
export function parseSweepYaml(text: string, file = 'sweep.yml'): SweepFile {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const error = doc.errors[0];
    const line = error?.linePos?.[0];
    throw new BenchtopError(
      'PARSE_ERROR',
      `${file}${line ? ` line ${line.line}` : ''}: ${error?.message.split('\n')[0]}`,
      'Fix the YAML syntax (indentation, a missing colon).',
      line ? { file, line: line.line, column: line.col } : undefined,
    );
  }
  const root = doc.toJS() as unknown;
  if (!isRecord(root))
    throw bad(
      file,
      'is not a HyperDrive configuration (a mapping).',
      'Start from the example in `benchtop sweep submit --help`.',
    );
  for (const key of Object.keys(root))
    if (!TOP_KEYS.has(key)) throw bad(file, `unknown key "${key}".`, `Use ${[...TOP_KEYS].join(', ')}.`);

  const sampling = root.sampling;
  if (!isRecord(sampling))
    throw bad(file, 'needs a sampling section.', 'sampling: {type: random, parameter_space: [...]}');
  const samplingType = SAMPLING_TYPES[String(sampling.type ?? 'random').toLowerCase()];
  if (!samplingType)
    throw bad(file, `sampling type "${String(sampling.type)}" is not known.`, 'Use random, grid or bayesian.');
  const parameterSpace = readSpace(file, sampling.parameter_space);

  const metric = isRecord(root.primary_metric) ? root.primary_metric : {};
  const metricName = metric.name ?? root.primary_metric_name;
  const goal = String(metric.goal ?? root.primary_metric_goal ?? '').toLowerCase();
  if (typeof metricName !== 'string' || !metricName)
    throw bad(file, 'needs primary_metric_name.', 'The metric your script logs, e.g. primary_metric_name: accuracy.');
  if (goal !== 'maximize' && goal !== 'minimize')
    throw bad(
      file,
      "The primary metric goal expects either 'maximize' or 'minimize'.",
      'primary_metric_goal: maximize',
    );

  const run: SweepFileRun = {};
  if (root.script !== undefined) run.script = String(root.script);
  if (root.source_directory !== undefined) run.sourceDirectory = String(root.source_directory);
  if (root.environment !== undefined) run.environment = String(root.environment);
  const experiment = root.experiment ?? root.experiment_name;
  if (experiment !== undefined) run.experiment = String(experiment);
  if (root.arguments !== undefined) {
    if (!Array.isArray(root.arguments)) throw bad(file, 'arguments must be a list.', 'arguments: [--epochs, 10]');
    run.arguments = root.arguments.map(String);
  }
  return {
    run,
    sampling: { type: samplingType, parameterSpace, seed: typeof sampling.seed === 'number' ? sampling.seed : null },
    policy: readPolicy(file, root.policy),
    primaryMetric: { name: metricName, goal },
    maxTotalRuns: integerOrNull(file, 'max_total_runs', root.max_total_runs),
    maxConcurrentRuns: integerOrNull(file, 'max_concurrent_runs', root.max_concurrent_runs),
    ...(root.max_duration_minutes !== undefined
      ? { maxDurationMinutes: integerOrNull(file, 'max_duration_minutes', root.max_duration_minutes) ?? undefined }
      : {}),
  };
}

function readSpace(file: string, space: unknown): Record<string, ParameterExpression> {
  const out: Record<string, ParameterExpression> = {};
  if (Array.isArray(space)) {
    for (const entry of space) {
      if (!isRecord(entry) || typeof entry.name !== 'string')
        throw bad(
          file,
          'each parameter_space entry needs a name.',
          '- name: --lr\n  expression: uniform\n  values: [0.01, 0.1]',
        );
      const type = String(entry.expression ?? '').toLowerCase();
      out[entry.name] = expression(file, entry.name, type, entry.values);
    }
  } else if (isRecord(space)) {
    for (const [name, text] of Object.entries(space)) {
      const match = typeof text === 'string' ? /^\s*([a-z]+)\s*\((.*)\)\s*$/s.exec(text) : null;
      if (!match)
        throw bad(
          file,
          `parameter "${name}" is not an expression.`,
          `Write it as the SDK's call, e.g. "${name}": "uniform(0.01, 0.1)".`,
        );
      // The arguments are a YAML flow sequence ("0.01, 0.1" or "'adam', 'sgd'"): the yaml package reads them.
      let args: unknown;
      try {
        args = parseYaml(`[${match[2]}]`);
      } catch {
        throw bad(
          file,
          `parameter "${name}": cannot read the arguments of ${match[1]}(${match[2]}).`,
          'Give numbers or quoted strings, separated by commas.',
        );
      }
      out[name] = expression(file, name, (match[1] as string).toLowerCase(), args);
    }
  } else
    throw bad(
      file,
      'sampling needs a parameter_space.',
      'parameter_space: [{name: --lr, expression: uniform, values: [0.01, 0.1]}]',
    );
  if (Object.keys(out).length === 0) throw bad(file, 'parameter_space is empty.', 'Give at least one parameter.');
  return out;
}

function expression(file: string, name: string, type: string, values: unknown): ParameterExpression {
  if (!(PARAMETER_TYPES as readonly string[]).includes(type))
    throw bad(file, `parameter "${name}": unknown expression "${type}".`, `Use one of ${PARAMETER_TYPES.join(', ')}.`);
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  // choice(a, b) and choice([a, b]) are one list of options, as parameter_expressions.choice makes them.
  if (type === 'choice') return ['choice', [list.length === 1 && Array.isArray(list[0]) ? list[0] : list]];
  return [type as ParameterExpression[0], list];
}

function readPolicy(file: string, policy: unknown): PolicyConfig {
  if (policy === undefined || policy === null) return { type: 'none' };
  if (!isRecord(policy))
    throw bad(file, 'policy must be a mapping.', 'policy: {type: BanditPolicy, slack_factor: 0.1}');
  const type = POLICY_TYPES[String(policy.type ?? '').toLowerCase()];
  if (!type)
    throw bad(
      file,
      `policy type "${String(policy.type)}" is not known.`,
      'Use BanditPolicy, MedianStoppingPolicy, TruncationSelectionPolicy or NoTerminationPolicy.',
    );
  const allowed: Record<PolicyConfig['type'], string[]> = {
    none: [],
    bandit: ['evaluation_interval', 'delay_evaluation', 'slack_factor', 'slack_amount'],
    median: ['evaluation_interval', 'delay_evaluation'],
    truncation: ['evaluation_interval', 'delay_evaluation', 'truncation_percentage', 'exclude_finished_jobs'],
  };
  for (const key of Object.keys(policy))
    if (key !== 'type' && !allowed[type].includes(key))
      throw bad(
        file,
        `policy ${String(policy.type)} has no "${key}".`,
        allowed[type].length ? `It takes ${allowed[type].join(', ')}.` : 'It takes no settings.',
      );
  const interval = {
    evaluationInterval: (policy.evaluation_interval as number | undefined) ?? 1,
    delayEvaluation: (policy.delay_evaluation as number | undefined) ?? 0,
  };
  switch (type) {
    case 'none':
      return { type };
    case 'bandit':
      return {
        type,
        ...interval,
        slackFactor: (policy.slack_factor as number | undefined) ?? null,
        slackAmount: (policy.slack_amount as number | undefined) ?? null,
      };
    case 'median':
      return { type, ...interval };
    case 'truncation':
      return {
        type,
        ...interval,
        truncationPercentage: policy.truncation_percentage as number,
        excludeFinishedJobs: Boolean(policy.exclude_finished_jobs ?? false),
      };
  }
}

function integerOrNull(file: string, key: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw bad(file, `${key} must be a whole number of 1 or more.`, `${key}: 10`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
