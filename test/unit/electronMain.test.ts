import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// The desktop main process (src/main/electron/main.ts) started against a stand-in 'electron'
// module that records what the app registers: Electron's binary is not available here, so this
// checks the wiring (which handler is installed, when, and what it answers) around policy.ts.
const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  const appListeners: Record<string, Listener[]> = {};
  const state = {
    order: [] as string[],
    ipc: {} as Record<string, Listener>,
    protocolHandler: null as null | ((request: Request) => Promise<Response>),
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    devicePermission: null as null | Listener,
    fetched: [] as string[],
    dialogs: [] as { detail?: string }[],
    dialogAnswer: 1,
    opened: [] as string[],
    loaded: [] as string[],
    windows: [] as FakeWindow[],
  };
  class FakeContents {
    id = 7;
    url = '';
    mainFrame = { processId: 4, routingId: 1, url: '', parent: null };
    sent: unknown[][] = [];
    listeners: Record<string, Listener> = {};
    windowOpenHandler: null | ((details: { url: string }) => { action: string }) = null;
    isDestroyed = () => false;
    getURL = () => this.url;
    send = (...args: unknown[]) => this.sent.push(args);
    on(name: string, fn: Listener) {
      this.listeners[name] = fn;
      return this;
    }
    setWindowOpenHandler(fn: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = fn;
    }
  }
  class FakeWindow {
    webContents = new FakeContents();
    options: unknown;
    constructor(options: unknown) {
      this.options = options;
      state.windows.push(this);
      state.order.push('window');
      for (const fn of appListeners['web-contents-created'] ?? []) fn({}, this.webContents);
    }
    once() {}
    loadURL(url: string) {
      state.loaded.push(url);
      this.webContents.url = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    static fromWebContents = (contents: unknown) => state.windows.find((w) => w.webContents === contents) ?? null;
    static getAllWindows = () => state.windows;
  }
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const electron = {
    app: {
      on: (name: string, fn: Listener) => (appListeners[name] ??= []).push(fn),
      whenReady: () => readyPromise,
      enableSandbox: () => state.order.push('enableSandbox'),
      quit: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => state.order.push(`registerSchemes ${JSON.stringify(schemes)}`),
      handle: (scheme: string, fn: (request: Request) => Promise<Response>) => {
        state.order.push(`handle ${scheme}`);
        state.protocolHandler = fn;
      },
    },
    net: {
      fetch: async (url: string) => {
        state.fetched.push(url);
        return new Response('<html></html>', { status: 200 });
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Listener) => (state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Listener) => (state.permissionCheck = fn),
        setDevicePermissionHandler: (fn: Listener) => (state.devicePermission = fn),
      },
    },
    shell: { openExternal: async (url: string) => void state.opened.push(url) },
    dialog: {
      showMessageBox: async (...args: unknown[]) => {
        state.dialogs.push(args[args.length - 1] as { detail?: string });
        return { response: state.dialogAnswer };
      },
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    },
    ipcMain: { handle: (channel: string, fn: Listener) => (state.ipc[channel] = fn) },
    BrowserWindow: FakeWindow,
  };
  return { state, electron, ready };
});

vi.mock('electron', () => fake.electron);
vi.mock('../../src/main/core/datasets/datasetWatcher', () => ({ watchDatasetChanges: () => () => undefined }));
vi.mock('../../src/main/core/jobs/jobWatcher', () => ({ watchOtherProcessJobs: () => () => undefined }));
vi.mock('../../src/main/core/core', () => ({
  openCore: () => ({
    bus: { on: () => undefined },
    runs: { watch: () => undefined, prewarm: () => undefined },
    services: { restore: async () => undefined },
    close: () => undefined,
  }),
}));

const { state } = fake;
const rendererDir = path.resolve(__dirname, '..', '..', 'src', 'main', 'renderer'); // main.ts's __dirname/../renderer

beforeAll(async () => {
  await import('../../src/main/electron/main');
  expect(state.order).toEqual([
    'enableSandbox',
    'registerSchemes [{"scheme":"app","privileges":{"standard":true,"secure":true,"supportFetchAPI":true}}]',
  ]);
  fake.ready();
  await vi.waitFor(() => expect(state.windows).toHaveLength(1));
});

