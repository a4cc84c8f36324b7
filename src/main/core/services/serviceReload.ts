import fs from 'node:fs';
import type { ServiceRecord } from '../../../shared/api/serviceTypes';
import { BenchtopError } from '../../../shared/errors';
import { processAlive } from '../builds/buildLock';
import { containerRunning, signalContainer } from '../docker/serviceContainer';
import { requireEntryScript } from './deployInputs';
import type { ServiceContext } from './serviceContext';
import { readServerStatus } from './serviceHealth';
import { HEALTH_TIMEOUT_MS } from './serviceStart';

/** Copies the entry script and source folder again and restarts the workers; the port keeps answering. */
export async function reloadService(
  ctx: ServiceContext,
  name: string,
): Promise<ServiceRecord & { reloaded: boolean; message: string }> {
  const service = ctx.get(name);
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
  const entry = service.entryScript;
  const layout = ctx.layout(name);
  const reloadsBefore = readServerStatus(layout.status)?.reload?.count ?? 0;
  requireEntryScript(entry);
  const staged = layout.stageApp(entry, service.sourceDirectory);
  fs.appendFileSync(layout.log, `Reloading ${name}: entry script and source copied again\n`);
  if (service.containerId) await signalContainer(ctx.engine, service.containerId, 'SIGHUP');
  else process.kill(service.pid as number, 'SIGHUP');
  const alive = () =>
    service.containerId ? containerRunning(ctx.engine, service.containerId) : processAlive(service.pid as number);
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    const reloaded = readServerStatus(layout.status)?.reload;
    if (reloaded && reloaded.count > reloadsBefore) {
      // A failed reload keeps serving the previous code, so app/ goes back to it too.
      if (reloaded.ok) staged.commit();
      else staged.undo();
      ctx.changed(name);
      return {
        ...(await ctx.getLive(name)),
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
