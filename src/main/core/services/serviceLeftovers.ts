import fs from 'node:fs';
import type { ServiceRecord } from '../../../shared/api/serviceTypes';
import { BenchtopError } from '../../../shared/errors';
import { processAlive } from '../builds/buildLock';
import type { DockerEngine } from '../docker/dockerEngine';
import { listServiceContainers, removeServiceContainer } from '../docker/serviceContainer';
import { readServerStatus } from './serviceHealth';
import type { ServiceLayout } from './serviceLayout';
import { isServerFor, stopServer } from './serviceProcess';

/**
 * Why an existing record stops a new deploy of the same name, or null when the deploy may replace it:
 * a failed service (its deploy was interrupted, or its server died) is replaced; a running one, or one
 * that a live process is deploying right now, is not.
 */
export function redeployBlocker(service: ServiceRecord, deployer: number | null): BenchtopError | null {
  if (service.state === 'failed') return null;
  if (service.state === 'deploying' && deployer !== null && deployer !== process.pid && processAlive(deployer))
    return new BenchtopError(
      'ALREADY_EXISTS',
      `${service.name} is being deployed right now (by process ${deployer}).`,
      `Wait for that deploy to finish, or stop it (kill ${deployer}), then deploy again.`,
    );
  return new BenchtopError(
    'ALREADY_EXISTS',
    `A service named "${service.name}" already exists (${service.state}).`,
    `Update it (benchtop service update ${service.name}), or delete it first (benchtop service delete ${service.name}).`,
  );
}

/**
 * The server processes of a local service: the pid recorded, and the pid its status file names (a
 * deployer killed right after starting the server never recorded it). Each is checked to be a scoring
 * server for this service before anyone signals it: pids get reused.
 */
export function serverPids(service: ServiceRecord, layout: ServiceLayout): number[] {
  const pids = new Set<number>();
  if (service.pid && isServerFor(service.pid, layout.status) !== false) pids.add(service.pid);
  const status = readServerStatus(layout.status);
  if (service.target === 'local' && status?.pid && isServerFor(status.pid, layout.status) === true)
    pids.add(status.pid);
  return [...pids];
}

/**
 * Removes what an earlier deploy of the service left: its server (process group or container, found by
 * its record, its status file or its labels) and its folder under services/. Returns what was done, for the log.
 */
export async function clearLeftovers(
  service: ServiceRecord,
  layout: ServiceLayout,
  engine: () => DockerEngine,
  workspace: string,
): Promise<string[]> {
  const done: string[] = [];
  for (const pid of serverPids(service, layout)) {
    await stopServer(pid);
    done.push(`stopped its server process ${pid}`);
  }
  if (service.target === 'docker') {
    const ids = new Set(service.containerId ? [service.containerId] : []);
    const labelled = await listServiceContainers(engine(), workspace).catch(() => []);
    for (const c of labelled) if (c.service === service.name) ids.add(c.id);
    for (const id of ids) {
      await removeServiceContainer(engine(), id, 0);
      done.push(`removed its container ${id.slice(0, 12)}`);
    }
  }
  if (fs.existsSync(layout.dir)) {
    fs.rmSync(layout.dir, { recursive: true, force: true });
    done.push(`removed ${layout.dir}`);
  }
  return done;
}
