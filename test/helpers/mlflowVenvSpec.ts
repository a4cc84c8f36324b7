import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './workspace';

/**
 * What the shared MLflow test venv is (test/helpers/mlflowVenv.ts builds it for vitest), kept free of
 * vitest so the Playwright specs use the same venv: mlflow-skinny (the client and the flavors, no
 * server) with scikit-learn and pandas for autolog and pyfunc models, and skops (mlflow 3.17's
 * default scikit-learn format; the full `mlflow` depends on it, mlflow-skinny does not).
 */
export const MLFLOW_VERSION = '3.17.2';
export const MLFLOW_VENV = path.join(ROOT, 'node_modules', '.cache', 'benchtop-mlflow-venv');
export const MLFLOW_VENV_PACKAGES = [`mlflow-skinny==${MLFLOW_VERSION}`, 'scikit-learn', 'pandas', 'skops'];
export const MLFLOW_VENV_PROBE = `import mlflow, sklearn, pandas, skops; assert mlflow.__version__ == "${MLFLOW_VERSION}"`;

/** The venv's python, made (synchronously) when missing or incomplete; null when pip cannot get the packages. */
export function mlflowVenvPythonSync(): string | null {
  const bin = path.join(MLFLOW_VENV, 'bin', 'python');
  const works = () => {
    try {
      execFileSync(bin, ['-c', MLFLOW_VENV_PROBE], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (works()) return bin;
  try {
    fs.rmSync(MLFLOW_VENV, { recursive: true, force: true });
    execFileSync('python3', ['-m', 'venv', MLFLOW_VENV]);
    execFileSync(bin, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...MLFLOW_VENV_PACKAGES], {
      timeout: 900_000,
    });
  } catch {
    return null;
  }
  return works() ? bin : null;
}
