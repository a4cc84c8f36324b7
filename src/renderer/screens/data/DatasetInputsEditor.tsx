import { useEffect, useState } from 'react';
import type { DatasetMode, DatasetRecord } from '../../../shared/api/datasetTypes';
import { client } from '../../transport/client';
import { type InputRow, defaultMode, inputNameFor, inputProblems, unchanged } from './inputRows';

function VersionSelect({ row, onChange }: { row: InputRow; onChange(version: string): void }) {
  const [versions, setVersions] = useState<number[]>([]);
  useEffect(() => {
    if (!row.dataset) return;
    client.datasets.list({ name: row.dataset }).then(
      (list) => setVersions(list.map((d) => d.version).sort((a, b) => b - a)),
      () => setVersions([]),
    );
  }, [row.dataset]);
  return (
    <select aria-label="Version" value={row.version} onChange={(e) => onChange(e.target.value)}>
      <option value="">latest{versions[0] ? ` (v${versions[0]} now)` : ''}</option>
      {versions.map((v) => (
        <option key={v} value={String(v)}>
          v{v}
        </option>
      ))}
    </select>
  );
}

/** The run form's dataset inputs: which dataset, which version, under which name, mounted, downloaded or direct. */
export function DatasetInputsEditor({ rows, onChange }: { rows: InputRow[]; onChange(rows: InputRow[]): void }) {
  const [datasets, setDatasets] = useState<DatasetRecord[] | null>(null);
  useEffect(() => {
    client.datasets.list({ latest: true }).then(setDatasets, () => setDatasets([]));
  }, []);
  const problems = inputProblems(rows);
  const change = (i: number, patch: Partial<InputRow>) =>
    onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  return (
    <fieldset className="inputs" aria-label="Inputs">
      <legend>Inputs (datasets)</legend>
      {rows.length === 0 ? (
        <p className="muted">
          {datasets?.length === 0
            ? 'No datasets registered yet (the Data screen, or benchtop data register).'
            : 'None. Each input is recorded with the run, so a re-run reads the same version.'}
        </p>
      ) : (
        <p className="muted">
          An argument <code>DatasetConsumptionConfig:NAME</code> becomes the input&apos;s path (direct: its id); the
          script also finds it in <code>run.input_datasets[&quot;NAME&quot;]</code>.
        </p>
      )}
      {rows.map((row, i) => {
        const tabular = datasets?.find((d) => d.name === row.dataset)?.kind === 'tabular';
        return (
          <div key={i} className="input-row" role="group" aria-label={`Input ${i + 1}`}>
            <select
              aria-label="Dataset"
              value={row.dataset}
              onChange={(e) =>
                change(i, {
                  dataset: e.target.value,
                  version: '',
                  mode: defaultMode(datasets?.find((d) => d.name === e.target.value)?.kind),
                  // The name follows the dataset until the user types one of their own.
                  name:
                    !e.target.value || (row.name && row.name !== inputNameFor(row.dataset))
                      ? row.name
                      : inputNameFor(e.target.value),
                })
              }
            >
              <option value="">Choose a dataset…</option>
              {(datasets ?? []).map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name} ({d.kind})
                </option>
              ))}
            </select>
            <VersionSelect row={row} onChange={(version) => change(i, { version })} />
            <input
              aria-label="Input name"
              placeholder="input name"
              value={row.name}
              readOnly={row.recorded !== undefined}
              title={row.recorded ? 'The name the run recorded: the script reads the input by it' : undefined}
              onChange={(e) => change(i, { name: e.target.value })}
              aria-invalid={problems.has(i)}
            />
            <select
              aria-label="Mode"
              value={row.mode}
              onChange={(e) => change(i, { mode: e.target.value as DatasetMode })}
            >
              <option value="mount" disabled={tabular}>
                mount (read-only)
              </option>
              <option value="download" disabled={tabular}>
                download (a copy)
              </option>
              <option value="direct">direct (the API)</option>
            </select>
            {row.recorded ? (
              <span className="muted">{unchanged(row) ? 'as recorded' : 'changed'}</span>
            ) : (
              <button
                type="button"
                aria-label={`Remove input ${i + 1}`}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            )}
            {problems.has(i) ? <div className="field-error">{problems.get(i)}</div> : null}
            {tabular ? (
              <div className="muted hint-line">A tabular dataset is read through the API (direct), as in Azure ML.</div>
            ) : null}
          </div>
        );
      })}
      <div>
        <button
          type="button"
          disabled={datasets?.length === 0}
          onClick={() => onChange([...rows, { name: '', dataset: '', version: '', mode: 'mount' }])}
        >
          Add input
        </button>
      </div>
    </fieldset>
  );
}
