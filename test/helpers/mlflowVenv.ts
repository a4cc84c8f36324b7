import fs from 'node:fs';
import path from 'node:path';
import { cachedVenv } from './sdkVenv';
import { MLFLOW_VENV, MLFLOW_VENV_PACKAGES, MLFLOW_VENV_PROBE } from './mlflowVenvSpec';
import { runCli } from './workspace';

export { MLFLOW_VENV, MLFLOW_VERSION } from './mlflowVenvSpec';

/** The shared MLflow test venv (see mlflowVenvSpec.ts), kept between test runs: its python, or null when the package index cannot be reached (callers fail under CI=true). */
export function mlflowPython(): Promise<string | null> {
  return cachedVenv(MLFLOW_VENV, MLFLOW_VENV_PROBE, MLFLOW_VENV_PACKAGES, { timeoutMs: 900_000 });
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
