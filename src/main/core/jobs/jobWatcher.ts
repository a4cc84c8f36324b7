import type { Job } from '../../../shared/api/types';
import type { EventBus } from '../events';
import type { Db } from '../workspace/database';
import type { JobManager } from './jobManager';

const WATCH_INTERVAL_MS = 700;

/**
 * Tells the UI about jobs other Benchtop processes run (`benchtop env build` in a terminal while the app is
 * open): without it the jobs panel and the environment list learned of them only on a reload. SQLite's
 * data_version moves only on other connections' commits, so an idle workspace costs one pragma per tick.
 * When it moves, every job not live here whose state changed gets job.updated (the UI reloads the environment
 * list when a job ends, so a build's "built" shows too). Jobs of this process emit their own events already.
 */
export function watchOtherProcessJobs(db: Db, jobs: JobManager, bus: EventBus): () => void {
  let dataVersion = db.pragma('data_version', { simple: true }) as number;
  const seen = new Map<string, Job['state']>(jobs.otherProcessJobs().map((job) => [job.id, job.state]));
  const timer = setInterval(() => {
    if (!db.open) return stop();
    const now = db.pragma('data_version', { simple: true }) as number;
    if (now === dataVersion) return;
    dataVersion = now;
    for (const job of jobs.otherProcessJobs()) {
      if (seen.get(job.id) === job.state) continue;
      seen.set(job.id, job.state);
      bus.emit('job.updated', job);
    }
  }, WATCH_INTERVAL_MS);
  timer.unref();
  const stop = () => clearInterval(timer);
  return stop;
}
