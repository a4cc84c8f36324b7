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
  upsert: (job) => set((s) => ({ jobs: { ...s.jobs, [job.id]: job } })),
  refresh: async () => {
    const list = await client.jobs.list({});
    set({ jobs: Object.fromEntries(list.map((j) => [j.id, j])) });
  },
  open: (jobId) => set({ openJobId: jobId, panelOpen: jobId !== null ? true : undefined }),
  togglePanel: (open) => set((s) => ({ panelOpen: open ?? !s.panelOpen })),
}));

export function sortedJobs(jobs: Record<string, Job>): Job[] {
  return Object.values(jobs).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}
