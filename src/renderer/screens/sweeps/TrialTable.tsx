import { useMemo, useState } from 'react';
import type { SweepDetail, SweepTrial } from '../../../shared/api/sweepTypes';
import { duration } from '../runs/RunList';
import { formatValue, parameterNames, type SortDir, type SortKey, sortTrials } from './sweepMath';

const sameKey = (a: SortKey, b: SortKey) =>
  a.kind === b.kind && (a.kind !== 'param' || (b.kind === 'param' && a.name === b.name));

/** The trials, sortable by number, status, each parameter and the primary metric; a row (Enter) opens the run. */
export function TrialTable({ sweep, onOpen }: { sweep: SweepDetail; onOpen: (runId: string) => void }) {
  const { name: metric, goal } = sweep.config.primaryMetric;
  const params = parameterNames(sweep);
  // Best first by default, as Azure's studio lists a sweep's child runs.
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({
    key: { kind: 'metric' },
    dir: goal === 'maximize' ? 'desc' : 'asc',
  });
  const rows = useMemo(() => sortTrials(sweep.trials, sort.key, sort.dir), [sweep.trials, sort]);
  const columns: { key: SortKey; title: string }[] = [
    { key: { kind: 'n' }, title: '#' },
    { key: { kind: 'status' }, title: 'Status' },
    ...params.map((name) => ({ key: { kind: 'param', name } as SortKey, title: name })),
    { key: { kind: 'metric' }, title: metric },
  ];
  const clickSort = (key: SortKey) =>
    setSort((s) => (sameKey(s.key, key) ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));
  if (sweep.trials.length === 0) return <p className="muted">No trials yet: the queue starts them as slots free up.</p>;
  return (
    <div className="table-scroll trials">
      <table className="table data-table" aria-label="Trials">
        <thead>
          <tr>
            {columns.map(({ key, title }) => {
              const active = sameKey(sort.key, key);
              return (
                <th key={title} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" className="ghost sort" onClick={() => clickSort(key)}>
                    {title} {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                  </button>
                </th>
              );
            })}
            <th>Run</th>
            <th>Steps</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <TrialRow key={t.runId} trial={t} params={params} best={t.runId === sweep.bestRunId} onOpen={onOpen} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TrialRow({
  trial,
  params,
  best,
  onOpen,
}: {
  trial: SweepTrial;
  params: string[];
  best: boolean;
  onOpen: (runId: string) => void;
}) {
  // The run's own status with the policy's mark, as `sweep show` and wait_for_completion print it.
  const status = trial.earlyTerminated ? `${trial.status} (early terminated)` : trial.status;
  return (
    <tr
      tabIndex={0}
      className={`trial-row${best ? ' best' : ''}${trial.earlyTerminated ? ' stopped' : ''}`}
      aria-label={`Trial ${trial.n}: ${trial.runId}, ${status}`}
      onClick={() => onOpen(trial.runId)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen(trial.runId);
      }}
    >
      <td className="num">{trial.n}</td>
      <td>
        <span className={`state ${trial.earlyTerminated ? 'canceled' : trial.status.toLowerCase()}`}>{status}</span>
        {best ? <span className="badge best">best</span> : null}
      </td>
      {params.map((p) => (
        <td key={p} className="num">
          {formatValue(trial.params[p])}
        </td>
      ))}
      <td className="num" data-testid="trial-metric">
        {trial.primaryValue === null ? <span className="muted">-</span> : formatValue(trial.primaryValue)}
      </td>
      <td>
        <code>{trial.runId}</code>
      </td>
      <td className="num">{trial.steps}</td>
      <td>{duration(trial)}</td>
    </tr>
  );
}
