import fs from 'node:fs';
import path from 'node:path';
import { MLFLOW_VERSION, mlflowPython } from './mlflowVenv';
import { exec } from './sdkVenv';
import { ROOT } from './workspace';

/** mlflow-skinny and its dependencies as wheels, for images built offline (`benchtop wheel add` each). */
export const MLFLOW_WHEELS = path.join(ROOT, 'node_modules', '.cache', `benchtop-mlflow-wheels-${MLFLOW_VERSION}`);

/**
 * The wheels' paths, downloaded once from the package index (about 17 MB) with the cached mlflow
 * venv's pip, for this machine's Python and platform (the base image's Debian and CPython 3.11);
 * null when the index cannot be reached.
 */
export async function mlflowWheels(): Promise<string[] | null> {
  const done = path.join(MLFLOW_WHEELS, '.complete');
  const list = () =>
    fs
      .readdirSync(MLFLOW_WHEELS)
      .filter((name) => name.endsWith('.whl'))
      .map((name) => path.join(MLFLOW_WHEELS, name));
  if (fs.existsSync(done)) return list();
  const python = await mlflowPython();
  if (!python) return null;
  const partial = `${MLFLOW_WHEELS}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const pip = ['-m', 'pip', 'download', '-q', '--disable-pip-version-check', '--only-binary=:all:', '-d', partial];
  const downloaded = await exec(python, [...pip, `mlflow-skinny==${MLFLOW_VERSION}`], { timeoutMs: 600_000 });
  if (downloaded.code !== 0) return null;
  fs.rmSync(MLFLOW_WHEELS, { recursive: true, force: true });
  fs.renameSync(partial, MLFLOW_WHEELS);
  fs.writeFileSync(done, '');
  return list();
}
