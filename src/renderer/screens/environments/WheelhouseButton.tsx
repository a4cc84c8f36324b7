import { useEffect, useRef, useState } from 'react';
import type { EnvironmentRecord, Job } from '../../../shared/api/types';
import { asApiError } from '../../stores/ui';
import { client } from '../../transport/client';
import { JobProgressParts } from '../models/JobProgress';

interface WheelhouseResult {
  fetched: string[];
  present: string[];
  failed: { name: string; reason: string }[];
}

/**
 * "Make offline-ready": fetches every wheel the built environment's lock names into the workspace wheels
 * (environments.wheelhouse), with the job's progress and Cancel; then says what came, what was there, and
 * names each package that has no wheel for this Python and platform.
 */
export function WheelhouseButton({ record }: { record: EnvironmentRecord }) {
  const [job, setJob] = useState<Job | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<WheelhouseResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stop = useRef<(() => void) | null>(null);
  useEffect(() => () => stop.current?.(), []);
  const built = record.build?.state === 'ready';
  const isImage = record.backend === 'docker';
  const run = async () => {
    const requestId = `ui-${crypto.randomUUID()}`;
    stop.current = client.on('job.updated', (update) => {
      if (update.subject.requestId === requestId) setJob(update);
    });
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await client.environments.wheelhouse({ name: record.name, version: record.version, requestId }));
    } catch (err) {
      const { message, hint } = asApiError(err);
      setError(hint ? `${message} ${hint}` : message);
    } finally {
      stop.current?.();
      setBusy(false);
      setJob(null);
    }
  };
  return (
    <div className="row wheelhouse" aria-label="Offline readiness">
      <button
        type="button"
        disabled={!built || isImage || busy}
        title={
          isImage
            ? 'An image build carries its packages; export it with its image instead'
            : built
              ? "Fetch every wheel this environment's lock names, so it rebuilds offline"
              : 'Build it first: the wheels to fetch come from its lock'
        }
        onClick={() => void run()}
      >
        Make offline-ready
      </button>
      {busy ? (
        <JobProgressParts
          job={job}
          cancel={() => job && void client.jobs.cancel({ jobId: job.id })}
          cancelLabel="Cancel"
          waiting="Fetching wheels..."
        />
      ) : null}
      {!built && !isImage ? <span className="muted">Build it first; its lock names the wheels to fetch.</span> : null}
      {result ? <WheelhouseSummary result={result} /> : null}
      {error ? (
        <span role="alert" className="error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function WheelhouseSummary({ result }: { result: WheelhouseResult }) {
  const counts = `${result.fetched.length} wheel(s) fetched, ${result.present.length} already in the workspace`;
  if (result.failed.length === 0)
    return <span role="status">Offline-ready: {counts}. Offline builds find them all.</span>;
  return (
    <div role="alert">
      <span>
        {counts}; {result.failed.length} without a wheel for this Python and platform (build each with `pip wheel`, then
        add it under Wheels):
      </span>
      <ul aria-label="Packages without a wheel">
        {result.failed.map((f) => (
          <li key={f.name}>
            <code>{f.name}</code>: {f.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
