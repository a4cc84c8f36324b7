import { useEffect, useRef, useState } from 'react';
import type { ModelDetail } from '../../../shared/api/modelTypes';
import type { Job } from '../../../shared/api/types';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { browserDownloadUrl, newRequestId, watchRequest } from './modelActions';
import { ByteProgress } from './ByteProgress';

/** Download to a folder (progress, cancel, checksums verified), or through the browser when headless. */
export function DownloadModel({ model }: { model: ModelDetail }) {
  const [directory, setDirectory] = useState('');
  const [existOk, setExistOk] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const [busy, setBusy] = useState(false);
  const stop = useRef<(() => void) | null>(null);
  useEffect(() => () => stop.current?.(), []);
  const url = browserDownloadUrl(model.name, model.version);
  const download = async () => {
    const requestId = newRequestId();
    stop.current = watchRequest(requestId, setJob);
    setBusy(true);
    try {
      const result = await client.models.download({ name: model.name, version: model.version, directory, existOk, requestId });
      useUi.getState().notify(`Downloaded ${model.id} to ${result.path} (checksums verified).`);
    } catch (err) {
      useUi.getState().showError(err);
    } finally {
      stop.current?.();
      setBusy(false);
      setJob(null);
    }
  };
  return (
    <section aria-label="Download">
      <h4>Download</h4>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void download(); }}>
        <label>To folder <input value={directory} onChange={(e) => setDirectory(e.target.value)} placeholder="/path/to/folder" /></label>
        <label className="inline"><input type="checkbox" checked={existOk} onChange={(e) => setExistOk(e.target.checked)} /> Replace if it exists</label>
        <button type="submit" disabled={!directory.trim() || busy}>Download to folder</button>
        {url ? <a className="button" href={url} download={model.kind === 'file' ? model.root : `${model.root}.tar`}>Download in browser{model.kind === 'folder' ? ' (.tar)' : ''}</a> : null}
      </form>
      <p className="muted">Creates <code>{directory.trim() ? `${directory.trim().replace(/\/+$/, '')}/${model.root}` : `<folder>/${model.root}`}</code>.</p>
      {busy ? (
        <div className="row" role="status" aria-label="Download progress">
          <ByteProgress job={job} />
          <span>{job?.step ?? 'Starting...'}</span>
          {job ? <button type="button" onClick={() => void client.jobs.cancel({ jobId: job.id })}>Cancel</button> : null}
        </div>
      ) : null}
    </section>
  );
}
