import { type BrowserWindowConstructorOptions, type WebContents, app, session, shell } from 'electron';

/** The only window options Benchtop uses: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(preload: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  };
}

/** No navigation away from the app, no new windows; web links open in the user's browser. */
export function restrictNavigation(isAppUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('ready', () => {
    // No permission (camera, notifications, ...) is ever needed.
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  });
}
