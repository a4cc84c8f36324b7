import path from 'node:path';
import type { MlflowModelInfo, ModelRecord } from '../../../shared/api/modelTypes';
import type { EnvironmentRecord } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import type { EnvironmentService } from '../environments/environmentService';
import { runtimeDir } from '../python/runtimeDir';

/** The built-in entry scripts of no-code deployments (src/runtime/benchtop/serving). */
export function noCodeEntryScript(model: ModelRecord | undefined): string {
  const script = model?.mlflow ? 'mlflow_scorer.py' : 'sklearn_scorer.py';
  return path.join(runtimeDir(), 'benchtop', 'serving', script);
}

/**
 * AZUREML_MODEL_DIR of a no-code service: the version's folder, where the scorer finds MLmodel in the single
 * registered folder. A model whose MLmodel is one more folder down (a run's outputs/ holding only model/) gets
 * the folder above MLmodel's, so the scorer finds it the same way.
 */
export function noCodeModelDir(versionDir: string, model: ModelRecord | undefined): string {
  const segments = model?.mlflow?.path.split('/') ?? [];
  return segments.length > 1 ? path.join(versionDir, ...segments.slice(0, -1)) : versionDir;
}

/**
 * The MLflow model a no-code deploy serves: one model with MLmodel, whose python_function flavor the
 * built-in scorer loads. Null when it is not an MLflow model (the scikit-learn rules apply then).
 */
export function mlflowNoCodeModel(models: ModelRecord[]): (ModelRecord & { mlflow: MlflowModelInfo }) | null {
  const [model] = models;
  if (models.length !== 1 || !model?.mlflow) return null;
  if (!Object.hasOwn(model.mlflow.flavors, 'python_function')) {
    const flavors = Object.keys(model.mlflow.flavors).join(', ');
    throw new BenchtopError(
      'UNSUPPORTED',
      `${model.id} is an MLflow model with the flavor${flavors.includes(',') ? 's' : ''} ${flavors} and no python_function flavor, which is what Benchtop serves without an entry script.`,
      `Deploy it with an entry script that loads it (--entry-script score.py -e ENV), or save the model with a flavor that adds python_function (e.g. mlflow.sklearn, mlflow.pyfunc).`,
    );
  }
  return model as ModelRecord & { mlflow: MlflowModelInfo };
}

/** The environment made for a model: one name per model, a new version only when its requirements change. */
export function mlflowEnvironmentName(model: string): string {
  return `mlflow-${model}`.slice(0, 255);
}

/** `mlflow` itself, pinned or not and without extras (pip's line syntax; only the name is matched). */
const FULL_MLFLOW = /^mlflow\s*((?:==|>=|<=|~=|!=|<|>)[^;]*)?(;.*)?$/i;

/**
 * The model's pip requirements for serving. mlflow becomes mlflow-skinny of the same version: the scorer
 * needs only mlflow.pyfunc, and full mlflow adds the tracking server and UI (Flask, SQLAlchemy, alembic,
 * gunicorn, pyarrow, matplotlib, scipy, ...), several times the download and more to fail offline. Full
 * mlflow brings numpy and pandas, which pyfunc imports, so pandas is added when nothing names it.
 */
export function servingRequirements(info: MlflowModelInfo): { requirements: string[]; notes: string[] } {
  const notes: string[] = [];
  let named = false;
  let skinny = false;
  const requirements = info.requirements.map((line) => {
    // mlflow-skinny, or mlflow with extras (kept as asked): the model's loader is already there.
    if (/^mlflow([-_]skinny)?\s*(\[|[=<>~!;]|$)/i.test(line)) named = true;
    const full = FULL_MLFLOW.exec(line);
    if (!full) return line;
    named = skinny = true;
    const mapped = `mlflow-skinny${full[1] ?? ''}${full[2] ?? ''}`;
    notes.push(`${line} -> ${mapped} (the pyfunc part of MLflow, without its tracking server and UI)`);
    return mapped;
  });
  if (!named) {
    const pin = info.mlflowVersion ? `mlflow-skinny==${info.mlflowVersion}` : 'mlflow-skinny';
    notes.push(`added ${pin}: the requirements do not name mlflow, which loads the model`);
    requirements.push(pin);
    skinny = true;
  }
  if (skinny && !requirements.some((r) => /^pandas\b/i.test(r))) {
    notes.push('added pandas: mlflow.pyfunc imports it (full mlflow would have brought it)');
    requirements.push('pandas');
  }
  return { requirements, notes };
}

/**
 * Registers (or finds, when identical) the environment a no-code MLflow deploy builds from the model's
 * python_env.yaml, conda.yaml or requirements.txt: the same content reuses its version and its build.
 */
export function mlflowEnvironment(
  model: ModelRecord & { mlflow: MlflowModelInfo },
  environments: EnvironmentService,
): { environment: EnvironmentRecord; notes: string[] } {
  const info = model.mlflow;
  const { requirements, notes } = servingRequirements(info);
  const name = mlflowEnvironmentName(model.name);
  // X.Y, not MLflow's exact X.Y.Z: pickles and wheels follow the minor version, and an exact patch pin fails
  // wherever that patch is not installed (a base image's Python, a venv here) for no gain.
  const python = info.pythonVersion?.split('.').slice(0, 2).join('.') ?? null;
  const dependencies: unknown[] = [
    ...(python ? [`python=${python}`] : []),
    ...info.condaDependencies,
    { pip: requirements },
  ];
  const { environment, created } = environments.register({
    name,
    python: {
      userManagedDependencies: false,
      interpreterPath: 'python',
      condaDependencies: { name: 'mlflow-env', channels: ['conda-forge'], dependencies },
    },
  });
  const from = info.environmentFile ?? 'no environment file (the python_function flavor only)';
  return {
    environment,
    notes: [
      `Environment ${environment.name}:${environment.version} (${created ? 'new' : 'the same content as before: reused'}) made from ${model.id}'s ${from}: Python ${python ?? '(any)'}${python && python !== info.pythonVersion ? ` (saved with ${info.pythonVersion})` : ''}, pip ${requirements.join(' ')}`,
      ...notes.map((n) => `  ${n}`),
    ],
  };
}
