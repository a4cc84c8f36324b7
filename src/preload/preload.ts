import { contextBridge, ipcRenderer } from 'electron';
import { createDomainClient } from '../shared/api/client';
import type { EventName } from '../shared/api/contract';
import type { Result } from '../shared/errors';

/**
 * Exposes the domain-shaped client (`window.benchtop.environments.list(...)`)
 * and typed event subscriptions; never ipcRenderer itself.
 */
const client = createDomainClient(
  (name, input) => ipcRenderer.invoke('benchtop:call', name, input) as Promise<Result<unknown>>,
);

contextBridge.exposeInMainWorld('benchtop', {
  ...client,
  on(event: EventName, listener: (payload: unknown) => void) {
    const handler = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('benchtop:event', handler);
    return () => ipcRenderer.removeListener('benchtop:event', handler);
  },
});
