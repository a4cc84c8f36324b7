import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { type ModelRecord, parseModelRef } from '../../../shared/api/modelTypes';
import {
  type DeployService,
  SERVICE_NAME_PATTERN,
  type ScoreResult,
  type ScoringRoute,
  type ServiceRecord,
  type UpdateService,
} from '../../../shared/api/serviceTypes';
import { parseNameVersion } from '../../../shared/environments/names';
import { BenchtopError, toApiError } from '../../../shared/errors';
import { stripAnsi } from '../../../shared/ansi';
import type { EnvironmentRecord, Settings } from '../../../shared/api/types';
import { processAlive } from '../builds/buildLock';
import type { BuildService } from '../builds/buildService';
import { ensureBuilt } from '../builds/ensureBuilt';
import type { EnvironmentService } from '../environments/environmentService';
import type { EventBus } from '../events';
import type { JobManager } from '../jobs/jobManager';
import type { ModelService } from '../models/modelService';
import { runtimeDir } from '../python/runtimeDir';
import { type Db, writeTransaction } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { readSettings } from '../workspace/settings';
import {
  mlflowEnvironment,
  mlflowEnvironmentName,
  mlflowNoCodeModel,
  noCodeEntryScript,
  noCodeModelDir,
} from './mlflowDeploy';
import { liveHealth, readServerStatus, waitStarted } from './serviceHealth';
import { ServiceLayout } from './serviceLayout';
import { clearLeftovers, redeployBlocker, serverPids } from './serviceLeftovers';
import { freePort, portFree, startServer, stopServer, waitHealthy } from './serviceProcess';
import { ServiceStore } from './serviceStore';
import {
  containerRunning,
  containerState,
  listServiceContainers,
  removeServiceContainer,
  signalContainer,
  startServiceContainer,
} from '../docker/serviceContainer';

const HEALTH_TIMEOUT_MS = 300_000;
const DEFAULTS = { workers: 1, timeoutMs: 60_000, maxBodyMb: 10 };

interface Dependencies {
  db: Db;
  paths: WorkspacePaths;
  bus: EventBus;
  jobs: JobManager;
  builds: BuildService;
  environments: EnvironmentService;
  models: ModelService;
}

/**
 * Local web services: a registered model + score.py served by the stdlib
 * scoring server (src/runtime/benchtop/serving) on 127.0.0.1. The server runs
 * detached, so it outlives the app; its pid and state are in SQLite.
 */
export class ServiceManager {
  readonly store: ServiceStore;

  constructor(private readonly deps: Dependencies) {
    this.store = new ServiceStore(deps.db);
  }

  layout(name: string): ServiceLayout {
    return new ServiceLayout(this.deps.paths.serviceDir(name));
  }

  list(): ServiceRecord[] {
    return this.store.list().map((s) => this.reconcile(s));
  }

  get(name: string): ServiceRecord {
    const service = this.store.get(name);
    if (!service)
      throw new BenchtopError(
        'NOT_FOUND',
        `No service named "${name}".`,
        'See `benchtop service list`, or deploy one with `benchtop service deploy`.',
      );
    return this.reconcile(service);
  }

  /**
   * A service recorded as running whose server is gone (killed, machine restarted) reads as failed;
   * so does one left deploying by a process that died before the server answered.
   */
  private reconcile(service: ServiceRecord): ServiceRecord {
    if (service.state === 'deploying') {
      const deployer = this.store.deployer(service.name);
      if (deployer === null || processAlive(deployer)) return service;
      void this.stopServing(service);
    } else if (
      service.state !== 'running' ||
      service.target === 'docker' ||
      (service.pid !== null && processAlive(service.pid))
    ) {
      // A container's state needs the engine (async): restore() and the health checks look at it.
      return service;
    }
    const error =
      service.state === 'deploying'
        ? 'The deploy stopped before the service was running (the process deploying it ended).'
        : `The service's server process${service.pid ? ` (pid ${service.pid})` : ''} is not running any more.`;
    this.store.update(service.name, { state: 'failed', error, pid: null });
    return { ...service, state: 'failed', error, pid: null };
  }

  /**
   * list(), asking the engine about container services too (a container can stop unseen: killed, out of
   * memory), and each running server whether its workers answer (degraded / failed when they do not).
   */
  async listLive(): Promise<ServiceRecord[]> {
    return Promise.all(this.list().map(async (service) => this.withHealth(await this.withContainerState(service))));
  }

