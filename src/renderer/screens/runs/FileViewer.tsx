import { useEffect, useRef, useState } from 'react';
import { CodeEditor, type EditorLanguage } from '../../components/editor/CodeEditor';
import { toApiError } from '../../../shared/errors';
import { client } from '../../transport/client';

/** Files shown in the viewer rather than only downloaded; beyond this size the viewer would be slow to be useful. */
const MAX_VIEW_BYTES = 2 * 1024 * 1024;

/** The editor language a run file is viewed with, or null for files that are not text we can colour. */
export function viewerLanguage(path: string): EditorLanguage | null {
  const name = path.split('/').pop() ?? path;
  if (/\.py$/i.test(name)) return 'python';
  if (/\.ya?ml$/i.test(name)) return 'yaml';
  if (/\.json$/i.test(name)) return 'json';
  if (/^Dockerfile(\..*)?$/.test(name) || /\.dockerfile$/i.test(name)) return 'dockerfile';
  if (/\.(txt|log|md|cfg|ini|toml|csv)$/i.test(name)) return 'text';
  return null;
}

/** A run file, read-only, with syntax colours and the parser's errors at their lines (a score.py that will not import). */
export function FileViewer({ runId, path, onClose }: { runId: string; path: string; onClose(): void }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const language = viewerLanguage(path) ?? 'text';
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    // The viewer opens above the lists: bring it into view from a file far down the snapshot.
    box.current?.scrollIntoView({ block: 'nearest' });
    let current = true;
    client.runs
      .file({ runId, path })
      .then((file) => {
        if (!current) return;
        if (file.size > MAX_VIEW_BYTES) {
          setError(`${path} is ${(file.size / 1024 / 1024).toFixed(1)} MB: download it to read it.`);
          return;
        }
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
        setText(new TextDecoder().decode(bytes));
      })
      .catch((err: unknown) => current && setError(toApiError(err).message));
    return () => {
      current = false;
    };
  }, [runId, path]);
  return (
    <section ref={box} className="file-viewer" aria-label={`File ${path}`}>
      <div className="row">
        <h3>
          <code>{path}</code>
        </h3>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {error ? (
        <div className="error" role="alert">
          {error}
        </div>
      ) : text === null ? (
        <p className="muted">Loading {path}…</p>
      ) : (
        <CodeEditor language={language} value={text} readOnly label={`Contents of ${path}`} maxHeight={640} />
      )}
    </section>
  );
}
