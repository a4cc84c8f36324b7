import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { type RunningServer, startServer } from '../../src/main/server/server';
import { ROOT, tempDir } from '../helpers/workspace';
import { callApi, connectApi } from '../helpers/ws';

let core: Core;
let server: RunningServer;

beforeAll(async () => {
  core = openCore(tempDir('bt-server-'));
  server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir: path.join(ROOT, 'dist', 'renderer') });
});
afterAll(async () => {
  await server.close();
  core.close();
});

function get(
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: pathname, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

const connect = (query: string, headers: Record<string, string> = {}) => connectApi(server.port, query, headers);
const call = callApi;

describe('benchtop serve', () => {
  it('prints a 127.0.0.1 URL with its token and serves the UI with a CSP', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', { host: 'evil.example:80' })).status).toBe(403);
    await expect(connect(`?token=${server.token}`, { host: `evil.example:${server.port}` })).rejects.toThrow(
      'HTTP 403',
    );
  });

  it('refuses the API without the right token, and from a foreign Origin (CSRF)', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect('?token=wrong')).rejects.toThrow('HTTP 401');
    await expect(connect(`?token=${server.token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers calls over the WebSocket, with errors as data', async () => {
    const ws = await connect(`?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    const list = await call(ws, 'environments.list', {});
    expect(list.ok).toBe(true);
    expect((list.value as { name: string }[]).map((e) => e.name)).toContain('Benchtop-Minimal');
    const bad = await call(ws, 'environments.get', { name: 42 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const missing = await call(ws, 'environments.get', { name: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const unknown = await call(ws, 'fs.readEverything', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    ws.close();
  });

  it('pushes events to connected clients', async () => {
    const ws = await connect(`?token=${server.token}`);
    const event = new Promise<unknown>((resolve) =>
      ws.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as { event?: string; payload?: unknown };
        if (message.event === 'environments.changed') resolve(message.payload);
      }),
    );
    await call(ws, 'environments.register', { definition: { name: 'via-socket' } });
    expect(await event).toEqual({ name: 'via-socket' });
    ws.close();
  });
});