  async getLive(name: string): Promise<ServiceRecord> {
    return this.withHealth(await this.withContainerState(this.get(name)));
  }

  /** A running service's live state: the server's status file and a GET / (not stored: the server may recover). */
  private async withHealth(service: ServiceRecord): Promise<ServiceRecord> {
    if (service.state !== 'running') return service;
    const live = await liveHealth(service, this.layout(service.name).status);
    return live ? { ...service, ...live } : service;
  }

  private async withContainerState(service: ServiceRecord): Promise<ServiceRecord> {
    if (service.target !== 'docker' || service.state !== 'running' || !service.containerId) return service;
    const state = await containerState(this.engine, service.containerId);
    if (state === 'unknown' || state?.running) return service;
    const id = service.containerId.slice(0, 12);
    const error =
      state === null
        ? `The service's container ${id} is gone (removed outside Benchtop).`
        : `The service's container ${id} stopped (exit code ${state.exitCode}${state.oomKilled ? ', killed for running out of memory' : ''}).`;
    this.store.update(service.name, { state: 'failed', error });
    this.changed(service.name);
    return this.get(service.name);
  }

  async deploy(input: DeployService): Promise<ServiceRecord> {
    const name = input.name;
    if (!SERVICE_NAME_PATTERN.test(name) || name.length < 3 || name.length > 32) {
      throw new BenchtopError(
        'INVALID_NAME',
        `"${name}" is not a valid service name.`,
        'Use 3 to 32 lower-case letters, digits and "-", starting with a letter and not ending with "-" (e.g. iris-svc).',
      );
    }
    // A failed record (an interrupted deploy, a server that died) is replaced; anything else stops here.
    const existing = this.store.get(name) ? this.get(name) : null;
    const blocker = existing && redeployBlocker(existing, this.store.deployer(name));
    if (blocker) throw blocker;
    const models = this.resolveModels(input.models);
    // No entry script and an MLflow model: the MLflow scorer, in the environment its requirements make.
    const mlflowModel = input.entryScript ? null : mlflowNoCodeModel(models);
    const entryScript = this.resolveEntryScript(input, models, mlflowModel !== null);
    const made = mlflowModel && !input.environment ? mlflowEnvironment(mlflowModel, this.deps.environments) : null;
    const environment =
      made?.environment ??
      this.resolveEnvironment(input.environment ?? (entryScript ? 'Benchtop-Minimal' : 'Benchtop-SKLearn'));
    const plan = mlflowModel
      ? [`Serving the MLflow model ${mlflowModel.id} (python_function) with the built-in mlflow_scorer.py`]
      : [];
    if (mlflowModel && !made) plan.push(`Environment ${environment.name}:${environment.version} (given)`);
    // Before the port check: the server an interrupted deploy left may hold the very port asked for.
    const cleared = existing
      ? await clearLeftovers(existing, this.layout(name), () => this.engine, this.deps.paths.root)
      : [];
    const port = input.port ?? (await freePort());
    if (input.port !== undefined && !(await portFree(port))) {
      throw new BenchtopError(
        'BAD_INPUT',
        `Port ${port} is already in use.`,
        'Choose another port, or leave --port out to get a free one.',
      );
    }
    writeTransaction(this.deps.db, () => {
      // Another deploy of the name may have got here first: only the record judged replaceable goes.
      const now = this.store.get(name);
      if (now && now.createdAt !== existing?.createdAt)
        throw new BenchtopError(
          'ALREADY_EXISTS',
          `A service named "${name}" was just deployed by another process.`,
          `See it: benchtop service show ${name}`,
        );
      if (now) this.store.delete(name);
      this.store.insert(
        {
          name,
          state: 'deploying',
          port,
          models: models.map((m) => `${m.name}:${m.version}`),
          entryScript: entryScript?.file ?? null,
          sourceDirectory: entryScript?.sourceDirectory ?? null,
          environment: `${environment.name}:${environment.version}`,
          workers: input.workers ?? DEFAULTS.workers,
          timeoutMs: input.timeoutMs ?? DEFAULTS.timeoutMs,
          maxBodyMb: input.maxBodyMb ?? DEFAULTS.maxBodyMb,
          target: input.target ?? 'local',
        },
        process.pid,
      );
    });
    const layout = this.layout(name);
    fs.mkdirSync(layout.dir, { recursive: true });
    fs.writeFileSync(
      layout.log,
      (cleared.length
        ? `Replacing the failed service ${name} (${existing?.error ?? 'no reason recorded'}): ${cleared.join(', ')}\n`
        : '') + [...plan, ...(made?.notes ?? [])].map((line) => `${line}\n`).join(''),
    );
    this.changed(name);
    return this.start(name, { copyApp: true });
  }

