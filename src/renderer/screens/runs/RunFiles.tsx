import { useEffect, useState } from 'react';
import { useModels } from '../../stores/models';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { FileViewer, viewerLanguage } from './FileViewer';

/** Saves a run's file through the browser (works in the desktop window and with `serve`). */
async function saveFile(runId: string, path: string): Promise<void> {
  const file = await client.runs.file({ runId, path });
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = path.split('/').pop() ?? 'file';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function registerAsModel(runId: string, path: string) {
  useUi.getState().setScreen('models');
  useModels.getState().openRegister({ runId, path });
}

function Listing({
  runId,
  title,
  prefix,
  files,
  registrable,
  modelPath,
  onView,
}: {
  runId: string;
  title: string;
  prefix: string;
  files: string[];
  registrable?: boolean;
  modelPath?: (file: string) => string;
  onView(path: string): void;
}) {
  return (
    <section>
      <h3>{title}</h3>
      {files.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="files">
          {files.map((f) => (
            <li key={f}>
              <code>{f}</code>{' '}
              {viewerLanguage(f) ? (
                <>
                  <button type="button" className="link" onClick={() => onView(`${prefix}/${f}`)}>
                    View
                  </button>{' '}
                </>
              ) : null}
              <button
                type="button"
                className="link"
                onClick={() =>
                  void saveFile(runId, `${prefix}/${f}`).catch((e: unknown) => useUi.getState().showError(e))
                }
              >
                Download
              </button>
              {registrable ? (
                <>
                  {' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => registerAsModel(runId, modelPath ? modelPath(f) : `${prefix}/${f}`)}
                  >
                    Register as model
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function RunFilesView({ runId }: { runId: string }) {
  const [files, setFiles] = useState<{
    snapshot: string[];
    outputs: string[];
    logs: string[];
    uploads: string[];
  } | null>(null);
  const [dir, setDir] = useState('');
  const [viewing, setViewing] = useState<string | null>(null);
  useEffect(() => {
    void client.runs
      .files({ runId })
      .then(setFiles)
      .catch((e: unknown) => useUi.getState().showError(e));
  }, [runId]);
  if (!files) return <div className="muted">Loading files...</div>;
  const downloadAll = async () => {
    try {
      const result = await client.runs.download({ runId, directory: dir });
      useUi
        .getState()
        .notify(
          `Copied ${result.files} file(s) to ${result.directory}${result.skipped.length ? `; not copied (links out of the run): ${result.skipped.join(', ')}` : ''}`,
        );
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <div className="run-files">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void downloadAll();
        }}
      >
        <label>
          Copy outputs, logs and output to folder{' '}
          <input value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/path/to/folder" />
        </label>
        <button type="submit" disabled={!dir.trim()}>
          Download all
        </button>
      </form>
      {viewing ? <FileViewer key={viewing} runId={runId} path={viewing} onClose={() => setViewing(null)} /> : null}
      <Listing
        runId={runId}
        title="Outputs (./outputs)"
        onView={setViewing}
        prefix="outputs"
        files={files.outputs}
        registrable
      />
      {files.uploads.length ? (
        <Listing
          runId={runId}
          title="Uploaded (run.upload_file)"
          onView={setViewing}
          prefix="files/uploads"
          files={files.uploads}
          registrable
          modelPath={(f) => f}
        />
      ) : null}
      <Listing runId={runId} title="Logs (./logs)" onView={setViewing} prefix="logs" files={files.logs} />
      <Listing runId={runId} title="Snapshot" onView={setViewing} prefix="snapshot" files={files.snapshot} />
    </div>
  );
}
