import type { BenchtopClient } from '../../shared/api/client';
import { createWebSocketClient } from './wsClient';
import { useUi } from '../stores/ui';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    benchtop?: BenchtopClient;
  }
}

function pickClient(): BenchtopClient {
  if (window.benchtop) return window.benchtop;
  const token = new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('benchtop-token') ?? '';
  sessionStorage.setItem('benchtop-token', token);
  // Keep the token out of the address bar (and out of screenshots and history).
  if (location.search.includes('token=')) history.replaceState(null, '', location.pathname + location.hash); // the token goes, a #/runs/ID link stays
  return createWebSocketClient(token, (connected) => useUi.getState().setConnected(connected));
}

/** The one client the whole UI uses, whatever the transport. */
export const client: BenchtopClient = pickClient();
