import { useEffect, useRef, useState } from 'react';
import type { Job } from '../../../shared/api/types';
import { client } from '../../transport/client';
import { errorText } from './bundleText';

/**
 * An export or import as a job (progress, step, cancel, chosen request id, as useJobRequest), but the error stays
 * here, shown beside the dialog's form: a refused bundle names the part, and the user fixes it in the same place.
 */
export function useBundleJob() {
  const [job, setJob] = useState<Job | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stop = useRef<(() => void) | null>(null);
  useEffect(() => () => stop.current?.(), []);
  const run = async (call: (requestId: string) => Promise<void>) => {
    const requestId = `ui-${crypto.randomUUID()}`;
    stop.current = client.on('job.updated', (update) => {
      if (update.subject.requestId === requestId) setJob(update);
    });
    setBusy(true);
    setError(null);
    try {
      await call(requestId);
    } catch (err) {
      setError(errorText(err));
    } finally {
      stop.current?.();
      setBusy(false);
      setJob(null);
    }
  };
  const cancel = () => {
    if (job) void client.jobs.cancel({ jobId: job.id });
  };
  return { job, busy, error, setError, run, cancel };
}
