import { type BenchtopClient, createDomainClient } from '../../shared/api/client';
import type { CallName, EventName, EventPayload } from '../../shared/api/contract';
import type { Result } from '../../shared/errors';

type Listener = (payload: unknown) => void;

/**
 * The same client as the desktop preload, over `benchtop serve`'s WebSocket.
 * Calls made while (re)connecting wait for the socket.
 */
export function createWebSocketClient(token: string, onStatus: (connected: boolean) => void): BenchtopClient {
  const listeners = new Map<string, Set<Listener>>();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket;
  let ready: Promise<void>;

  const connect = () => {
    socket = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`,
    );
    ready = new Promise((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    socket.addEventListener('open', () => onStatus(true));
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as {
        id?: number;
        result?: Result<unknown>;
        event?: string;
        payload?: unknown;
      };
      if (data.event) listeners.get(data.event)?.forEach((l) => l(data.payload));
      else if (typeof data.id === 'number') {
        pending.get(data.id)?.(data.result as Result<unknown>);
        pending.delete(data.id);
      }
    });
    socket.addEventListener('close', () => {
      onStatus(false);
      for (const resolve of pending.values())
        resolve({
          ok: false,
          error: {
            code: 'INTERNAL',
            message: 'Lost the connection to Benchtop.',
            hint: 'Is `benchtop serve` still running? Reload the page once it is.',
          },
        });
      pending.clear();
      setTimeout(connect, 1000);
    });
  };
  connect();

  const invoke = async (name: CallName, input: unknown): Promise<Result<unknown>> => {
    await ready;
    return new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, call: name, input }));
    });
  };

  return {
    ...createDomainClient(invoke),
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
  };
}
