import { useEffect, useState } from 'react';
import type {
  DatasetKind,
  DatasetMode,
  DatasetRecord,
  RunDatasetInput,
  RunDatasetUse,
} from '../../../shared/api/datasetTypes';
import { client } from '../../transport/client';

/** One row of the run form's Inputs: version '' means the newest at submit time (recorded with the run). */
export interface InputRow {
  name: string;
  dataset: string;
  version: string;
  mode: DatasetMode;
  /** A re-run's input as the run recorded it: its name stays, and it is sent only when changed. */
  recorded?: { dataset: string; version: number; mode: DatasetMode };
}

/** A re-run's rows: the inputs the run recorded, at the versions it used. */
export function recordedRows(uses: RunDatasetUse[]): InputRow[] {
  return uses
    .filter((use) => use.via === 'input')
    .map((use) => ({
      name: use.inputName,
      dataset: use.name,
      version: String(use.version),
      mode: use.mode,
      recorded: { dataset: use.name, version: use.version, mode: use.mode },
    }));
}

const unchanged = (row: InputRow) =>
  row.recorded !== undefined &&
  row.recorded.dataset === row.dataset &&
  String(row.recorded.version) === row.version &&
  row.recorded.mode === row.mode;

/** Azure: a TabularDataset is read through the API only (as_mount/as_download are for FileDataset). */
export const defaultMode = (kind: DatasetKind | undefined): DatasetMode => (kind === 'tabular' ? 'direct' : 'mount');

const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** An input name from a dataset name: "iris-train.v2" -> "iris_train_v2" (as_named_input's rule). */
function inputNameFor(dataset: string): string {
  const name = dataset.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/** What is wrong with the rows (per row index), in words that say the fix. */
export function inputProblems(rows: InputRow[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (!row.dataset) problems.set(i, 'Choose a dataset.');
    else if (!INPUT_NAME.test(row.name))
      problems.set(i, 'The input name is letters, digits and "_", not starting with a digit.');
    else if (seen.has(row.name)) problems.set(i, `Two inputs are named "${row.name}": rename one.`);
    seen.add(row.name);
  });
  return problems;
}

/** The rows as SubmitRun.inputs (a re-run's: only the new and changed ones; the rest keep what was recorded). */
export function toRunInputs(rows: InputRow[]): RunDatasetInput[] {
  return rows
    .filter((row) => !unchanged(row))
    .map((row) => ({
      name: row.name,
      dataset: row.dataset,
      version: row.version ? Number(row.version) : undefined,
      mode: row.mode,
    }));
}

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
