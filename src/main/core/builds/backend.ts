import type { LockedPackage } from '../../../shared/api/types';
import type { Backend, EnvironmentDefinition } from '../../../shared/environments/definition';
import type { JobContext } from '../jobs/jobManager';

export interface BuildRequest {
  definition: EnvironmentDefinition;
  /** Where the environment must end up (a prefix that does not exist yet). */
  prefix: string;
  offline: boolean;
  /** Asked to build again even if a result exists (an image with the key's tag is otherwise reused). */
  rebuild?: boolean;
  wheelsDir: string;
  job: JobContext;
}

export interface BuildOutcome {
  pythonVersion: string | null;
  /** The interpreter a run uses; inside `prefix` except for user-managed environments. */
  pythonPath: string;
  lock: LockedPackage[];
  /** The image a docker build made (runs and services start containers from it). */
  image?: string;
  /** Known at once for images; folders are measured when the cache is listed. */
  sizeBytes?: number;
}

/** One way to materialise an environment. Docker plugs in here in its own issue. */
export interface BuildBackend {
  readonly name: Backend;
  /** The tool doing it, where a backend has several (conda: rattler or a conda binary); shown in the log and build info. */
  readonly toolName?: string;
  /** Whether the result lives in the cache folder (false for user-managed: nothing is created). */
  readonly createsPrefix: boolean;
  build(request: BuildRequest): Promise<BuildOutcome>;
}
