import { randomUUID } from 'node:crypto';
import type { CliContext } from './context';
import { cancelOnInterrupt } from './interrupt';

/**
 * Runs a call that works as a job (a model register or download): shows the
 * job's progress on a terminal and cancels it on Ctrl-C. The request id lets
 * us find the job before the call returns.
 */
export async function withJobProgress<T>(
  ctx: CliContext,
  what: string,
  noun: string,
  call: (requestId: string) => Promise<T>,
): Promise<T> {
  const requestId = randomUUID();
  const tty = process.stderr.isTTY && !ctx.json;
  let jobId: string | null = null;
  let shown = false;
  const off = ctx.client.on('job.updated', (job) => {
    if (job.subject.requestId !== requestId) return;
    jobId = job.id;
    if (tty && job.state === 'running' && job.progress !== null) {
      process.stderr.write(`\r${what}: ${Math.round(job.progress * 100)}% (${job.step ?? ''})\x1b[K`);
      shown = true;
    }
  });
  const release = cancelOnInterrupt(noun, () => {
    if (jobId) void ctx.client.jobs.cancel({ jobId });
  });
  try {
    return await call(requestId);
  } finally {
    off();
    release();
    if (shown) process.stderr.write('\r\x1b[K');
  }
}
