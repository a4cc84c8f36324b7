import { useEffect, useRef, useState } from 'react';
import type { Job } from '../../../shared/api/types';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';

/**
 * A call that runs as a job (register, download): while it is pending the
 * view gets the job (progress, step, cancel) by the request id it chose;
 * errors go to `onError` (a form's field errors), else to the error banner.
 */
export function useJobRequest(onError?: (err: unknown) => void) {
  const [job, setJob] = useState<Job | null>(null);
  const [busy, setBusy] = useState(false);
  const stop = useRef<(() => void) | null>(null);
  useEffect(() => () => stop.current?.(), []);
  const run = async (call: (requestId: string) => Promise<void>) => {
    const requestId = `ui-${crypto.randomUUID()}`;
    stop.current = client.on('job.updated', (update) => {
      if (update.subject.requestId === requestId) setJob(update);
    });
    setBusy(true);
    try {
      await call(requestId);
    } catch (err) {
      if (onError) onError(err);
      else useUi.getState().showError(err);
    } finally {
      stop.current?.();
      setBusy(false);
      setJob(null);
    }
  };
  const cancel = () => {
    if (job) void client.jobs.cancel({ jobId: job.id });
  };
  return { job, busy, run, cancel };
}
