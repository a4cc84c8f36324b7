import { useState } from 'react';
import type { EnvironmentRecord } from '../../../shared/api/types';
import { cancelJob, ProgressBar } from '../../components/JobsPanel';
import { jobSource, LogView } from '../../components/LogView';
import { useJobs, sortedJobs } from '../../stores/jobs';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { Time } from '../../components/Time';

/**
 * Build with a live terminal, progress and cancel; says "cached" when nothing had to be built.
 * "Docker image" builds the environment's image (the Dockerfile tab shows what it runs).
 */
export function BuildPanel({ record }: { record: EnvironmentRecord }) {
  const label = `${record.name}:${record.version}`;
  const jobs = useJobs((s) => s.jobs);
  const upsert = useJobs((s) => s.upsert);
  const [cached, setCached] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [kind, setKind] = useState<'auto' | 'docker'>(record.backend === 'docker' ? 'docker' : 'auto');
  const latest = sortedJobs(jobs).find(
    (j) => j.subject.environment === label && (j.subject.backend === 'docker') === (kind === 'docker'),
  );
  const start = async (rebuild: boolean) => {
    setBusy(true);
    try {
      const started = await client.builds.start({ name: record.name, version: record.version, rebuild, backend: kind });
      upsert(started.job);
      setCached(started.cached ? started.job.id : null);
    } catch (err) {
      useUi.getState().showError(err);
    } finally {
      setBusy(false);
    }
  };
  const running = latest?.state === 'running';
  return (
    <div className="build-panel">
      <div className="row">
        <label className="inline">
          Build as
          <select aria-label="Build as" value={kind} onChange={(e) => setKind(e.target.value as 'auto' | 'docker')}>
            <option value="auto">
              an environment on this machine ({record.backend === 'docker' ? 'auto' : record.backend})
            </option>
            <option value="docker">a Docker image</option>
          </select>
        </label>
        <button type="button" className="primary" disabled={busy || running} onClick={() => void start(false)}>
          Build
        </button>
        <button type="button" disabled={busy || running} onClick={() => void start(true)}>
          Rebuild
        </button>
        {running && latest ? (
          <button type="button" className="danger" onClick={() => cancelJob(latest.id)}>
            Cancel build
          </button>
        ) : null}
        {latest && cached === latest.id ? (
          <span className="badge cached" data-testid="build-status">
            cached
          </span>
        ) : null}
        {latest && cached !== latest.id ? (
          <span className={`state ${latest.state}`} data-testid="build-status">
            {latest.state}
          </span>
        ) : null}
        {kind === 'docker' ? (
          <span className="muted">
            image <code>benchtop/env:{latest?.subject.buildKey ?? '…'}</code>
          </span>
        ) : (
          <span className="muted">
            build key <code>{record.buildKey}</code> ({record.backend})
          </span>
        )}
      </div>
      {latest ? (
        <>
          <div className="row">
            <ProgressBar job={latest} />
            <span className="muted step">{latest.step ?? ''}</span>
          </div>
          {latest.error ? (
            <div className="error" role="alert">
              <strong>{latest.error.message}</strong>
              {latest.error.hint ? <div className="hint">{latest.error.hint}</div> : null}
            </div>
          ) : null}
          <LogView key={latest.id} source={jobSource(latest.id)} label={`Build log of ${label}`} />
        </>
      ) : (
        <p className="muted">
          {kind === 'docker' ? (
            "Builds the image from the generated Dockerfile (see the Dockerfile tab); the engine's output shows here live, step by step."
          ) : record.build?.state === 'ready' ? (
            <>
              Built <Time iso={record.build.finishedAt} /> at <code>{record.build.path ?? ''}</code>. Build again to see
              the log; it will be cached.
            </>
          ) : (
            'Not built yet. Build it to create the environment; the log shows here live.'
          )}
        </p>
      )}
    </div>
  );
}
