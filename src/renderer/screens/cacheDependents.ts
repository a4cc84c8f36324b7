import type { CacheEntry } from '../../shared/api/types';
import type { RunSummary } from '../../shared/api/runTypes';
import type { ServiceRecord } from '../../shared/api/serviceTypes';

/*
 * What uses a build, from the lists the core already serves (cache.list names the environment versions a build
 * serves; services and active runs name their environment version and target). A docker build serves docker
 * targets; venv/conda/user-managed builds serve local ones.
 */

export interface CacheDependents {
  /** Services and runs that are running on this build right now: removing it is refused. */
  active: string[];
  /** Environment versions that would have to be built again. */
  environments: string[];
}

/** Runs that hold (or are about to take) their build. */
export const ACTIVE_RUN_STATUSES = ['Queued', 'Preparing', 'Running', 'Finalizing'] as const;

const servesTarget = (entry: CacheEntry, target: string) => (entry.backend === 'docker') === (target === 'docker');

export function dependentsOf(entry: CacheEntry, services: ServiceRecord[], runs: RunSummary[]): CacheDependents {
  const envs = new Set(entry.environments);
  const active = [
    ...services
      .filter((s) => s.state !== 'deleted' && s.state !== 'failed' && envs.has(s.environment))
      .filter((s) => servesTarget(entry, s.target))
      .map((s) => `service "${s.name}" (${s.state}, ${s.environment})`),
    ...runs
      // A run records its build key once prepared; before that, its environment and target say which build.
      .filter((r) =>
        r.buildKey ? r.buildKey === entry.buildKey : envs.has(r.environment) && servesTarget(entry, r.target),
      )
      .map((r) => `run ${r.displayName ?? r.id} (${r.status}, ${r.environment})`),
  ];
  return { active, environments: entry.environments };
}
