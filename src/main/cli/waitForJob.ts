import type { Job } from '../../shared/api/types';
import type { CliContext } from './context';
import { cancelOnInterrupt } from './interrupt';

/**
 * Streams a job's live output to the terminal and resolves with its final
 * state. Ctrl-C cancels the job (a second Ctrl-C leaves at once).
 */
export async function followJob(ctx: CliContext, jobId: string): Promise<Job> {
  // Subscribe before attaching: a fast job may finish while the attach is answered.
  let finished: Job | null = null;
  let onFinished: ((job: Job) => void) | null = null;
  const off = ctx.client.on('job.updated', (job) => {
    if (job.id !== jobId || !isFinished(job)) return;
    finished = job;
    onFinished?.(job);
  });
  const attached = await ctx.client.jobs.attach({ jobId });
  ctx.output.release(attached.replay);
  const done = finished ?? (isFinished(attached.job) ? attached.job : null);
  if (done) {
    off();
    return done;
  }
  return new Promise<Job>((resolve) => {
    const release = cancelOnInterrupt('build', () => void ctx.client.jobs.cancel({ jobId }));
    onFinished = (job) => {
      off();
      release();
      // Let the last batched output reach the terminal first.
      setTimeout(() => resolve(job), 20);
    };
  });
}

function isFinished(job: Job): boolean {
  return job.state === 'completed' || job.state === 'failed' || job.state === 'canceled';
}
