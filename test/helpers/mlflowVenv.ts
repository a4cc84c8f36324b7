import fs from 'node:fs';
import path from 'node:path';
import { cachedVenv } from './sdkVenv';
import { ROOT, runCli } from './workspace';

/**
 * The real MLflow client from the package index, shared by every MLflow test (tracking, models,
 * serving, import): mlflow-skinny (the client and the flavors, no server) with scikit-learn and
 * pandas for autolog and pyfunc models, and skops (mlflow 3.17's default scikit-learn format; the full `mlflow`
 * depends on it, mlflow-skinny does not). Kept between test runs under node_modules/.cache (big).
 */
export const MLFLOW_VERSION = '3.17.2';

export const MLFLOW_VENV = path.join(ROOT, 'node_modules', '.cache', 'benchtop-mlflow-venv');

/** Its python, or null when the package index cannot be reached (callers fail under CI=true). */
export function mlflowPython(): Promise<string | null> {
  return cachedVenv(
    MLFLOW_VENV,
    `import mlflow, sklearn, pandas, skops; assert mlflow.__version__ == "${MLFLOW_VERSION}"`,
    [`mlflow-skinny==${MLFLOW_VERSION}`, 'scikit-learn', 'pandas', 'skops'],
    { timeoutMs: 900_000 },
  );
}

/**
 * Registers `mlflow-venv`, a user-managed environment on that venv's python, in WORKSPACE (its
 * definition folder under ROOT/env), so runs use the real client without installing it again.
 */
export async function registerMlflowVenvEnvironment(
  workspace: string,
  root: string,
  python: string | null,
): Promise<void> {
  if (!python) throw new Error('The mlflow venv is missing (mlflowPython() gave none).');
  const envDir = path.join(root, 'env');
  fs.mkdirSync(envDir, { recursive: true });
  fs.writeFileSync(
    path.join(envDir, 'azureml_environment.json'),
    JSON.stringify({ name: 'mlflow-venv', python: { userManagedDependencies: true, interpreterPath: python } }),
  );
  const registered = await runCli(['env', 'register', '-d', envDir], { workspace });
  if (registered.code !== 0) throw new Error(`env register failed: ${registered.stderr}${registered.stdout}`);
}
