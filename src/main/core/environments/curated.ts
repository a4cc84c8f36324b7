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

const SKLEARN_STACK = ['numpy', 'scipy', 'scikit-learn', 'pandas', 'joblib', 'matplotlib'];

/**
 * Azure ML's curated names that v1 samples and docs use (`Environment.get(ws, "AzureML-Minimal")`),
 * as local definitions. Azure's are images with pinned Python and framework versions and the
 * azureml SDK inside; here they have the content of the Benchtop environment that serves the same
 * purpose (so they share its build), because the runtime provides the azureml package and pinned
 * old versions (Python 3.6, scikit-learn 0.20) would not build on a current machine. Names in the
 * Python SDK match in any letter case (`azureml-sklearn-...` finds `AzureML-sklearn-...`).
 */
function azureMinimal(name: string): EnvironmentDefinition {
  return curated(name, `Azure ML's ${name}, locally: Python only (as Benchtop-Minimal).`, [], []);
}

function azureSklearn(name: string): EnvironmentDefinition {
  return curated(
    name,
    `Azure ML's ${name}, locally: NumPy, SciPy, scikit-learn, pandas, joblib and matplotlib, unpinned (as Benchtop-SKLearn).`,
    SKLEARN_STACK,
    [],
  );
}

export const CURATED_ENVIRONMENTS: readonly EnvironmentDefinition[] = [
  curated('Benchtop-Minimal', 'Python only: the default environment for runs.', [], []),
  curated('Benchtop-SKLearn', 'NumPy, SciPy, scikit-learn, pandas, joblib and matplotlib.', SKLEARN_STACK, []),
  azureMinimal('AzureML-Minimal'),
  azureMinimal('AzureML-minimal-ubuntu18.04-py37-cpu-inference'),
  azureSklearn('AzureML-Tutorial'),
  azureSklearn('AzureML-Scikit-learn-0.20.3'),
  azureSklearn('AzureML-sklearn-0.24-ubuntu18.04-py37-cpu'),
  azureSklearn('AzureML-sklearn-1.0-ubuntu20.04-py38-cpu'),
];
