import { type IpcMainInvokeEvent, BrowserWindow, dialog, ipcMain } from 'electron';
import type { CallName } from '../../shared/api/contract';
import type { Router } from '../core/api/router';
import { EVENT_NAMES } from '../../shared/api/contract';
import { handlers } from '../core/api/handlers';
import { dispatch } from '../core/api/router';
import type { Core } from '../core/core';

export const CALL_CHANNEL = 'benchtop:call';
export const EVENT_CHANNEL = 'benchtop:event';

/** Binds the whole contract to one IPC channel; the sender must be one of our windows showing our UI. */
export function bindIpc(core: Core, isAppUrl: (url: string) => boolean): void {
  ipcMain.handle(CALL_CHANNEL, (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!BrowserWindow.fromWebContents(event.sender) || !isAppUrl(frameUrl)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Call refused: not from the Benchtop window.' } };
    }
    const sender = event.sender;
    const connectionId = `window-${sender.id}`;
    return dispatch(windowHandlers(BrowserWindow.fromWebContents(sender)), core, String(name), input, {
      connectionId,
      viewerFor: (kind, id) => ({
        id: connectionId,
        acknowledges: true,
        write: (data) => {
          if (sender.isDestroyed()) return;
          if (kind === 'job') sender.send(EVENT_CHANNEL, 'job.output', { jobId: id, data });
          else sender.send(EVENT_CHANNEL, 'run.output', { runId: id, data });
        },
      }),
    });
  });
  for (const name of EVENT_NAMES.filter((e) => e !== 'job.output' && e !== 'run.output')) {
    core.bus.on(name, (payload) => {
      for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_CHANNEL, name, payload);
    });
  }
}

/** The contract's handlers, with the native file/folder picker that only the desktop window has. */
function windowHandlers(window: BrowserWindow | null): Router<CallName> {
  return {
    ...handlers,
    'app.pickPath': async (input) => {
      const options = {
        title: input.title,
        properties: [input.kind === 'file' ? 'openFile' : 'openDirectory', 'createDirectory'] as (
          'openFile' | 'openDirectory' | 'createDirectory'
        )[],
      };
      const picked = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return { path: picked.canceled ? null : (picked.filePaths[0] ?? null), supported: true };
    },
  };
}
