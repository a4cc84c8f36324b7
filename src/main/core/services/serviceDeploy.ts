import fs from 'node:fs';
import type { DeployService, ServiceRecord, UpdateService } from '../../../shared/api/serviceTypes';
import { BenchtopError } from '../../../shared/errors';
import { writeTransaction } from '../workspace/database';
import {
  checkServiceName,
  resolveEntryScript,
  resolveEnvironment,
  resolveModels,
  SERVICE_DEFAULTS,
} from './deployInputs';
import { mlflowEnvironment, mlflowEnvironmentName, mlflowNoCodeModel } from './mlflowDeploy';
import type { ServiceContext } from './serviceContext';
import { clearLeftovers, redeployBlocker } from './serviceLeftovers';
import { freePort, portFree } from './serviceProcess';
import { startService } from './serviceStart';

/** A new service (or one replacing a failed record of the name): checked, recorded as deploying, then started. */
export async function deployService(ctx: ServiceContext, input: DeployService): Promise<ServiceRecord> {
  const name = input.name;
  checkServiceName(name);
  // A failed record (an interrupted deploy, a server that died) is replaced; anything else stops here.
  const existing = ctx.store.get(name) ? ctx.get(name) : null;
  const blocker = existing && redeployBlocker(existing, ctx.store.deployer(name));
  if (blocker) throw blocker;
  const models = resolveModels(ctx.deps.models, input.models);
  // No entry script and an MLflow model: the MLflow scorer, in the environment its requirements make.
  const mlflowModel = input.entryScript ? null : mlflowNoCodeModel(models);
  const entryScript = resolveEntryScript(input, models, mlflowModel !== null);
  const made = mlflowModel && !input.environment ? mlflowEnvironment(mlflowModel, ctx.deps.environments) : null;
  const environment =
    made?.environment ??
    resolveEnvironment(
      ctx.deps.environments,
      input.environment ?? (entryScript ? 'Benchtop-Minimal' : 'Benchtop-SKLearn'),
    );
  const plan = mlflowModel
    ? [`Serving the MLflow model ${mlflowModel.id} (python_function) with the built-in mlflow_scorer.py`]
    : [];
  if (mlflowModel && !made) plan.push(`Environment ${environment.name}:${environment.version} (given)`);
  // Before the port check: the server an interrupted deploy left may hold the very port asked for.
  const cleared = existing
    ? await clearLeftovers(existing, ctx.layout(name), () => ctx.engine, ctx.deps.paths.root)
    : [];
  const port = input.port ?? (await freePort());
  if (input.port !== undefined && !(await portFree(port))) {
    throw new BenchtopError(
      'BAD_INPUT',
      `Port ${port} is already in use.`,
      'Choose another port, or leave --port out to get a free one.',
    );
  }
  writeTransaction(ctx.deps.db, () => {
    // Another deploy of the name may have got here first: only the record judged replaceable goes.
    const now = ctx.store.get(name);
    if (now && now.createdAt !== existing?.createdAt)
      throw new BenchtopError(
        'ALREADY_EXISTS',
        `A service named "${name}" was just deployed by another process.`,
        `See it: benchtop service show ${name}`,
      );
    if (now) ctx.store.delete(name);
    ctx.store.insert(
      {
        name,
        state: 'deploying',
        port,
        models: models.map((m) => `${m.name}:${m.version}`),
        entryScript: entryScript?.file ?? null,
        sourceDirectory: entryScript?.sourceDirectory ?? null,
        environment: `${environment.name}:${environment.version}`,
        workers: input.workers ?? SERVICE_DEFAULTS.workers,
        timeoutMs: input.timeoutMs ?? SERVICE_DEFAULTS.timeoutMs,
        maxBodyMb: input.maxBodyMb ?? SERVICE_DEFAULTS.maxBodyMb,
        target: input.target ?? 'local',
      },
      process.pid,
    );
  });
  const layout = ctx.layout(name);
  fs.mkdirSync(layout.dir, { recursive: true });
  fs.writeFileSync(
    layout.log,
    (cleared.length
      ? `Replacing the failed service ${name} (${existing?.error ?? 'no reason recorded'}): ${cleared.join(', ')}\n`
      : '') + [...plan, ...(made?.notes ?? [])].map((line) => `${line}\n`).join(''),
  );
  ctx.changed(name);
  return startService(ctx, name, { copyApp: true });
}

/** Other model versions, environment or worker count: the server restarts on the same port. */
export async function updateService(ctx: ServiceContext, input: UpdateService): Promise<ServiceRecord> {
  const service = ctx.get(input.name);
  const models = input.models ? resolveModels(ctx.deps.models, input.models) : null;
  const environment = input.environment ? resolveEnvironment(ctx.deps.environments, input.environment) : null;
  const mlflowModel = models && !service.entryScript ? mlflowNoCodeModel(models) : null;
  if (
    models &&
    !service.entryScript &&
    !mlflowModel &&
    (models.length !== 1 || models[0]?.framework !== 'ScikitLearn')
  ) {
    throw new BenchtopError(
      'BAD_INPUT',
      'A no-code deployment serves exactly one ScikitLearn model or one MLflow model.',
      'Deploy with an entry script to serve other models.',
    );
  }
  // A service on the environment made for its MLflow model moves to the one the new version's requirements make.
  const remade =
    mlflowModel && !environment && service.environment.startsWith(`${mlflowEnvironmentName(mlflowModel.name)}:`)
      ? mlflowEnvironment(mlflowModel, ctx.deps.environments).environment
      : null;
  const newEnvironment = environment ?? remade;
  await ctx.stopServing(service);
  writeTransaction(ctx.deps.db, () => {
    if (models)
      ctx.store.setModels(
        input.name,
        models.map((m) => `${m.name}:${m.version}`),
      );
    ctx.store.update(input.name, {
      state: 'deploying',
      pid: null,
      container_id: null,
      deployer_pid: process.pid,
      error: null,
      ...(newEnvironment ? { environment: `${newEnvironment.name}:${newEnvironment.version}` } : {}),
      ...(input.workers ? { workers: input.workers } : {}),
    });
  });
  ctx.changed(input.name);
  return startService(ctx, input.name, { copyApp: true });
}
