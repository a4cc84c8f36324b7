import {
  type BrowserWindowConstructorOptions,
  type WebContents,
  BrowserWindow,
  app,
  dialog,
  net,
  protocol,
  session,
  shell,
} from 'electron';
import { pathToFileURL } from 'node:url';
import {
  APP_SCHEME,
  externalOpenDialog,
  isAppUrl,
  isPermissionAllowed,
  openExternalWithConsent,
  rendererFileFor,
} from './policy';

/** The only window options Benchtop uses: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(preload: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/**
 * app://benchtop/ is a standard, secure origin (storage, CSP 'self', module scripts); it is not
 * CORS-enabled, so no other origin can read from it. Must run before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves app://benchtop/<path> from the renderer folder only (GET/HEAD; anything else is 404/405). */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const file = rendererFileFor(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      return await net.fetch(pathToFileURL(file).href);
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

/** Asks the user, naming the URL, before a link leaves the app for their browser. */
async function confirmExternal(contents: WebContents, href: string): Promise<boolean> {
  const options = externalOpenDialog(href);
  const window = BrowserWindow.fromWebContents(contents);
  const answer = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return answer.response === 0;
}

/**
 * No navigation or redirect away from the app (main frame or subframe), no new windows, no
 * webviews; an http(s) link that asks for a new window opens in the user's browser after they
 * confirm. Every permission check and request is denied (see isPermissionAllowed).
 */
export function restrictNavigation(rendererDir: string): void {
  const allowed = (url: string) => isAppUrl(url, rendererDir);
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => {
      if (!allowed(event.url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!allowed(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!allowed(event.url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      void openExternalWithConsent(
        url,
        (href) => confirmExternal(contents, href),
        (href) => shell.openExternal(href),
      ).catch(() => undefined);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
      callback(isPermissionAllowed(permission, details.requestingUrl, rendererDir)),
    );
    ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
      isPermissionAllowed(permission, requestingOrigin, rendererDir),
    );
    // WebHID, WebUSB, serial: no device is ever granted.
    ses.setDevicePermissionHandler(() => false);
  });
}
