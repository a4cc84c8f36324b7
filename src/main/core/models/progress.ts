import { formatBytes } from '../../../shared/format';
import type { JobContext } from '../jobs/jobManager';

const EVERY_MS = 100;

/** Byte progress for a job, reported at most every 100 ms (a 1 GB copy is 128 chunks; the UI needs ~10 updates a second). */
export function progressReporter(total: number, ctx: JobContext) {
  let done = 0;
  let last = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - last < EVERY_MS) return;
    last = now;
    ctx.setProgress(total > 0 ? Math.min(1, done / total) : null, `${formatBytes(done)} of ${formatBytes(total)}`);
  };
  return {
    add: (bytes: number) => {
      done += bytes;
      report(done >= total);
    },
  };
}
