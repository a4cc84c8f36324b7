import type { Job } from '../../shared/api/types';
import type { CliContext } from './context';

/**
 * Streams a job's live output to the terminal and resolves with its final
 * state. Ctrl-C cancels the job (a second Ctrl-C leaves at once).
 */
export async function followJob(ctx: CliContext, jobId: string): Promise<Job> {
  const attached = await ctx.client.jobs.attach({ jobId });
  if (attached.replay) ctx.log.write(attached.replay);
  if (isFinished(attached.job)) return attached.job;
  return new Promise<Job>((resolve) => {
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      process.stderr.write('\nCanceling the build (Ctrl-C again to leave at once)...\n');
      void ctx.client.jobs.cancel({ jobId });
    };
    process.on('SIGINT', onSigint);
    const off = ctx.client.on('job.updated', (job) => {
      if (job.id !== jobId || !isFinished(job)) return;
      off();
      process.off('SIGINT', onSigint);
      // Let the last batched output reach the terminal first.
      setTimeout(() => resolve(job), 20);
    });
  });
}

function isFinished(job: Job): boolean {
  return job.state === 'completed' || job.state === 'failed' || job.state === 'canceled';
}
