import { useState } from 'react';
import type { ModelDetail } from '../../../shared/api/modelTypes';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { browserDownloadUrl } from './modelActions';
import { useJobRequest } from './useJobRequest';
import { PathField } from '../../components/PathField';
import { JobProgressRow } from './JobProgress';

/** Download to a folder (progress, cancel, checksums verified), or through the browser when headless. */
export function DownloadModel({ model }: { model: ModelDetail }) {
  const [directory, setDirectory] = useState('');
  const [existOk, setExistOk] = useState(false);
  const { job, busy, run, cancel } = useJobRequest();
  const url = browserDownloadUrl(model.name, model.version);
  const download = () =>
    run(async (requestId) => {
      const result = await client.models.download({
        name: model.name,
        version: model.version,
        directory,
        existOk,
        requestId,
      });
      useUi.getState().notify(`Downloaded ${model.id} to ${result.path} (checksums verified).`);
    });
  return (
    <section aria-label="Download">
      <h4>Download</h4>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void download();
        }}
      >
        <PathField
          label="To folder"
          value={directory}
          onChange={setDirectory}
          kinds={['folder']}
          placeholder="/path/to/folder"
        />
        <label className="inline">
          <input type="checkbox" checked={existOk} onChange={(e) => setExistOk(e.target.checked)} /> Replace the
          model&apos;s files if they exist (other files stay)
        </label>
        <button type="submit" disabled={!directory.trim() || busy}>
          Download to folder
        </button>
        {url ? (
          <a className="button" href={url} download={model.kind === 'file' ? model.root : `${model.root}.tar`}>
            Download in browser{model.kind === 'folder' ? ' (.tar)' : ''}
          </a>
        ) : null}
      </form>
      <p className="muted">
        Creates{' '}
        <code>
          {directory.trim() ? `${directory.trim().replace(/\/+$/, '')}/${model.root}` : `<folder>/${model.root}`}
        </code>
        .
      </p>
      {busy ? <JobProgressRow label="Download progress" job={job} cancel={cancel} cancelLabel="Cancel" /> : null}
    </section>
  );
}
