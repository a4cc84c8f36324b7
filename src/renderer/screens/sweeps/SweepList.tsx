import type { SweepSummary } from '../../../shared/api/sweepTypes';
import { EmptyState, ErrorMessage } from '../../components/ErrorBanner';
import { useRuns } from '../../stores/runs';
import { useLiveSweepList } from '../../stores/sweeps';
import { formatValue } from './sweepMath';
import { Time } from '../../components/Time';

const PYTHON_CELL = `from azureml.core import Experiment, ScriptRunConfig, Workspace
from azureml.train.hyperdrive import (
    HyperDriveConfig, PrimaryMetricGoal, RandomParameterSampling, choice, uniform)

ws = Workspace.from_config()
src = ScriptRunConfig(source_directory="./train", script="train.py")
sampling = RandomParameterSampling({"--lr": uniform(0.001, 0.1), "--layers": choice(1, 2, 3)})
config = HyperDriveConfig(run_config=src, hyperparameter_sampling=sampling,
                          primary_metric_name="accuracy",
                          primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
                          max_total_runs=12, max_concurrent_runs=3)
run = Experiment(ws, "sweep").submit(config)`;

const SWEEP_YAML = `sampling:
  type: random
  parameter_space:
    --lr: uniform(0.001, 0.1)
    --layers: choice(1, 2, 3)
primary_metric: {name: accuracy, goal: maximize}
max_total_runs: 12
max_concurrent_runs: 3`;

/** Every sweep with its progress and best value; empty: how to submit one (CLI and Python). */
export function SweepList() {
  const { list, error } = useLiveSweepList();
  const setView = useRuns((s) => s.setView);
  return (
    <section className="page" aria-label="Sweeps">
      <header className="detail-header">
        <button type="button" onClick={() => setView({ kind: 'list' })} aria-label="Back to runs">
          ← Runs
        </button>
        <h2>Sweeps</h2>
      </header>
      {error ? <ErrorMessage error={error} /> : null}
      {list === null ? (
        error ? null : (
          <div className="muted pad">Loading sweeps...</div>
        )
      ) : list.length === 0 ? (
        <EmptyState title="No sweeps yet">
          <p>
            A sweep (HyperDrive) runs your training script many times with sampled arguments and keeps the best. From a
            terminal, with this as <code>sweep.yml</code>:
          </p>
          <pre className="code left">{SWEEP_YAML}</pre>
          <pre className="code left">benchtop sweep submit -f sweep.yml -d ./train -s train.py</pre>
          <p>Or from Python (a notebook cell):</p>
          <pre className="code left">{PYTHON_CELL}</pre>
        </EmptyState>
      ) : (
        <table className="table" aria-label="Sweeps">
          <thead>
            <tr>
              <th>Sweep</th>
              <th>Experiment</th>
              <th>Status</th>
              <th>Trials</th>
              <th>Primary metric</th>
              <th>Best</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td>
                  <button type="button" className="link" onClick={() => setView({ kind: 'detail', runId: s.id })}>
                    {s.id}
                  </button>
                </td>
                <td>{s.experiment}</td>
                <td>
                  <span className={`state ${s.status.toLowerCase()}`}>{s.status}</span>
                </td>
                <td>{sweepCountsText(s.counts)}</td>
                <td>
                  <code>{s.config.primaryMetric.name}</code> ({s.config.primaryMetric.goal})
                </td>
                <td>{s.bestValue === null ? '-' : formatValue(s.bestValue)}</td>
                <td className="muted">
                  <Time iso={s.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** "5 done, 2 running, 1 queued" from a summary's counts (early-terminated trials are done, counted apart from canceled). */
export function sweepCountsText(c: SweepSummary['counts']): string {
  const done = c.completed + c.failed + c.canceled + c.earlyTerminated;
  return [`${done} done`, c.running ? `${c.running} running` : '', c.queued ? `${c.queued} queued` : '']
    .filter(Boolean)
    .join(', ');
}
