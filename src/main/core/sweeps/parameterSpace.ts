import { BenchtopError } from '../../../shared/errors';
import type { ParameterExpression } from '../../../shared/api/sweepTypes';

/** A sampled value as a trial gets it (and as SweepTrial.params records it). */
export type ParameterValue = number | string | boolean;

/** One parameter of the space, its arguments checked and named. */
export type Distribution =
  | { type: 'choice'; values: ParameterValue[] }
  | { type: 'randint'; upper: number }
  | { type: 'uniform' | 'loguniform'; min: number; max: number }
  | { type: 'quniform' | 'qloguniform'; min: number; max: number; q: number }
  | { type: 'normal' | 'lognormal'; mu: number; sigma: number }
  | { type: 'qnormal' | 'qlognormal'; mu: number; sigma: number; q: number };

/** azureml.train.hyperdrive's InvalidConfigSetting text: "{obj} expects {condition}". */
export function expects(obj: string, condition: string, hint: string): BenchtopError {
  return new BenchtopError('BAD_INPUT', `${obj} expects ${condition}`, hint);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIntegral = (v: unknown): v is number => isNumber(v) && Number.isInteger(v);

/**
 * Checks one expression as parameter_expressions.py does when it builds it (same conditions, same words), so a
 * space sent as JSON (or read from YAML) is refused exactly where the SDK would have refused it in Python.
 */
export function parseExpression(name: string, expression: ParameterExpression): Distribution {
  const [type, args] = expression;
  const where = `(parameter "${name}")`;
  const float = (value: unknown, arg: string): number => {
    if (!isNumber(value))
      throw expects(type, `${arg} to be a float`, `Give ${arg} as a number ${where}, e.g. ${type}(0.01, 0.1).`);
    return value;
  };
  const quantum = (value: unknown): number => {
    if (!isIntegral(value))
      throw expects(type, 'q to be an int', `Give q as a whole number ${where}, e.g. ${type}(0, 100, 5).`);
    return value;
  };
  switch (type) {
    case 'choice': {
      const values = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
      if (values.length === 0)
        throw new BenchtopError(
          'BAD_INPUT',
          'Please specify an input for choice.',
          `Give at least one value ${where}, e.g. choice(16, 32, 64).`,
        );
      for (const value of values)
        if (!isNumber(value) && typeof value !== 'string' && typeof value !== 'boolean')
          throw new BenchtopError(
            'BAD_INPUT',
            "Failed to validate a parameter distribution due to 'choice' values should be 'int', 'string' or 'float'.",
            `Give plain numbers or strings ${where}.`,
          );
      return { type, values: values as ParameterValue[] };
    }
    case 'randint': {
      const upper = args[0];
      if (!isIntegral(upper) || upper <= 0)
        throw expects(
          'randint',
          'a positive number as input',
          `Give the exclusive upper bound ${where}, e.g. randint(10).`,
        );
      return { type, upper };
    }
    case 'uniform':
    case 'loguniform':
    case 'quniform':
    case 'qloguniform': {
      const min = float(args[0], 'min_value');
      const max = float(args[1], 'max_value');
      const q = type === 'quniform' || type === 'qloguniform' ? quantum(args[2]) : null;
      // uniform and quniform need a range; the log forms accept min == max (parameter_expressions.py).
      const strict = type === 'uniform' || type === 'quniform';
      if (strict ? min >= max : min > max)
        throw expects(
          type,
          strict ? 'min_value < max_value' : 'min_value <= max_value',
          `Swap the bounds ${where}: ${type}(${Math.min(min, max)}, ${Math.max(min, max)}${q === null ? '' : `, ${q}`}).`,
        );
      return (q === null ? { type, min, max } : { type, min, max, q }) as Distribution;
    }
    case 'normal':
    case 'lognormal':
    case 'qnormal':
    case 'qlognormal': {
      const mu = float(args[0], 'mu');
      const sigma = float(args[1], 'sigma');
      const q = type === 'qnormal' || type === 'qlognormal' ? quantum(args[2]) : null;
      if (sigma < 0)
        throw expects(type, 'sigma to be non negative', `Give a standard deviation of 0 or more ${where}.`);
      return (q === null ? { type, mu, sigma } : { type, mu, sigma, q }) as Distribution;
    }
  }
}

/** Every parameter of the space, in the order given (the grid's order and the trial's argument order). */
export function parseSpace(space: Record<string, ParameterExpression>): [string, Distribution][] {
  const names = Object.keys(space);
  if (names.length === 0)
    throw expects(
      'HyperDriveConfig',
      'hyperparameter_sampling to be set',
      'Give at least one parameter, e.g. {"--lr": uniform(0.001, 0.1)}.',
    );
  return names.map((name) => [name, parseExpression(name, space[name] as ParameterExpression)]);
}

/** The argument a parameter becomes: "--lr" as given; a bare "lr" (the estimators' form) gets "--". */
export function argumentName(name: string): string {
  return name.startsWith('-') ? name : `--${name}`;
}

/**
 * The trial's arguments: the template's, minus any the space also sets (the space overrides them, as
 * HyperDriveConfig._remove_duplicate_arguments does), then `--name value` per parameter.
 */
export function trialArguments(template: string[], params: Record<string, ParameterValue>): string[] {
  const overridden = new Set(Object.keys(params).map((name) => argumentName(name).replace(/^-+/, '')));
  const kept: string[] = [];
  for (let i = 0; i < template.length; i++) {
    const arg = template[i] as string;
    const key = arg.startsWith('-') ? arg.replace(/^-+/, '').split('=')[0] : null;
    if (key && overridden.has(key)) {
      // "--lr 0.1" drops its value too; "--lr=0.1" is one word.
      if (!arg.includes('=') && i + 1 < template.length && !(template[i + 1] as string).startsWith('--')) i++;
      continue;
    }
    kept.push(arg);
  }
  for (const [name, value] of Object.entries(params)) kept.push(argumentName(name), String(value));
  return kept;
}

/** Template arguments the space overrides (for the submit warning Azure gives). */
export function duplicateArguments(template: string[], names: string[]): string[] {
  const space = new Set(names.map((name) => name.replace(/^-+/, '')));
  return template.filter((arg) => arg.startsWith('-') && space.has(arg.replace(/^-+/, '').split('=')[0] as string));
}
