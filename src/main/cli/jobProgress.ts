import { randomUUID } from 'node:crypto';
import type { Job } from '../../shared/api/types';
import type { CliContext } from './context';
import { cancelOnInterrupt } from './interrupt';

/**
 * Follows the job a call starts (found by its request id before the call returns): a line from `describe` on stderr
 * (rewritten in place on a terminal; off a terminal one every `plainEveryMs`, or none when null) and Ctrl-C cancels it.
 */
export async function followJob<T>(
  ctx: CliContext,
  noun: string,
  describe: (job: Job) => string | null,
  plainEveryMs: number | null,
  call: (requestId: string) => Promise<T>,
): Promise<T> {
  const requestId = randomUUID();
  const tty = process.stderr.isTTY && !ctx.json;
  let jobId: string | null = null;
  let lastLine = 0;
  let shown = false;
  const off = ctx.client.on('job.updated', (job) => {
    if (job.subject.requestId !== requestId) return;
    jobId = job.id;
    if (job.state !== 'running' || ctx.json) return;
    const line = describe(job);
    if (line === null) return;
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K`);
      shown = true;
    } else if (plainEveryMs !== null && Date.now() - lastLine >= plainEveryMs) {
      lastLine = Date.now();
      process.stderr.write(`${line}\n`);
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

/**
 * Runs a call that works as a job (a model register or download): shows the
 * job's progress on a terminal and cancels it on Ctrl-C.
 */
export function withJobProgress<T>(
  ctx: CliContext,
  what: string,
  noun: string,
  call: (requestId: string) => Promise<T>,
): Promise<T> {
  const describe = (job: Job): string | null =>
    job.progress === null ? null : `${what}: ${Math.round(job.progress * 100)}% (${job.step ?? ''})`;
  return followJob(ctx, noun, describe, null, call);
}
