import { type IpcMainInvokeEvent, BrowserWindow, dialog, ipcMain } from 'electron';
import type { CallName } from '../../shared/api/contract';
import type { Router } from '../core/api/router';
import { EVENT_NAMES } from '../../shared/api/contract';
import { handlers } from '../core/api/handlers';
import { dispatch } from '../core/api/router';
import type { Core } from '../core/core';
import { type IpcSender, isTrustedSender } from './policy';

export const CALL_CHANNEL = 'benchtop:call';
export const EVENT_CHANNEL = 'benchtop:event';

/** The sender of an IPC call as plain values, for isTrustedSender. */
function describeSender(event: IpcMainInvokeEvent): IpcSender {
  const frame = event.senderFrame;
  const mainFrame = event.sender.isDestroyed() ? null : event.sender.mainFrame;
  return {
    fromOurWindow: BrowserWindow.fromWebContents(event.sender) !== null,
    frame: frame
      ? { url: frame.url, processId: frame.processId, routingId: frame.routingId, isTop: frame.parent === null }
      : null,
    mainFrame: mainFrame ? { processId: mainFrame.processId, routingId: mainFrame.routingId } : null,
  };
}

/**
 * Binds the whole contract to one IPC channel. A call is answered only when it comes from the
 * main frame of one of our windows while that frame shows our renderer (isTrustedSender).
 */
export function bindIpc(core: Core, isAppUrl: (url: string) => boolean): void {
  ipcMain.handle(CALL_CHANNEL, (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    if (!isTrustedSender(describeSender(event), isAppUrl)) {
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
          if (sender.isDestroyed() || !isAppUrl(sender.getURL())) return;
          if (kind === 'job') sender.send(EVENT_CHANNEL, 'job.output', { jobId: id, data });
          else sender.send(EVENT_CHANNEL, 'run.output', { runId: id, data });
        },
      }),
    });
  });
  for (const name of EVENT_NAMES.filter((e) => e !== 'job.output' && e !== 'run.output')) {
    core.bus.on(name, (payload) => {
      // Events go only to windows still showing our renderer.
      for (const window of BrowserWindow.getAllWindows()) {
        const contents = window.webContents;
        if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(EVENT_CHANNEL, name, payload);
      }
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
