import fs from 'node:fs';
import type {
  DeployService,
  ScoreResult,
  ScoringRoute,
  ServiceRecord,
  UpdateService,
} from '../../../shared/api/serviceTypes';
import { BenchtopError } from '../../../shared/errors';
import { processAlive } from '../builds/buildLock';
import { containerState, listServiceContainers, removeServiceContainer } from '../docker/serviceContainer';
import { writeTransaction } from '../workspace/database';
import { scoreService } from './scoringClient';
import type { ServiceContext, ServiceDependencies } from './serviceContext';
import { deployService, updateService } from './serviceDeploy';
import { liveHealth } from './serviceHealth';
import { ServiceLayout } from './serviceLayout';
import { serverPids } from './serviceLeftovers';
import { readServiceLog } from './serviceLogs';
import { portFree, stopServer } from './serviceProcess';
import { reloadService } from './serviceReload';
import { startService } from './serviceStart';
import { ServiceStore } from './serviceStore';

/**
 * Local web services: a registered model + score.py served by the stdlib
 * scoring server (src/runtime/benchtop/serving) on 127.0.0.1. The server runs
 * detached, so it outlives the app; its pid and state are in SQLite.
 * The steps live beside it: serviceDeploy (deploy, update), serviceStart, serviceReload, scoringClient.
 */
export class ServiceManager {
  readonly store: ServiceStore;
  /** This manager as the steps in the other files see it (kept off the public API). */
  private readonly context: ServiceContext;

  constructor(private readonly deps: ServiceDependencies) {
    this.store = new ServiceStore(deps.db);
    this.context = {
      deps,
      store: this.store,
      engine: deps.builds.docker,
      layout: (name) => this.layout(name),
      get: (name) => this.get(name),
      getLive: (name) => this.getLive(name),
      changed: (name) => this.changed(name),
      stopServing: (service) => this.stopServing(service),
    };
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

  deploy(input: DeployService): Promise<ServiceRecord> {
    return deployService(this.context, input);
  }

  /** Copies the entry script and source folder again and restarts the workers; the port keeps answering. */
  reload(name: string): Promise<ServiceRecord & { reloaded: boolean; message: string }> {
    return reloadService(this.context, name);
  }

  /** Other model versions, environment or worker count: the server restarts on the same port. */
  update(input: UpdateService): Promise<ServiceRecord> {
    return updateService(this.context, input);
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
      await startService(this.context, service.name, { copyApp: false }).catch(() => undefined);
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
    return readServiceLog(this.layout(name).log, offset);
  }

  /** POSTs a body to the service's /score or /invocations (the test console and `service run`). */
  score(
    name: string,
    body: string,
    headers: Record<string, string> = {},
    route: ScoringRoute = '/score',
  ): Promise<ScoreResult> {
    return scoreService(this.get(name), body, headers, route);
  }

  private changed(name: string): void {
    const service = this.store.get(name);
    if (service) this.deps.bus.emit('services.changed', service);
  }
}
