import { useEffect, useState } from 'react';
import { client } from '../transport/client';

/** The open workspace's name and path, always visible at the foot of the sidebar (which folder am I working in?). */
export function WorkspaceFooter() {
  const [path, setPath] = useState<string | null>(null);
  useEffect(() => {
    void client.app
      .info({})
      .then((info) => setPath(info.workspace))
      .catch(() => undefined); // the footer stays empty; the screens show the connection error
  }, []);
  if (!path) return null;
  const name =
    path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() || path;
  return (
    <div className="workspace-footer" data-testid="workspace-footer" title={path}>
      <div className="muted">Workspace</div>
      <div className="workspace-name">{name}</div>
      <code className="workspace-path">
        {/* rtl + bdi: a long path is cut at its start, so the folder name at its end stays visible */}
        <bdi>{path}</bdi>
      </code>
    </div>
  );
}
