import { useState } from 'react';
import { FINAL_STATUSES, type RunStatus } from '../../../shared/api/runTypes';
import { ErrorMessage } from '../../components/ErrorBanner';
import { useRuns } from '../../stores/runs';
import { useLiveSweep } from '../../stores/sweeps';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { RegisterBest } from './RegisterBest';
import { BestSoFarChart, ParallelChart } from './SweepCharts';
import { SweepFacts } from './SweepFacts';
import { SweepProgress } from './SweepProgress';
import { sweepProgress } from './sweepMath';
import { TrialTable } from './TrialTable';

/** A HyperDrive sweep (its parent run HD_<id>): progress, charts, trials; live from the sweep's events. */
export function SweepView({ sweepId }: { sweepId: string }) {
  const { sweep, error } = useLiveSweep(sweepId);
  const setView = useRuns((s) => s.setView);
  const [confirming, setConfirming] = useState(false);
  const [registering, setRegistering] = useState(false);
  const open = (runId: string) => setView({ kind: 'detail', runId });
  if (!sweep)
    return error ? <ErrorMessage error={error} /> : <div className="muted pad">Loading sweep {sweepId}...</div>;
  const progress = sweepProgress(sweep);
  const live = !FINAL_STATUSES.has(sweep.status as RunStatus);
  const stopping = progress.running + progress.queued;
  const cancel = async () => {
    setConfirming(false);
    try {
      await client.sweeps.cancel({ sweepId });
      useUi.getState().notify(`Canceling ${sweepId}: ${stopping} trial${stopping === 1 ? '' : 's'} stopped.`);
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <article className="detail sweep-view" aria-label={`Sweep ${sweep.id}`}>
      <header className="detail-header">
        <button type="button" onClick={() => setView({ kind: 'list' })} aria-label="Back to runs">
          ← Runs
        </button>
        <button type="button" className="link" onClick={() => setView({ kind: 'sweeps' })}>
          All sweeps
        </button>
        <h2>Sweep {sweep.id}</h2>
        <span className={`state ${sweep.status.toLowerCase()}`} data-testid="sweep-status">
          {sweep.status}
        </span>
        <span className="spacer" />
        <button type="button" disabled={!sweep.bestRunId} onClick={() => setRegistering((r) => !r)}>
          Register best model
        </button>
        {live ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Cancel sweep
          </button>
        ) : null}
      </header>
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-label="Cancel the sweep?">
          <p>
            Cancel {sweep.id}? This stops {stopping} trial{stopping === 1 ? '' : 's'} ({progress.running} running,{' '}
            {progress.queued} queued) and submits no more. Trials that ended keep their results.
          </p>
          <div className="row">
            <button type="button" className="danger" onClick={() => void cancel()} autoFocus>
              Stop {stopping} trial{stopping === 1 ? '' : 's'}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep running
            </button>
          </div>
        </div>
      ) : null}
      {sweep.message ? (
        <div className="notice warn" role="status" data-testid="sweep-message">
          {sweep.message}
        </div>
      ) : null}
      {sweep.warnings.length ? (
        <ul className="warnings" aria-label="Warnings">
          {sweep.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      {registering && sweep.bestRunId ? <RegisterBest sweep={sweep} onClose={() => setRegistering(false)} /> : null}
      <SweepProgress progress={progress} />
      <div className="sweep-charts">
        <BestSoFarChart sweep={sweep} />
        <ParallelChart sweep={sweep} />
      </div>
      <h3>Trials</h3>
      <TrialTable sweep={sweep} onOpen={open} />
      <SweepFacts sweep={sweep} onOpen={open} />
    </article>
  );
}
