import type { Job } from '../../../shared/api/types';
import { BenchtopError, type ErrorCode } from '../../../shared/errors';

/** A job that did not complete, as the error its caller throws (canceled: the caller's own words for what was kept). */
export function jobFailure(job: Job, canceledMessage: string): BenchtopError {
  if (!job.error || job.state === 'canceled') return new BenchtopError('CANCELED', canceledMessage);
  return new BenchtopError(job.error.code as ErrorCode, job.error.message, job.error.hint);
}
