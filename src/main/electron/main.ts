import { BrowserWindow, app } from 'electron';
import path from 'node:path';
import { openCore } from '../core/core';
import { resolveWorkspaceDir } from '../core/workspace/paths';
import { bindIpc } from './ipc';
import { APP_INDEX_URL, isAppUrl } from './policy';
import { registerAppScheme, restrictNavigation, secureWebPreferences, serveRenderer } from './security';
import { watchDatasetChanges } from '../core/datasets/datasetWatcher';
import { watchOtherProcessJobs } from '../core/jobs/jobWatcher';

/**
 * The desktop app: one core in the main process, the renderer from dist/renderer over IPC,
 * served as app://benchtop/ (see policy.ts) rather than from file://.
 */
const rendererDir = path.join(__dirname, '..', 'renderer');
const isOurPage = (url: string) => isAppUrl(url, rendererDir);

function workspaceFlag(argv: string[]): string | undefined {
  const index = argv.indexOf('--workspace');
  return index >= 0 ? argv[index + 1] : argv.find((a) => a.startsWith('--workspace='))?.split('=')[1];
}

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
registerAppScheme();
restrictNavigation(rendererDir);

void app.whenReady().then(() => {
  serveRenderer(rendererDir);
  const core = openCore(resolveWorkspaceDir(workspaceFlag(process.argv)));
  bindIpc(core, isOurPage);
  core.runs.watch();
  // Datasets registered or changed by the CLI or a script show in the UI at once.
  watchDatasetChanges(core.db, core.bus);
  watchOtherProcessJobs(core.db, core.jobs, core.bus);
  core.runs.prewarm();
  // Services that were running when the machine or the app went down come back.
  void core.services.restore();
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Benchtop',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, '..', 'preload', 'preload.js')),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_INDEX_URL);
  app.on('window-all-closed', () => {
    core.close();
    app.quit();
  });
});