describe('desktop main process wiring', () => {
  it('registers the scheme before ready, serves it before the window opens, and loads app://benchtop/', () => {
    expect(state.order.slice(2)).toEqual(['handle app', 'window']);
    expect(state.loaded).toEqual(['app://benchtop/index.html']);
    const prefs = (state.windows[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
  });

  it('serves only files inside the renderer folder, GET only', async () => {
    const handler = state.protocolHandler!;
    expect((await handler(new Request('app://benchtop/index.html'))).status).toBe(200);
    expect(state.fetched).toEqual([pathToFileURL(path.join(rendererDir, 'index.html')).href]);
    expect((await handler(new Request('app://benchtop/..%2f..%2fetc%2fpasswd'))).status).toBe(404);
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404);
    expect((await handler(new Request('app://benchtop/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    expect(state.fetched).toHaveLength(1);
  });

  it('blocks navigation, frame navigation and redirects away from the app', () => {
    const contents = state.windows[0]!.webContents;
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      let prevented = 0;
      contents.listeners[name]!({ url: 'https://evil.example/', preventDefault: () => prevented++ });
      contents.listeners[name]!({ url: 'file:///etc/passwd', preventDefault: () => prevented++ });
      contents.listeners[name]!({ url: 'app://benchtop/index.html', preventDefault: () => prevented++ });
      expect(prevented, name).toBe(2);
    }
    let attached = 0;
    contents.listeners['will-attach-webview']!({ preventDefault: () => attached++ });
    expect(attached).toBe(1);
  });

  it('denies new windows; an http(s) link opens in the browser only after the user says yes', async () => {
    const open = state.windows[0]!.webContents.windowOpenHandler!;
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    state.dialogAnswer = 1; // Cancel
    expect(open({ url: 'https://example.org/docs' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(state.dialogs).toHaveLength(1));
    expect(state.dialogs[0]!.detail).toBe('https://example.org/docs');
    state.dialogAnswer = 0; // Open in browser
    open({ url: 'https://example.org/docs' });
    await vi.waitFor(() => expect(state.opened).toEqual(['https://example.org/docs']));
    expect(state.dialogs).toHaveLength(2); // file:// never asked
  });

  it('denies permission checks and requests', () => {
    expect(state.permissionCheck!(null, 'media', 'app://benchtop', {})).toBe(false);
    expect(state.permissionCheck!(null, 'geolocation', 'https://evil.example', {})).toBe(false);
    let granted: boolean | undefined;
    state.permissionRequest!(null, 'notifications', (g: boolean) => (granted = g), {
      requestingUrl: 'app://benchtop/index.html',
    });
    expect(granted).toBe(false);
    expect(state.devicePermission!({})).toBe(false);
  });

  it('answers IPC only from the main frame of our window showing our page', async () => {
    const contents = state.windows[0]!.webContents;
    const call = state.ipc['benchtop:call']!;
    const event = (senderFrame: unknown, sender: unknown = contents) => ({ sender, senderFrame });
    const main = contents.mainFrame;
    const unknownCall = (await call(event(main), 'no.such', {})) as { error: { code: string } };
    expect(unknownCall.error.code).toBe('BAD_INPUT'); // reached the router
    const picked = (await call(event(main), 'app.pickPath', { kind: 'file', title: 'x' })) as { ok: boolean };
    expect(picked.ok).toBe(true);
    const subframe = { processId: 4, routingId: 9, url: 'app://benchtop/index.html', parent: main };
    const refused = [
      await call(event(subframe), 'app.pickPath', { kind: 'file' }),
      await call(event({ ...main, url: 'https://evil.example/' }), 'app.pickPath', { kind: 'file' }),
      await call(event(null), 'app.pickPath', { kind: 'file' }),
      await call(event(main, { ...contents, mainFrame: main }), 'app.pickPath', { kind: 'file' }), // not our window
    ] as { error: { code: string } }[];
    expect(refused.map((r) => r.error.code)).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED']);
  });
});
