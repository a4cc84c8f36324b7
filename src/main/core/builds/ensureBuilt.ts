import { BenchtopError } from '../../../shared/errors';
import type { EnvironmentRecord } from '../../../shared/api/types';
import type { JobManager } from '../jobs/jobManager';
import type { BuildService } from './buildService';

/**
 * The Python of an environment's published build, building it first when
 * needed; the build's output goes to `write` as it happens (a run's terminal,
 * a service's log). `signal` cancels the build.
 */
export async function ensureBuilt(builds: BuildService, jobs: JobManager, record: EnvironmentRecord, write: (text: string) => void, signal?: AbortSignal): Promise<string> {
  const ready = builds.ready(record.buildKey);
  if (ready) {
    write(`cached: ${record.name}:${record.version} is already built (build key ${record.buildKey})\r\n`);
    return ready.pythonPath;
  }
  const started = builds.start(record.definition, `${record.name}:${record.version}`, {});
  const job = jobs.get(started.job.id);
  const { replay } = job.output.attach({ id: `ensure-${started.job.id}`, acknowledges: false, write });
  write(replay);
  const cancel = () => jobs.cancel(started.job.id);
  signal?.addEventListener('abort', cancel, { once: true });
  const finished = await job.done;
  signal?.removeEventListener('abort', cancel);
  if (finished.state !== 'completed') {
    throw new BenchtopError('BUILD_FAILED', `The environment ${record.name}:${record.version} could not be built: ${finished.error?.message ?? finished.state}`, finished.error?.hint ?? `See the build log: benchtop env build -n ${record.name} -v ${record.version}`);
  }
  const built = builds.ready(started.buildKey);
  if (!built) throw new BenchtopError('BUILD_FAILED', `The environment ${record.name}:${record.version} is not available after its build.`, 'Build it again with --rebuild.');
  return built.pythonPath;
}
