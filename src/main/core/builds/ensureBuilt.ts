import { BenchtopError } from '../../../shared/errors';
import type { EnvironmentRecord } from '../../../shared/api/types';
import type { JobManager } from '../jobs/jobManager';
import type { BackendChoice } from '../../../shared/environments/definition';
import type { BuildService } from './buildService';
import type { ReadyBuild } from './publishedBuild';

/**
 * The Python of an environment's published build, building it first when
 * needed; the build's output goes to `write` as it happens (a run's terminal,
 * a service's log). `signal` cancels the build.
 */
export async function ensureBuilt(
  builds: BuildService,
  jobs: JobManager,
  record: EnvironmentRecord,
  write: (text: string) => void,
  options: { signal?: AbortSignal; backend?: BackendChoice; rebuild?: boolean } = {},
): Promise<ReadyBuild> {
  const { signal } = options;
  const { buildKey } = builds.keyFor(record.definition, options.backend ?? 'auto');
  const ready = options.rebuild ? null : builds.ready(buildKey);
  if (ready) {
    write(`cached: ${record.name}:${record.version} is already built (build key ${buildKey})\r\n`);
    return ready;
  }
  const started = builds.start(record.definition, `${record.name}:${record.version}`, {
    backend: options.backend ?? 'auto',
    rebuild: options.rebuild ?? false,
  });
  const job = jobs.get(started.job.id);
  const { replay } = job.output.attach({ id: `ensure-${started.job.id}`, acknowledges: false, write });
  write(replay);
  const cancel = () => jobs.cancel(started.job.id);
  signal?.addEventListener('abort', cancel, { once: true });
  const finished = await job.done;
  signal?.removeEventListener('abort', cancel);
  if (finished.state !== 'completed') {
    throw new BenchtopError(
      'BUILD_FAILED',
      `The environment ${record.name}:${record.version} could not be built: ${finished.error?.message ?? finished.state}`,
      finished.error?.hint ?? `See the build log: benchtop env build -n ${record.name} -v ${record.version}`,
    );
  }
  const built = builds.ready(started.buildKey);
  if (!built)
    throw new BenchtopError(
      'BUILD_FAILED',
      `The environment ${record.name}:${record.version} is not available after its build.`,
      'Build it again with --rebuild.',
    );
  return built;
}
