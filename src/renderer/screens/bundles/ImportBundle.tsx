import { useState } from 'react';
import type { BundleSummary, ImportOutcome } from '../../../shared/api/bundleTypes';
import { formatBytes } from '../../../shared/format';
import { PathField } from '../../components/PathField';
import { useEnvironments } from '../../stores/environments';
import { useModels } from '../../stores/models';
import { useRuns } from '../../stores/runs';
import { useServices } from '../../stores/services';
import { client } from '../../transport/client';
import { JobProgressRow } from '../models/JobProgress';
import { ACTION_TEXT, errorText, partSummaryLabel } from './bundleText';
import { useBundleJob } from './useBundleJob';

/**
 * Import a .btb: pick the file, see its parts (read from the manifest, nothing written), then Import with progress
 * and Cancel, then what happened to each part. A refused bundle (checksum, truncated, newer format) names the part.
 */
export function ImportBundle({ onImported }: { onImported?: () => void }) {
  const [file, setFile] = useState('');
  const [summary, setSummary] = useState<BundleSummary | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const { job, busy, error, setError, run, cancel } = useBundleJob();
  const inspect = async () => {
    setSummary(null);
    setOutcome(null);
    setError(null);
    try {
      setSummary(await client.bundles.inspect({ file: file.trim() }));
    } catch (err) {
      setError(errorText(err));
    }
  };
  const importNow = () =>
    run(async (requestId) => {
      const result = await client.bundles.import({ file: file.trim(), requestId });
      setOutcome(result);
      refreshListsFor(result);
      onImported?.();
    });
  return (
    <section aria-label="Import bundle">
      <h4>Import bundle</h4>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void inspect();
        }}
      >
        <PathField
          label="Bundle file"
          value={file}
          onChange={(value) => {
            setFile(value);
            setSummary(null);
            setOutcome(null);
          }}
          kinds={['file']}
          placeholder="/path/to/export.btb"
        />
        <button type="submit" disabled={!file.trim() || busy}>
          Inspect
        </button>
      </form>
      {summary ? (
        <>
          <p className="muted">
            Format {summary.formatVersion}, made {summary.createdAt}, {formatBytes(summary.bytes)}. Nothing is written
            until you import; every checksum is verified first.
          </p>
          <table className="table" aria-label="Bundle parts">
            <thead>
              <tr>
                <th>Part</th>
                <th>Files</th>
                <th>Size</th>
              </tr>
            </thead>
            <tbody>
              {summary.parts.map((p) => (
                <tr key={`${p.kind}:${p.sha256}`}>
                  <td>{partSummaryLabel(p)}</td>
                  <td>{p.files}</td>
                  <td>{formatBytes(p.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="primary" onClick={() => void importNow()} disabled={busy}>
            Import
          </button>
        </>
      ) : null}
      {busy ? <JobProgressRow label="Import progress" job={job} cancel={cancel} cancelLabel="Cancel" /> : null}
      {error ? (
        <p className="confirm-blocked" role="alert">
          {error}
        </p>
      ) : null}
      {outcome ? <ImportResult outcome={outcome} /> : null}
    </section>
  );
}

function ImportResult({ outcome }: { outcome: ImportOutcome }) {
  return (
    <div role="status" aria-label="Import result">
      <table className="table">
        <thead>
          <tr>
            <th>Part</th>
            <th>Result</th>
            <th>What happened</th>
          </tr>
        </thead>
        <tbody>
          {outcome.parts.map((p) => (
            <tr key={`${p.kind}:${p.name}:${p.version}`}>
              <td>
                {p.kind} {p.name}
                {p.version ? `:${p.version}` : ''}
              </td>
              <td>{ACTION_TEXT[p.action]}</td>
              <td>{p.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {outcome.imagesLoaded.length ? (
        <p className="muted">Images loaded into the engine: {outcome.imagesLoaded.join(', ')}</p>
      ) : null}
    </div>
  );
}

/** The lists take the new parts at once (the core's change events do too; this also covers imported runs). */
function refreshListsFor(outcome: ImportOutcome) {
  const kinds = new Set(outcome.parts.map((p) => p.kind));
  if (kinds.has('environment')) void useEnvironments.getState().refresh();
  if (kinds.has('model')) void useModels.getState().refresh();
  if (kinds.has('run')) void useRuns.getState().refresh();
  if (kinds.has('service')) void useServices.getState().refresh();
}
