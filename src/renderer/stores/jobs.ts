import { create } from 'zustand';
import type { Job } from '../../shared/api/types';
import { client } from '../transport/client';

interface JobsState {
  jobs: Record<string, Job>;
  /** The job whose terminal is open in the jobs panel. */
  openJobId: string | null;
  panelOpen: boolean;
  upsert(job: Job): void;
  refresh(): Promise<void>;
  open(jobId: string | null): void;
  togglePanel(open?: boolean): void;
}

export const useJobs = create<JobsState>((set) => ({
  jobs: {},
  openJobId: null,
  panelOpen: false,
  // A job's state only moves forward: the answer to builds.start (a "running" snapshot) can arrive after the
  // job.updated event that ended it (a cached build ends at once), and must not bring it back to life.
  upsert: (job) => set((s) => (isStale(s.jobs[job.id], job) ? s : { jobs: { ...s.jobs, [job.id]: job } })),
  refresh: async () => {
    const list = await client.jobs.list({});
    set({ jobs: Object.fromEntries(list.map((j) => [j.id, j])) });
  },
  open: (jobId) => set({ openJobId: jobId, panelOpen: jobId !== null ? true : undefined }),
  togglePanel: (open) => set((s) => ({ panelOpen: open ?? !s.panelOpen })),
}));

const FINISHED = new Set<Job['state']>(['completed', 'failed', 'canceled']);

/** True when `incoming` is older than what the store has: it is still going where the known one has ended. */
export function isStale(known: Job | undefined, incoming: Job): boolean {
  if (!known) return false;
  if (FINISHED.has(known.state) && !FINISHED.has(incoming.state)) return true;
  return known.state === 'running' && incoming.state === 'queued';
}

export function sortedJobs(jobs: Record<string, Job>): Job[] {
  return Object.values(jobs).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}
