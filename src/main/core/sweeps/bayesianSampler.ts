import { execFile } from 'node:child_process';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import { runtimeDir } from '../python/runtimeDir';
import type { ToolEnvironments, ToolSpec } from '../tools/toolEnvironment';
import type { Goal } from './policies';
import type { Distribution, ParameterValue } from './parameterSpace';

/**
 * Optuna's TPE sampler (not a hand-written optimiser), in a Benchtop tool environment: optuna and every
 * dependency pinned, so the environment (and what it suggests for a seed) is the same on every machine.
 */
export const OPTUNA_TOOL: ToolSpec = {
  name: 'optuna',
  requirements: [
    'optuna==5.0.0',
    'alembic==1.20.1',
    'colorlog==6.12.0',
    'Mako==1.4.3',
    'MarkupSafe==3.0.4',
    'numpy==2.4.6',
    'packaging==26.4',
    'PyYAML==6.0.4',
    'SQLAlchemy==2.1.9',
    'tqdm==4.70.1',
    'typing_extensions==4.16.0',
  ],
  check: 'import optuna.samplers',
};

export interface ToldTrial {
  params: Record<string, ParameterValue>;
  /** The primary metric's best value; null: failed or never logged (told as failed). */
  value: number | null;
}

/**
 * The optuna tool, built when missing. Refused with the fix when it cannot be installed (offline without its
 * wheels, or no index), which is what a Bayesian sweep is refused with at submit.
 */
export async function ensureOptuna(tools: ToolEnvironments): Promise<string> {
  try {
    return (await tools.ensure(OPTUNA_TOOL, () => undefined)).python;
  } catch (err) {
    if (err instanceof BenchtopError && err.code === 'PACKAGE_UNAVAILABLE')
      throw new BenchtopError(
        'PACKAGE_UNAVAILABLE',
        `Bayesian sampling needs Optuna, which cannot be installed here: ${err.message}`,
        `Add its wheels (pip download ${OPTUNA_TOOL.requirements.join(' ')} -d wheels/ on a machine with network access, ` +
          'then `benchtop wheel add wheels/optuna-*.whl` and each other file), or go online; ' +
          'random and grid sampling work without it.',
      );
    throw err;
  }
}

/** Asks TPE for the next point, told every finished trial; seeded by (sweep seed, trial number). */
export async function suggestBayesian(
  python: string,
  space: [string, Distribution][],
  goal: Goal,
  seed: number,
  trials: ToldTrial[],
): Promise<Record<string, ParameterValue>> {
  const script = path.join(runtimeDir(), 'tools', 'optuna_suggest.py');
  const request = JSON.stringify({ space, goal, seed, trials });
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONNOUSERSITE: '1' };
  delete env.PYTHONPATH;
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(python, [script], { env, maxBuffer: 1024 * 1024 }, (error, out, stderr) => {
      if (error)
        reject(
          new BenchtopError(
            'INTERNAL',
            `Optuna could not suggest the next trial: ${stderr.trim().split('\n').pop() ?? error.message}`,
            'The sweep asks again on its next step (three failures in a row end it).',
          ),
        );
      else resolve(out);
    });
    child.stdin?.end(request);
  });
  return (JSON.parse(stdout) as { params: Record<string, ParameterValue> }).params;
}
