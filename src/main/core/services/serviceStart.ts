import fs from 'node:fs';
import path from 'node:path';
import { parseModelRef } from '../../../shared/api/modelTypes';
import type { ServiceRecord } from '../../../shared/api/serviceTypes';
import { stripAnsi } from '../../../shared/ansi';
import { BenchtopError, toApiError } from '../../../shared/errors';
import { processAlive } from '../builds/buildLock';
import { ensureBuilt } from '../builds/ensureBuilt';
import { containerRunning, removeServiceContainer, startServiceContainer } from '../docker/serviceContainer';
import { runtimeDir } from '../python/runtimeDir';
import { readSettings } from '../workspace/settings';
import { noCodeModel, requireEntryScript, resolveEnvironment } from './deployInputs';
import { noCodeEntryScript, noCodeModelDir } from './mlflowDeploy';
import { hostServerEnvironment, serverLaunch } from './serverLaunch';
import type { ServiceContext } from './serviceContext';
import { waitStarted } from './serviceHealth';
import type { ServiceLayout } from './serviceLayout';
import { startServer, waitHealthy } from './serviceProcess';

/** How long a server may take to answer GET / after its start (or to come back after a reload). */
export const HEALTH_TIMEOUT_MS = 300_000;

/** Builds (or reuses) the environment, lays out app/ and the models, starts the server and waits for GET / -> 200. */
export async function startService(
  ctx: ServiceContext,
  name: string,
  options: { copyApp: boolean },
): Promise<ServiceRecord> {
  // The caller recorded this process as the deployer (with the state, in one statement): it owns the start
  // until the server answers, and if it dies first the service reads as failed.
  const service = ctx.get(name);
  const layout = ctx.layout(name);
  const note = (text: string) => fs.appendFileSync(layout.log, stripAnsi(text).replace(/\r\n/g, '\n'));
  try {
    const env = resolveEnvironment(ctx.deps.environments, service.environment);
    note(
      `Deploying ${name}: models ${service.models.join(', ')}, environment ${service.environment}, port ${service.port}\n`,
    );
    const inContainer = service.target === 'docker';
    const built = await ensureBuilt(ctx.deps.builds, ctx.deps.jobs, env, note, {
      backend: inContainer ? 'docker' : 'auto',
    });
    const python = built.pythonPath;
    const script = service.entryScript
      ? appScript(layout, service, options.copyApp)
      : noCodeEntryScript(noCodeModel(ctx.deps.models, service));
    const modelDir = noCodeModelDir(
      layout.linkModels(
        ctx.deps.models,
        service.models.map((ref) => parseModelRef(ref) as { name: string; version: number }),
      ),
      service.entryScript ? undefined : noCodeModel(ctx.deps.models, service),
    );
    const runtime = runtimeDir();
    const launch = serverLaunch({
      service,
      layout,
      environment: env,
      script,
      modelDir,
      settings: readSettings(ctx.deps.db),
    });
    let alive: () => boolean | Promise<boolean>;
    if (inContainer) {
      const containerId = await startServiceContainer(ctx.engine, {
        name,
        workspace: ctx.deps.paths.root,
        image: built.image as string,
        python,
        args: launch.args,
        serviceDir: layout.dir,
        runtimeDir: runtime,
        env: launch.serviceVariables,
        port: service.port,
        log: layout.log,
        docker: env.definition.docker as { arguments?: string[]; shmSize?: unknown },
      });
      note(`Container ${containerId.slice(0, 12)} from ${built.image}, port 127.0.0.1:${service.port}\n`);
      ctx.store.update(name, { container_id: containerId, pid: null, state: 'deploying', error: null });
      // Asking the engine costs an API call: at most every 250 ms while GET / is probed every 25 ms.
      let checked = { at: 0, running: true };
      alive = async () => {
        if (Date.now() - checked.at >= 250)
          checked = { at: Date.now(), running: await containerRunning(ctx.engine, containerId) };
        return checked.running;
      };
    } else {
      const pid = startServer({
        python,
        args: launch.args,
        cwd: service.entryScript ? layout.app : layout.dir,
        log: layout.log,
        env: hostServerEnvironment(launch, { python, runtime, log: layout.log }),
      });
      ctx.store.update(name, { pid, container_id: null, state: 'deploying', error: null });
      alive = () => processAlive(pid);
    }
    await waitUntilServing(ctx, name, service.port, layout, alive);
    ctx.store.update(name, { state: 'running', error: null });
    ctx.changed(name);
    return ctx.get(name);
  } catch (err) {
    const error = toApiError(err);
    note(`Deploy failed: ${error.message}\n`);
    const failed = ctx.store.get(name);
    if (failed?.containerId) await removeServiceContainer(ctx.engine, failed.containerId, 0);
    ctx.store.update(name, {
      state: 'failed',
      error: `${error.message}${error.hint && !error.hint.startsWith('The log says') ? ` ${error.hint}` : ''}`,
      pid: null,
      container_id: null,
    });
    ctx.changed(name);
    throw err instanceof BenchtopError ? err : new BenchtopError(error.code, error.message, error.hint);
  }
}

/** GET / answering 200, then the server's status file saying its workers started; a server that hangs is stopped. */
async function waitUntilServing(
  ctx: ServiceContext,
  name: string,
  port: number,
  layout: ServiceLayout,
  alive: () => boolean | Promise<boolean>,
): Promise<void> {
  const startedAt = Date.now();
  let outcome: 'healthy' | 'started' | 'exited' | 'timeout' = await waitHealthy(port, alive, HEALTH_TIMEOUT_MS);
  if (outcome === 'healthy')
    outcome = await waitStarted(layout.status, alive, HEALTH_TIMEOUT_MS - (Date.now() - startedAt));
  if (outcome === 'started') return;
  if (outcome === 'timeout') await ctx.stopServing(ctx.get(name));
  throw new BenchtopError(
    'BUILD_FAILED',
    outcome === 'timeout'
      ? `${name} did not answer GET / within ${HEALTH_TIMEOUT_MS / 1000} s.`
      : `${name} stopped while starting.`,
    `The log says:\n${layout.tail(30)}`,
  );
}

/** The entry script the server imports: copied into app/ on a deploy or update, the copy already there on a restore. */
function appScript(layout: ServiceLayout, service: ServiceRecord, copy: boolean): string {
  const entry = service.entryScript as string;
  if (!copy) {
    const script = layout.appScript(entry, service.sourceDirectory);
    // A copy made before app/ kept the source folder's name has the folder's files directly in app/.
    const before = service.sourceDirectory
      ? path.join(layout.app, path.relative(service.sourceDirectory, entry))
      : script;
    return fs.existsSync(script) || !fs.existsSync(before) ? script : before;
  }
  requireEntryScript(entry);
  return layout.copyApp(entry, service.sourceDirectory);
}
