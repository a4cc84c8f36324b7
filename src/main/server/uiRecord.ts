import fs from 'node:fs';
import path from 'node:path';

/**
 * While `benchtop serve` runs, the workspace's ui.json names its URL (with the access token) and
 * pid, so the Python SDK can link a run to its page (run.get_portal_url(), the "Web View" line of
 * wait_for_completion). Readable by the user only, like the workspace's database. Returns the
 * function that removes it (only if it is still this process's record).
 */
export function recordUi(workspaceRoot: string, url: string): () => void {
  const file = path.join(workspaceRoot, 'ui.json');
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, JSON.stringify({ url, pid: process.pid }), { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch {
    return () => undefined; // a read-only workspace: no links, nothing else lost
  }
  return () => {
    try {
      const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
      if (recorded.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // gone already
    }
  };
}
