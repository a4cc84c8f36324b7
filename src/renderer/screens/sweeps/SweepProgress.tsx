import type { Progress } from './sweepMath';

const PARTS: { key: keyof Omit<Progress, 'total' | 'notStarted'>; label: string }[] = [
  { key: 'completed', label: 'completed' },
  { key: 'failed', label: 'failed' },
  { key: 'earlyTerminated', label: 'early terminated' },
  { key: 'canceled', label: 'canceled' },
  { key: 'running', label: 'running' },
  { key: 'queued', label: 'queued' },
];

/** Counts of the trials by state, and one bar split the same way (the rest: trials not submitted yet). */
export function SweepProgress({ progress }: { progress: Progress }) {
  const done = progress.completed + progress.failed + progress.earlyTerminated + progress.canceled;
  const existing = done + progress.running + progress.queued;
  const total = Math.max(progress.total ?? existing, existing, 1);
  return (
    <section className="sweep-progress" aria-label="Sweep progress">
      <div className="row counts" data-testid="sweep-counts">
        <strong data-testid="sweep-done">
          {done} of {progress.total ?? `${existing}+`} done
        </strong>
        {PARTS.map(({ key, label }) => (
          <span key={key} className={`count ${key}`} data-testid={`count-${key}`}>
            <i /> {progress[key]} {label}
          </span>
        ))}
        {progress.notStarted ? <span className="muted">{progress.notStarted} not submitted yet</span> : null}
      </div>
      <div
        className="stack-bar"
        role="progressbar"
        aria-label="Trials done"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        {PARTS.map(({ key }) =>
          progress[key] > 0 ? (
            <div key={key} className={key} style={{ width: `${(progress[key] / total) * 100}%` }} />
          ) : null,
        )}
      </div>
    </section>
  );
}
