import { lazy, Suspense, useEffect, useState } from 'react';
import { FINAL_STATUSES, type RunSummary } from '../../../shared/api/runTypes';
import { runSource, Terminal } from '../../components/Terminal';
import { findListedRun, useRuns } from '../../stores/runs';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { RunInputs } from '../data/RunInputs';
import { RunModels } from '../models/RunModels';
import { RunFilesView } from './RunFiles';
import { duration, formatMetric } from './RunList';
import { RunMetricsView } from './RunMetrics';
import { SystemMetricsView } from './SystemMetrics';
import { Time } from '../../components/Time';
import { ExportBundleButton } from '../bundles/ExportBundle';

// The sweep view loads with its charts (ECharts, ~0.5 MB) only when a sweep is opened.
const SweepView = lazy(() => import('../sweeps/SweepView').then((m) => ({ default: m.SweepView })));

type Tab = 'overview' | 'terminal' | 'metrics' | 'system' | 'files' | 'search';

function LogSearch({ runId }: { runId: string }) {
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<{ line: number; text: string }[] | null>(null);
  const search = async () => {
    try {
      setMatches((await client.runs.log({ runId, search: query })).matches);
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label>
          Search the full log{' '}
          <input aria-label="Search the log" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="submit" disabled={!query}>
          Search
        </button>
      </form>
      {matches === null ? null : matches.length === 0 ? (
        <p className="muted">No line contains "{query}".</p>
      ) : (
        <pre className="code" aria-label="Matches">
          {matches.map((m) => `${String(m.line).padStart(6)}  ${m.text}`).join('\n')}
        </pre>
      )}
    </div>
  );
}

export function RunDetail({ runId }: { runId: string }) {
  const fromList = useRuns((s) => findListedRun(s, runId));
  const setView = useRuns((s) => s.setView);
  const [fetched, setRun] = useState<RunSummary | null>(null);
  // The list's copy is kept current by run.updated events; the fetched one covers runs not in the list.
  const run = fromList ?? fetched;
  const [tab, setTab] = useState<Tab>('terminal');
  useEffect(() => {
    void client.runs
      .get({ runId })
      .then(setRun)
      .catch((e: unknown) => useUi.getState().showError(e));
  }, [runId]);
  if (!run) return <div className="muted pad">Loading {runId}...</div>;
  // A HyperDrive parent opens as its sweep: trials, charts and the best run rather than a terminal of its own.
  if (run.runType === 'hyperdrive')
    return (
      <Suspense fallback={<div className="muted pad">Loading sweep {run.id}...</div>}>
        <SweepView sweepId={run.id} />
      </Suspense>
    );
  const live = !FINAL_STATUSES.has(run.status);
  const tabs: [Tab, string][] = [
    ['overview', 'Overview'],
    ['terminal', 'Terminal'],
    ['metrics', 'Metrics'],
    ['system', 'System'],
    ['files', 'Files'],
    ['search', 'Search log'],
  ];
  return (
    <article className="detail" aria-label={`Run ${run.id}`}>
      <header className="detail-header">
        <button type="button" onClick={() => setView({ kind: 'list' })} aria-label="Back to runs">
          ← Runs
        </button>
        <h2>{run.id}</h2>
        <span className={`state ${run.status.toLowerCase()}`} data-testid="run-status">
          {run.status}
        </span>
        <span className="spacer" />
        {live ? (
          <button
            type="button"
            className="danger"
            onClick={() => void client.runs.cancel({ runId }).catch((e: unknown) => useUi.getState().showError(e))}
          >
            Cancel run
          </button>
        ) : null}
        <ExportBundleButton parts={[{ kind: 'run', runId: run.id }]} />
        <button type="button" onClick={() => setView({ kind: 'submit', from: run })}>
          Re-run…
        </button>
      </header>
      {run.reason ? (
        <div className={run.status === 'Failed' ? 'error' : 'notice'} role="status">
          <pre className="reason">{run.reason}</pre>
        </div>
      ) : null}
      <div role="tablist" className="tabs">
        {tabs.map(([id, title]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'active' : ''}
            onClick={() => setTab(id)}
          >
            {title}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="tabpanel">
        {tab === 'overview' ? (
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              {run.status}
              {run.exitCode !== null ? ` (exit code ${run.exitCode})` : ''}
            </dd>
            <dt>Experiment</dt>
            <dd>{run.experiment}</dd>
            {run.displayName ? (
              <>
                <dt>Display name</dt>
                <dd>{run.displayName}</dd>
              </>
            ) : null}
            {run.parentRunId ? (
              <>
                <dt>Parent run</dt>
                <dd>
                  <button
                    type="button"
                    className="link"
                    onClick={() => setView({ kind: 'detail', runId: run.parentRunId as string })}
                  >
                    {run.parentRunId}
                  </button>
                </dd>
              </>
            ) : null}
            {run.children > 0 ? (
              <>
                <dt>Child runs</dt>
                <dd>{run.children}</dd>
              </>
            ) : null}
            <dt>Script</dt>
            <dd>
              <code>{run.script}</code>
            </dd>
            <dt>Arguments</dt>
            <dd>
              {run.arguments.length
                ? run.arguments.map((a, i) => (
                    <code key={i} className="arg">
                      {a}
                    </code>
                  ))
                : '-'}
            </dd>
            <dt>Environment</dt>
            <dd>
              {run.environment}{' '}
              <span className="muted">
                build key <code>{run.buildKey ?? '-'}</code>
              </span>
            </dd>
            <dt>Ran on</dt>
            <dd>
              {run.target === 'docker'
                ? 'a Docker container'
                : run.target === 'sdk'
                  ? 'Python (logged from a notebook or script, no script of its own)'
                  : 'this machine (a local process)'}
            </dd>
            <dt>Created</dt>
            <dd>
              <Time iso={run.createdAt} />
            </dd>
            <dt>Started</dt>
            <dd>
              <Time iso={run.startedAt} />
            </dd>
            <dt>Ended</dt>
            <dd>
              <Time iso={run.endedAt} />
            </dd>
            <dt>Duration</dt>
            <dd>{duration(run)}</dd>
            <dt>Metrics</dt>
            <dd>
              {Object.entries(run.metrics)
                .map(([k, v]) => `${k}=${formatMetric(v)}`)
                .join(', ') || '-'}
            </dd>
            <dt>Tags</dt>
            <dd>
              {Object.entries(run.tags)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ') || '-'}
            </dd>
            <dt>Inputs</dt>
            <dd>
              <RunInputs runId={run.id} />
            </dd>
            <dt>Models</dt>
            <dd>
              <RunModels runId={run.id} />
            </dd>
          </dl>
        ) : null}
        {tab === 'terminal' ? (
          <>
            {live ? null : <p className="muted">The run has ended; this is its output.</p>}
            <Terminal key={`${run.id}-${live}`} source={runSource(run.id, live)} label={`Terminal of ${run.id}`} />
          </>
        ) : null}
        {tab === 'metrics' ? <RunMetricsView runId={run.id} live={live} /> : null}
        {tab === 'system' ? <SystemMetricsView runId={run.id} live={live} /> : null}
        {tab === 'files' ? <RunFilesView runId={run.id} /> : null}
        {tab === 'search' ? <LogSearch runId={run.id} /> : null}
      </div>
    </article>
  );
}