  /** Builds (or reuses) the environment, lays out app/ and the models, starts the server and waits for GET / -> 200. */
  private async start(name: string, options: { copyApp: boolean }): Promise<ServiceRecord> {
    // The caller recorded this process as the deployer (with the state, in one statement): it owns the start
    // until the server answers, and if it dies first the service reads as failed.
    const service = this.get(name);
    const layout = this.layout(name);
    const note = (text: string) => fs.appendFileSync(layout.log, stripAnsi(text).replace(/\r\n/g, '\n'));
    try {
      const env = this.resolveEnvironment(service.environment);
      note(
        `Deploying ${name}: models ${service.models.join(', ')}, environment ${service.environment}, port ${service.port}\n`,
      );
      const inContainer = service.target === 'docker';
      const built = await ensureBuilt(this.deps.builds, this.deps.jobs, env, note, {
        backend: inContainer ? 'docker' : 'auto',
      });
      const python = built.pythonPath;
      const script = service.entryScript
        ? this.appScript(layout, service, options.copyApp)
        : noCodeEntryScript(this.noCodeModel(service));
      const modelDir = noCodeModelDir(
        layout.linkModels(
          this.deps.models,
          service.models.map((ref) => parseModelRef(ref) as { name: string; version: number }),
        ),
        service.entryScript ? undefined : this.noCodeModel(service),
      );
      const runtime = runtimeDir();
      // Azure sets it to the folder's name in the app root; an absolute path joins onto AML_APP_ROOT the same.
      const sourceVariable: Record<string, string> = service.sourceDirectory
        ? { AZUREML_SOURCE_DIRECTORY: layout.appSource(service.sourceDirectory) }
        : {};
      const variables: NodeJS.ProcessEnv = {
        ...process.env,
        ...env.definition.environmentVariables,
        PYTHONPATH: [runtime, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
        PATH: [path.dirname(python), process.env.PATH].filter(Boolean).join(path.delimiter),
        AZUREML_MODEL_DIR: modelDir,
        AZUREML_ENTRY_SCRIPT: script,
        ...sourceVariable,
        AML_APP_ROOT: layout.app,
        SERVICE_NAME: name,
        BENCHTOP_SERVICE_LOG: layout.log,
        PYTHONUNBUFFERED: '1',
      };
      delete variables.ELECTRON_RUN_AS_NODE;
      const args = [
        '--entry-script',
        script,
        '--source-directory',
        service.sourceDirectory ? layout.appSource(service.sourceDirectory) : path.dirname(script),
        '--port',
        String(service.port),
        '--workers',
        String(service.workers),
        '--timeout-ms',
        String(service.timeoutMs),
        '--max-body-mb',
        String(service.maxBodyMb),
        ...serverLimitArgs(readSettings(this.deps.db)),
        '--status-file',
        layout.status,
      ];
      let alive: () => boolean | Promise<boolean>;
      if (inContainer) {
        const containerId = await startServiceContainer(this.engine, {
          name,
          workspace: this.deps.paths.root,
          image: built.image as string,
          python,
          args,
          serviceDir: layout.dir,
          runtimeDir: runtime,
          env: {
            ...env.definition.environmentVariables,
            AZUREML_MODEL_DIR: modelDir,
            AZUREML_ENTRY_SCRIPT: script,
            ...sourceVariable,
            AML_APP_ROOT: layout.app,
            SERVICE_NAME: name,
          },
          port: service.port,
          log: layout.log,
          docker: env.definition.docker as { arguments?: string[]; shmSize?: unknown },
        });
        note(`Container ${containerId.slice(0, 12)} from ${built.image}, port 127.0.0.1:${service.port}\n`);
        this.store.update(name, { container_id: containerId, pid: null, state: 'deploying', error: null });
        // Asking the engine costs an API call: at most every 250 ms while GET / is probed every 25 ms.
        let checked = { at: 0, running: true };
        alive = async () => {
          if (Date.now() - checked.at >= 250)
            checked = { at: Date.now(), running: await containerRunning(this.engine, containerId) };
          return checked.running;
        };
      } else {
        const pid = startServer({
          python,
          args,
          cwd: service.entryScript ? layout.app : layout.dir,
          log: layout.log,
          env: variables,
        });
        this.store.update(name, { pid, container_id: null, state: 'deploying', error: null });
        alive = () => processAlive(pid);
      }
      const startedAt = Date.now();
      let outcome: 'healthy' | 'started' | 'exited' | 'timeout' = await waitHealthy(
        service.port,
        alive,
        HEALTH_TIMEOUT_MS,
      );
      if (outcome === 'healthy')
        outcome = await waitStarted(layout.status, alive, HEALTH_TIMEOUT_MS - (Date.now() - startedAt));
      if (outcome !== 'started') {
        if (outcome === 'timeout') await this.stopServing(this.get(name));
        throw new BenchtopError(
          'BUILD_FAILED',
          outcome === 'timeout'
            ? `${name} did not answer GET / within ${HEALTH_TIMEOUT_MS / 1000} s.`
            : `${name} stopped while starting.`,
          `The log says:\n${layout.tail(30)}`,
        );
      }
      this.store.update(name, { state: 'running', error: null });
      this.changed(name);
      return this.get(name);
    } catch (err) {
      const error = toApiError(err);
      note(`Deploy failed: ${error.message}\n`);
      const failed = this.store.get(name);
      if (failed?.containerId) await removeServiceContainer(this.engine, failed.containerId, 0);
      this.store.update(name, {
        state: 'failed',
        error: `${error.message}${error.hint && !error.hint.startsWith('The log says') ? ` ${error.hint}` : ''}`,
        pid: null,
        container_id: null,
      });
      this.changed(name);
      throw err instanceof BenchtopError ? err : new BenchtopError(error.code, error.message, error.hint);
    }
  }

  private appScript(layout: ServiceLayout, service: ServiceRecord, copy: boolean): string {
    const entry = service.entryScript as string;
    if (!copy) {
      const script = layout.appScript(entry, service.sourceDirectory);
      // A copy made before app/ kept the source folder's name has the folder's files directly in app/.
      const before = service.sourceDirectory
        ? path.join(layout.app, path.relative(service.sourceDirectory, entry))
        : script;
      return fs.existsSync(script) || !fs.existsSync(before) ? script : before;
    }
    if (!fs.existsSync(entry))
      throw new BenchtopError(
        'NOT_FOUND',
        `The entry script ${entry} does not exist any more.`,
        'Put it back, or update the service with another one.',
      );
    return layout.copyApp(entry, service.sourceDirectory);
  }

  /** Copies the entry script and source folder again and restarts the workers; the port keeps answering. */
  async reload(name: string): Promise<ServiceRecord & { reloaded: boolean; message: string }> {
    const service = this.get(name);
    if (service.state !== 'running' || (!service.pid && !service.containerId))
      throw new BenchtopError(
        'BAD_INPUT',
        `${name} is ${service.state}, so there is nothing to reload.`,
        `Start it again with benchtop service update ${name}.`,
      );
    if (!service.entryScript)
      throw new BenchtopError(
        'BAD_INPUT',
        `${name} is a no-code deployment: it has no entry script to reload.`,
        'Update it instead.',
      );
    const entryScript = service.entryScript;
    const layout = this.layout(name);
    const reloadsBefore = readServerStatus(layout.status)?.reload?.count ?? 0;
    const entry = entryScript;
    if (!fs.existsSync(entry))
      throw new BenchtopError(
        'NOT_FOUND',
        `The entry script ${entry} does not exist any more.`,
        'Put it back, or update the service with another one.',
      );
    const staged = layout.stageApp(entry, service.sourceDirectory);
    fs.appendFileSync(layout.log, `Reloading ${name}: entry script and source copied again\n`);
    if (service.containerId) await signalContainer(this.engine, service.containerId, 'SIGHUP');
    else process.kill(service.pid as number, 'SIGHUP');
    const alive = () =>
      service.containerId ? containerRunning(this.engine, service.containerId) : processAlive(service.pid as number);
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    for (;;) {
      const reloaded = readServerStatus(layout.status)?.reload;
      if (reloaded && reloaded.count > reloadsBefore) {
        // A failed reload keeps serving the previous code, so app/ goes back to it too.
        if (reloaded.ok) staged.commit();
        else staged.undo();
        this.changed(name);
        return {
          ...(await this.getLive(name)),
          reloaded: reloaded.ok,
          message: reloaded.ok ? `${name} reloaded.` : `${reloaded.error ?? 'Reload failed.'}\n${layout.tail(20)}`,
        };
      }
      if (!(await alive()) || Date.now() > deadline) {
        staged.undo();
        throw new BenchtopError(
          'BUILD_FAILED',
          `${name} did not come back after the reload.`,
          `The log says:\n${layout.tail(20)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Other model versions, environment or worker count: the server restarts on the same port. */
  async update(input: UpdateService): Promise<ServiceRecord> {
    const service = this.get(input.name);
    const models = input.models ? this.resolveModels(input.models) : null;
    const environment = input.environment ? this.resolveEnvironment(input.environment) : null;
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
        ? mlflowEnvironment(mlflowModel, this.deps.environments).environment
        : null;
    const newEnvironment = environment ?? remade;
    await this.stopServing(service);
    writeTransaction(this.deps.db, () => {
      if (models)
        this.store.setModels(
          input.name,
          models.map((m) => `${m.name}:${m.version}`),
        );
      this.store.update(input.name, {
        state: 'deploying',
        pid: null,
        container_id: null,
        deployer_pid: process.pid,
        error: null,
        ...(newEnvironment ? { environment: `${newEnvironment.name}:${newEnvironment.version}` } : {}),
        ...(input.workers ? { workers: input.workers } : {}),
      });
    });
    this.changed(input.name);
    return this.start(input.name, { copyApp: true });
  }

  async delete(name: string): Promise<void> {
    const service = this.get(name);
    await this.stopServing(service);
    this.deps.bus.emit('services.changed', { ...service, state: 'deleted', pid: null, containerId: null });
    writeTransaction(this.deps.db, () => this.store.delete(name));
    fs.rmSync(this.layout(name).dir, { recursive: true, force: true });
  }

  /** Restarts services that were running when the machine or the app went down (called when the app opens). */
  async restore(): Promise<void> {
    const services = this.store.list();
    // Containers are found by their labels; one that still runs keeps serving.
    const containers = services.some((s) => s.target === 'docker' && s.state === 'running')
      ? await listServiceContainers(this.engine, this.deps.paths.root).catch(() => [])
      : [];
    for (const service of services) {
      if (service.state !== 'running' || (service.pid && processAlive(service.pid))) continue;
      const container = containers.find((c) => c.service === service.name);
      if (container?.running) {
        if (container.id !== service.containerId) this.store.update(service.name, { container_id: container.id });
        continue;
      }
      if (!(await portFree(service.port))) continue;
      this.store.update(service.name, { deployer_pid: process.pid });
      await this.start(service.name, { copyApp: false }).catch(() => undefined);
    }
  }

  /** Stops what serves the service: its process group, or its container (which is removed). */
  private async stopServing(service: ServiceRecord): Promise<void> {
    for (const pid of serverPids(service, this.layout(service.name))) await stopServer(pid);
    if (service.containerId) await removeServiceContainer(this.engine, service.containerId);
  }

  private get engine() {
    return this.deps.builds.docker;
  }

  logs(name: string, offset?: number): { text: string; offset: number } {
    this.get(name);
    const file = this.layout(name).log;
    if (!fs.existsSync(file)) return { text: '', offset: 0 };
    const size = fs.statSync(file).size;
    if (offset === undefined) {
      // The last megabyte, reaching back into the rotated file when the new one has just begun.
      const fromCurrent = Math.max(0, size - LOG_TAIL_BYTES);
      const rotated = `${file}.1`;
      const missing = LOG_TAIL_BYTES - (size - fromCurrent);
      const older = missing > 0 && fs.existsSync(rotated) ? readTail(rotated, missing) : '';
      return { text: older + readRange(file, fromCurrent, size), offset: size };
    }
    // An offset past the end means the log was rotated: the new file is read from its start.
    return { text: readRange(file, offset > size ? 0 : offset, size), offset: size };
  }

  /** POSTs a body to the service's /score or /invocations (the test console and `service run`). */
  score(
    name: string,
    body: string,
    headers: Record<string, string> = {},
    route: ScoringRoute = '/score',
  ): Promise<ScoreResult> {
    const service = this.get(name);
    if (service.state !== 'running')
      throw new BenchtopError(
        'BAD_INPUT',
        `${name} is ${service.state}.`,
        service.state === 'failed' ? `See why: benchtop service logs ${name}` : 'Wait until it is running.',
      );
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: service.port,
          path: route,
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({
              status: res.statusCode ?? 0,
              headers: out,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: Math.round((performance.now() - started) * 1000) / 1000,
            });
          });
        },
      );
      req.on('error', (err) =>
        reject(
          new BenchtopError(
            'INTERNAL',
            `Could not reach ${name} on port ${service.port}: ${err.message}`,
            `See its log: benchtop service logs ${name}`,
          ),
        ),
      );
      req.end(body);
    });
  }

  private resolveModels(refs: string[]) {
    return refs.map((ref) => {
      const parsed = parseModelRef(ref);
      return this.deps.models.require(parsed.name, parsed.version);
    });
  }

  /** The model a no-code service serves (its first), as stored. */
  private noCodeModel(service: ServiceRecord): ModelRecord | undefined {
    const ref = service.models[0] ? parseModelRef(service.models[0]) : null;
    return (ref && this.deps.models.store.get(ref.name, ref.version)) ?? undefined;
  }

  private resolveEntryScript(
    input: DeployService,
    models: { framework: string }[],
    mlflowNoCode: boolean,
  ): { file: string; sourceDirectory: string | null } | null {
    if (!input.entryScript) {
      if (input.sourceDirectory)
        throw new BenchtopError(
          'BAD_INPUT',
          'A source folder was given without an entry script.',
          'Add --entry-script score.py (relative to the source folder).',
        );
      if (!mlflowNoCode && (models.length !== 1 || models[0]?.framework !== 'ScikitLearn')) {
        throw new BenchtopError(
          'BAD_INPUT',
          'You must provide an entry script when deploying zero or several models, or a model whose framework is not ScikitLearn (or an MLflow model).',
          'Add --entry-script score.py, or register the model with --framework ScikitLearn (or as an MLflow model folder with an MLmodel file) for a no-code deployment.',
        );
      }
      return null;
    }
    const sourceDirectory = input.sourceDirectory ? path.resolve(input.sourceDirectory) : null;
    if (sourceDirectory && !fs.statSync(sourceDirectory, { throwIfNoEntry: false })?.isDirectory())
      throw new BenchtopError(
        'NOT_FOUND',
        `The source folder ${sourceDirectory} does not exist.`,
        'Give an existing folder with -d.',
      );
    const file =
      sourceDirectory && !path.isAbsolute(input.entryScript)
        ? path.join(sourceDirectory, input.entryScript)
        : path.resolve(input.entryScript);
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile())
      throw new BenchtopError(
        'NOT_FOUND',
        `The entry script ${file} does not exist.`,
        sourceDirectory
          ? 'With -d, the entry script is relative to the source folder.'
          : 'Give the path of your score.py.',
      );
    if (sourceDirectory && path.relative(sourceDirectory, file).startsWith('..'))
      throw new BenchtopError(
        'BAD_INPUT',
        `The entry script ${file} is outside the source folder ${sourceDirectory}.`,
        'Put score.py inside the source folder.',
      );
    if (!/^[A-Za-z_][A-Za-z0-9_]*\.py$/.test(path.basename(file)))
      throw new BenchtopError(
        'BAD_INPUT',
        `The entry script's name "${path.basename(file)}" is not a Python module name.`,
        'Rename it, e.g. score.py (it is imported).',
      );
    return { file, sourceDirectory };
  }

  private resolveEnvironment(ref: string): EnvironmentRecord {
    const parsed = parseNameVersion(ref);
    return this.deps.environments.get(parsed.name, parsed.version);
  }

  private changed(name: string): void {
    const service = this.store.get(name);
    if (service) this.deps.bus.emit('services.changed', service);
  }
}

/** The workspace's limits for every scoring server (Settings), as the server's flags. */
function serverLimitArgs(settings: Settings): string[] {
  return [
    '--header-timeout-s',
    String(settings.serviceHeaderTimeoutS),
    '--body-timeout-s',
    String(settings.serviceBodyTimeoutS),
    '--idle-timeout-s',
    String(settings.serviceIdleTimeoutS),
    '--write-timeout-s',
    String(settings.serviceWriteTimeoutS),
    '--max-connections',
    String(settings.serviceMaxConnections),
  ];
}

const LOG_TAIL_BYTES = 1024 * 1024;

function readRange(file: string, from: number, to: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, to - from));
    const read = fs.readSync(fd, buffer, 0, buffer.length, from);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function readTail(file: string, bytes: number): string {
  const size = fs.statSync(file).size;
  return readRange(file, Math.max(0, size - bytes), size);
}
