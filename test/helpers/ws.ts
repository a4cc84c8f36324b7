import WebSocket from 'ws';

export interface CallResult {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}

/** Opens the API socket of a `benchtop serve` on this port; rejects with "HTTP <status>" when refused. */
export function connectApi(port: number, query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

let nextId = 0;

/** One call over the API socket, answered by its id. */
export function callApi(ws: WebSocket, name: string, input: unknown): Promise<CallResult> {
  const id = ++nextId;
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const message = JSON.parse(raw.toString()) as { id?: number; result: CallResult };
      if (message.id === id) {
        ws.off('message', onMessage);
        resolve(message.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, call: name, input }));
  });
}
