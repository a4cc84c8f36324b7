import { BrowserWindow, app } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openCore } from '../core/core';
import { resolveWorkspaceDir } from '../core/workspace/paths';
import { bindIpc } from './ipc';
import { restrictNavigation, secureWebPreferences } from './security';

/** The desktop app: one core in the main process, the renderer from dist/renderer over IPC. */
const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
const rendererRoot = pathToFileURL(path.dirname(rendererIndex)).href;
const isAppUrl = (url: string) => url.startsWith(rendererRoot);

function workspaceFlag(argv: string[]): string | undefined {
  const index = argv.indexOf('--workspace');
  return index >= 0 ? argv[index + 1] : argv.find((a) => a.startsWith('--workspace='))?.split('=')[1];
}

restrictNavigation(isAppUrl);

void app.whenReady().then(() => {
  const core = openCore(resolveWorkspaceDir(workspaceFlag(process.argv)));
  bindIpc(core, isAppUrl);
  core.runs.watch();
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
  void window.loadFile(rendererIndex);
  app.on('window-all-closed', () => {
    core.close();
    app.quit();
  });
});
