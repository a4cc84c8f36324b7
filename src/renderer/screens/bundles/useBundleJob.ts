import { useState } from 'react';
import { useJobRequest } from '../models/useJobRequest';
import { errorText } from './bundleText';

/**
 * An export or import as a job (useJobRequest: progress, step, cancel, chosen request id), but the error stays
 * here, shown beside the dialog's form: a refused bundle names the part, and the user fixes it in the same place.
 */
export function useBundleJob() {
  const [error, setError] = useState<string | null>(null);
  const request = useJobRequest((err) => setError(errorText(err)));
  const run = (call: (requestId: string) => Promise<void>) => {
    setError(null);
    return request.run(call);
  };
  return { job: request.job, busy: request.busy, error, setError, run, cancel: request.cancel };
}
