import { useState } from 'react';
import type { DatasetRecord } from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { PathField } from '../../components/PathField';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { JobProgressRow } from '../models/JobProgress';
import { useJobRequest } from '../models/useJobRequest';

/**
 * Download a version's files into a folder (progress, cancel, every file verified). Files already there
 * with other content are not replaced until the user says so: the first answer asks, Overwrite retries.
 */
export function DownloadDataset({ dataset }: { dataset: DatasetRecord }) {
  const [directory, setDirectory] = useState('');
  const [conflict, setConflict] = useState<string | null>(null);
  const { job, busy, run, cancel } = useJobRequest();
  const id = `${dataset.name}:${dataset.version}`;
  const download = (overwrite: boolean) =>
    run(async (requestId) => {
      setConflict(null);
      try {
        const result = await client.datasets.download({
          name: dataset.name,
          version: dataset.version,
          directory: directory.trim(),
          overwrite,
          requestId,
        });
        useUi
          .getState()
          .notify(`Downloaded ${id} to ${result.path}: ${result.files} files, ${formatBytes(result.size)} (verified).`);
      } catch (err) {
        if (!overwrite && err instanceof BenchtopError && err.code === 'ALREADY_EXISTS') setConflict(err.message);
        else throw err;
      }
    });
  return (
    <section aria-label="Download">
      <h4>Download</h4>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void download(false);
        }}
      >
        <PathField
          label="To folder"
          value={directory}
          onChange={(value) => {
            setDirectory(value);
            setConflict(null);
          }}
          kinds={['folder']}
          placeholder="/path/to/folder"
        />
        <button type="submit" disabled={!directory.trim() || busy}>
          Download to folder
        </button>
      </form>
      <p className="muted">
        Writes each file at <code>{directory.trim() ? directory.trim().replace(/\/+$/, '') : '<folder>'}/</code>
        <code>&lt;its path in the dataset&gt;</code>.
      </p>
      {conflict ? (
        <div className="confirm" role="group" aria-label="Overwrite files">
          <p>{conflict}</p>
          <div className="row">
            <button type="button" className="danger" onClick={() => void download(true)}>
              Overwrite them
            </button>
            <button type="button" onClick={() => setConflict(null)}>
              Keep them
            </button>
          </div>
        </div>
      ) : null}
      {busy ? <JobProgressRow label="Download progress" job={job} cancel={cancel} cancelLabel="Cancel" /> : null}
    </section>
  );
}
