import path from 'node:path';
import { MLFLOW_VERSION } from './mlflowVenv';
import { cachedVenv } from './sdkVenv';
import { ROOT } from './workspace';

/**
 * The full mlflow package (its tracking server: Flask, SQLAlchemy, alembic...), for the tests that
 * need a real `mlflow server` on 127.0.0.1 to talk to. Big, so kept under node_modules/.cache.
 */
export const MLFLOW_SERVER_VENV = path.join(ROOT, 'node_modules', '.cache', 'benchtop-mlflow-server-venv');

/** Its `mlflow` command, or null when the package index cannot be reached (callers fail under CI=true). */
export async function mlflowServerCommand(): Promise<string | null> {
  const python = await cachedVenv(
    MLFLOW_SERVER_VENV,
    `import mlflow.server, sqlalchemy; assert mlflow.__version__ == "${MLFLOW_VERSION}"`,
    [`mlflow==${MLFLOW_VERSION}`],
    { timeoutMs: 900_000 },
  );
  return python ? path.join(path.dirname(python), 'mlflow') : null;
}
