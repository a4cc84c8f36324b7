import { useJobs, sortedJobs } from '../stores/jobs';
import { useLiveQueue } from '../stores/queue';
import { useUi } from '../stores/ui';
import { client } from '../transport/client';
import { QueueSection } from './QueueSection';
import { jobSource, Terminal } from './Terminal';
import type { Job } from '../../shared/api/types';

export function ProgressBar({ job }: { job: Job }) {
  const running = job.state === 'running';
  const value = job.progress;
  return (
    <div
      className={`progress ${job.state}`}
      role="progressbar"
      aria-label={`${job.title} progress`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value === null ? undefined : Math.round(value * 100)}
    >
      <div
        className={running && value === null ? 'bar indeterminate' : 'bar'}
        style={{ width: `${Math.round((value ?? (running ? 0.3 : 1)) * 100)}%` }}
      />
    </div>
  );
}

export function cancelJob(jobId: string): void {
  void client.jobs.cancel({ jobId }).catch((err: unknown) => useUi.getState().showError(err));
}

/** The run queue, then every build, download and import with its state, progress, log and cancel. */
export function JobsPanel() {
  const { jobs, openJobId, panelOpen, open, togglePanel } = useJobs();
  const list = sortedJobs(jobs);
  const running = list.filter((j) => j.state === 'running').length;
  const openJob = openJobId ? jobs[openJobId] : undefined;
  const queue = useLiveQueue().state;
  const runningRuns = queue?.entries.filter((e) => e.position === null).length ?? 0;
  const queuedRuns = (queue?.entries.length ?? 0) - runningRuns;
  return (
    <section className={`jobs-panel ${panelOpen ? 'open' : ''}`} aria-label="Jobs">
      <button type="button" className="jobs-toggle" onClick={() => togglePanel()} aria-expanded={panelOpen}>
        Jobs{' '}
        {running > 0 ? (
          <span className="badge running">{running} running</span>
        ) : (
          <span className="muted">({list.length})</span>
        )}{' '}
        {runningRuns > 0 ? (
          <span className="badge running">
            {runningRuns} run{runningRuns === 1 ? '' : 's'} running
          </span>
        ) : null}{' '}
        {queuedRuns > 0 ? <span className="badge queued">{queuedRuns} queued</span> : null}
      </button>
      {panelOpen ? (
        <div className="jobs-body">
          {queue ? <QueueSection state={queue} /> : null}
          <h4 className="group">Jobs</h4>
          <ul className="jobs-list" aria-label="Jobs">
            {list.length === 0 ? (
              <li className="muted">No jobs yet. Builds appear here with their live logs.</li>
            ) : null}
            {list.map((job) => (
              <li key={job.id} className={job.id === openJobId ? 'selected' : ''}>
                <button type="button" className="link" onClick={() => open(job.id)}>
                  {job.title}
                </button>
                <span className={`state ${job.state}`}>{job.state}</span>
                <ProgressBar job={job} />
                <span className="muted step">{job.error?.message ?? job.step ?? ''}</span>
                {job.cancellable && job.state === 'running' ? (
                  <button type="button" onClick={() => cancelJob(job.id)}>
                    Cancel
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {openJob ? (
            <Terminal key={openJob.id} source={jobSource(openJob.id)} label={`Log of ${openJob.title}`} />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
