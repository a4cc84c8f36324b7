import { useState } from 'react';
import type { MlflowImportSummary } from '../../../shared/api/importTypes';
import { PathField } from '../../components/PathField';
import { useRuns } from '../../stores/runs';
import { client } from '../../transport/client';
import { ByteProgress } from '../models/ByteProgress';
import { useJobRequest } from '../models/useJobRequest';

/**
 * Import an MLflow store (`benchtop import mlflow`): a folder or a tracking server on this machine,
 * the live step while it runs (the first import also builds the mlflow tool environment), and
 * what came in when it is done. Importing again adds only what is new or changed.
 */
export function ImportMlflow() {
  const setView = useRuns((s) => s.setView);
  const [source, setSource] = useState('');
  const [experiments, setExperiments] = useState('');
  const [summary, setSummary] = useState<MlflowImportSummary | null>(null);
  const { job, busy, run, cancel } = useJobRequest();
  const start = () =>
    run(async (requestId) => {
      setSummary(null);
      const names = experiments
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      setSummary(await client.imports.mlflow({ source: source.trim(), experiments: names, requestId }));
      void useRuns.getState().refresh();
    });
  return (
    <section className="page" aria-label="Import MLflow store">
      <header className="detail-header">
        <button type="button" onClick={() => setView({ kind: 'list' })}>
          ← Back
        </button>
        <h2>Import MLflow store</h2>
      </header>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <PathField
          label="MLflow store: an mlruns/ folder (or the folder holding it), or http://127.0.0.1:PORT"
          value={source}
          onChange={setSource}
          kinds={['folder']}
          placeholder="/path/to/project/mlruns"
        />
        <label>
          Only these experiments (comma-separated MLflow names; empty: all)
          <input value={experiments} onChange={(e) => setExperiments(e.target.value)} />
        </label>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !source.trim()}>
            {busy ? 'Importing…' : 'Import'}
          </button>
          {busy && job ? (
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          ) : null}
        </div>
        {busy ? (
          <div aria-label="Import progress">
            <p className="muted">{job ? `${job.title}: ${job.step ?? 'starting'}` : 'Checking the store…'}</p>
            <ByteProgress job={job} />
          </div>
        ) : null}
      </form>
      {summary ? <ImportSummary summary={summary} /> : null}
    </section>
  );
}

function ImportSummary({ summary }: { summary: MlflowImportSummary }) {
  const setView = useRuns((s) => s.setView);
  const rows: [string, MlflowImportSummary['runs']][] = [
    ['Experiments', summary.experiments],
    ['Runs', summary.runs],
    ['Model versions', summary.modelVersions],
  ];
  return (
    <div aria-label="Import summary">
      <h3>
        Imported {summary.source} <span className="muted">(read with MLflow {summary.mlflowVersion})</span>
      </h3>
      <table>
        <thead>
          <tr>
            <th />
            <th>New</th>
            <th>Updated</th>
            <th>Already there</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([what, c]) => (
            <tr key={what}>
              <th scope="row">{what}</th>
              <td>{c.new}</td>
              <td>{c.updated}</td>
              <td>{c.unchanged}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.notes.length ? (
        <ul>
          {summary.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      <ul className="muted">
        {summary.items
          .filter((i) => i.state !== 'unchanged')
          .map((i) => (
            <li key={`${i.kind}-${i.source}`}>
              {i.kind === 'run' ? (
                <button type="button" className="link" onClick={() => setView({ kind: 'detail', runId: i.target })}>
                  {i.target}
                </button>
              ) : (
                i.target
              )}{' '}
              ({i.kind.replace('_', ' ')}, {i.state})
            </li>
          ))}
      </ul>
    </div>
  );
}
