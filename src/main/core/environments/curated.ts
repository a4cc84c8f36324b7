import type { EnvironmentDefinition } from '../../../shared/environments/definition';
import { scaffoldDefinition } from '../../../shared/environments/definition';

/**
 * Read-only starting points. Python is left unpinned so they build with this
 * machine's default interpreter; the lock records the exact versions.
 */
function curated(name: string, description: string, conda: string[], pip: string[]): EnvironmentDefinition {
  const base = scaffoldDefinition(name, '3');
  return {
    ...base,
    description,
    environmentVariables: {},
    python: {
      ...base.python,
      condaDependencies: {
        name: 'project_environment',
        channels: ['conda-forge'],
        dependencies: ['python', ...conda, 'pip', ...(pip.length > 0 ? [{ pip }] : [])],
      },
    },
  };
}

export const CURATED_ENVIRONMENTS: readonly EnvironmentDefinition[] = [
  curated('Benchtop-Minimal', 'Python only: the default environment for runs.', [], []),
  curated(
    'Benchtop-SKLearn',
    'NumPy, SciPy, scikit-learn, pandas, joblib and matplotlib.',
    ['numpy', 'scipy', 'scikit-learn', 'pandas', 'joblib', 'matplotlib'],
    [],
  ),
];
