import { useEffect, useState } from 'react';
import type { RunDatasetUse } from '../../../shared/api/datasetTypes';
import { client } from '../../transport/client';
import { openDataset } from './datasetLinks';

/** The dataset versions a run used (its inputs, and what its script read through the API), each a link. */
export function RunInputs({ runId }: { runId: string }) {
  const [uses, setUses] = useState<RunDatasetUse[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      void client.runs.datasets({ runId }).then(
        (u) => {
          setUses(u);
          setFailed(null);
        },
        (e: unknown) => setFailed(e instanceof Error ? e.message : String(e)),
      );
    load();
    // A script's Dataset.get_by_name records a use while the run is live.
    return client.on('datasets.changed', load);
  }, [runId]);
  if (failed) return <span className="muted">{failed}</span>;
  if (!uses) return <span className="muted">...</span>;
  if (uses.length === 0) return <span className="muted">no datasets</span>;
  return (
    <ul className="lineage" aria-label="Inputs">
      {uses.map((use) => (
        <li key={`${use.inputName}/${use.name}:${use.version}`}>
          {use.via === 'input' ? <code>{use.inputName}</code> : null}{' '}
          <button type="button" className="link" onClick={() => openDataset(use.name, use.version)}>
            {use.name}:{use.version}
          </button>{' '}
          <span className="muted">
            {use.via === 'api' ? 'read through the API' : use.mode}
            {use.path ? ` at ${use.path}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
