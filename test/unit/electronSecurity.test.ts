import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  type IpcSender,
  externalOpenDialog,
  externalUrlToOpen,
  isAppUrl,
  isPermissionAllowed,
  isTrustedSender,
  openExternalWithConsent,
  rendererFileFor,
} from '../../src/main/electron/policy';

// The glue's decisions, without Electron's binary: src/main/electron/policy.ts is what
// security.ts (navigation, permissions, window.open), ipc.ts (senders) and main.ts use.
const rendererDir = path.resolve('/opt/Benchtop/resources/app.asar/dist/renderer');

describe('isAppUrl / rendererFileFor', () => {
  it('accepts our pages and assets, mapping them inside the renderer folder', () => {
    expect(rendererFileFor(APP_INDEX_URL, rendererDir)).toBe(path.join(rendererDir, 'index.html'));
    expect(rendererFileFor('app://benchtop/', rendererDir)).toBe(path.join(rendererDir, 'index.html'));
    expect(rendererFileFor('app://benchtop', rendererDir)).toBe(path.join(rendererDir, 'index.html'));
    expect(rendererFileFor('app://benchtop/assets/index-B8w.js', rendererDir)).toBe(
      path.join(rendererDir, 'assets', 'index-B8w.js'),
    );
    expect(rendererFileFor('app://benchtop/index.html?x=1#/runs', rendererDir)).toBe(
      path.join(rendererDir, 'index.html'),
    );
    expect(isAppUrl('app://benchtop/assets/a%20b.css', rendererDir)).toBe(true);
  });

  it('refuses a sibling folder that shares the prefix (the old startsWith check passed it)', () => {
    const sibling = `${rendererDir}-x`;
    expect(isAppUrl(`file://${sibling}/evil.html`, rendererDir)).toBe(false);
    expect(isAppUrl(`file://${rendererDir}/index.html`, rendererDir)).toBe(false); // file:// is not served
    // The URL parser drops a leading `..` (encoded or not): the path stays inside the folder.
    for (const url of ['app://benchtop/../renderer-x/evil.html', 'app://benchtop/%2e%2e/renderer-x/evil.html'])
      expect(rendererFileFor(url, rendererDir)).toBe(path.join(rendererDir, 'renderer-x', 'evil.html'));
    expect(rendererFileFor('app://benchtop/..%2frenderer-x/evil.html', rendererDir)).toBeNull();
  });

  it('refuses paths that leave the folder, however they are spelled', () => {
    for (const url of [
      'app://benchtop/..%2f..%2fetc%2fpasswd',
      'app://benchtop/%2e%2e%2f%2e%2e%2fetc/passwd',
      'app://benchtop/assets/..%5c..%5cwindows',
      'app://benchtop/a%00b.html',
      'app://benchtop/%E0%A4%A', // malformed escape
      'app://benchtop/%2fetc%2fpasswd',
    ]) {
      const file = rendererFileFor(url, rendererDir);
      if (file !== null) expect(file.startsWith(rendererDir + path.sep), url).toBe(true);
    }
    expect(rendererFileFor('app://benchtop/..%2f..%2fetc%2fpasswd', rendererDir)).toBeNull();
    expect(rendererFileFor('app://benchtop/a%00b.html', rendererDir)).toBeNull();
    expect(rendererFileFor('app://benchtop/%E0%A4%A', rendererDir)).toBeNull();
    expect(rendererFileFor('app://benchtop/assets/..%5c..%5cx', rendererDir)).toBeNull();
  });

  it('refuses any other origin: scheme, host, port, credentials', () => {
    for (const url of [
      'https://benchtop/index.html',
      'http://127.0.0.1:5173/index.html',
      'app://benchtop.evil/index.html',
      'app://evil/index.html',
      'app://benchtop:8080/index.html',
      'app://user@benchtop/index.html',
      'app://user:pw@benchtop/index.html',
      'app:/index.html',
      'app:benchtop/index.html',
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      '',
      'not a url',
    ])
      expect(isAppUrl(url, rendererDir), url).toBe(false);
  });
});

describe('isTrustedSender (IPC)', () => {
  const main = { processId: 4, routingId: 1 };
  const ok: IpcSender = {
    fromOurWindow: true,
    frame: { url: APP_INDEX_URL, ...main, isTop: true },
    mainFrame: main,
  };
  const allowed = (url: string) => isAppUrl(url, rendererDir);

  it("answers our window's main frame showing our renderer", () => {
    expect(isTrustedSender(ok, allowed)).toBe(true);
  });
  it('refuses a subframe, even one showing our page', () => {
    expect(isTrustedSender({ ...ok, frame: { ...ok.frame!, routingId: 7, isTop: false } }, allowed)).toBe(false);
    expect(isTrustedSender({ ...ok, frame: { ...ok.frame!, isTop: false } }, allowed)).toBe(false);
    expect(isTrustedSender({ ...ok, frame: { ...ok.frame!, processId: 9 } }, allowed)).toBe(false);
  });
  it('refuses a main frame that shows anything else', () => {
    for (const url of ['https://evil.example/', `file://${rendererDir}/index.html`, 'about:blank', ''])
      expect(isTrustedSender({ ...ok, frame: { ...ok.frame!, url } }, allowed), url).toBe(false);
  });
  it('refuses other web contents and destroyed or navigated-away frames', () => {
    expect(isTrustedSender({ ...ok, fromOurWindow: false }, allowed)).toBe(false);
    expect(isTrustedSender({ ...ok, frame: null }, allowed)).toBe(false);
    expect(isTrustedSender({ ...ok, mainFrame: null }, allowed)).toBe(false);
  });
});

describe('permissions', () => {
  it('denies every permission, checked or requested', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
      'usb',
      'serial',
      'fileSystem',
      'unknown',
    ]) {
      expect(isPermissionAllowed(permission, 'app://benchtop', rendererDir), permission).toBe(false);
      expect(isPermissionAllowed(permission, APP_INDEX_URL, rendererDir), permission).toBe(false);
    }
  });
  it('lets only our page write text to the clipboard ("Copy as curl")', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://benchtop', rendererDir)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', APP_INDEX_URL, rendererDir)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example', rendererDir)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', '', rendererDir)).toBe(false);
  });
});

describe('external links', () => {
  it('only http(s) URLs with a host and no credentials may leave the app', () => {
    expect(externalUrlToOpen('https://docs.example.org/page?q=1#x')).toBe('https://docs.example.org/page?q=1#x');
    expect(externalUrlToOpen('http://localhost:8080/')).toBe('http://localhost:8080/');
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'vscode://x',
      'mailto:a@b.c',
      'app://benchtop/index.html',
      'https://bank.example@evil.example/',
      'https://user:pw@host/',
      'https:',
      'not a url',
      '',
    ])
      expect(externalUrlToOpen(url), url).toBeNull();
  });

  it('asks the user, naming the URL, and opens only on yes', async () => {
    const asked: string[] = [];
    const opened: string[] = [];
    const open = async (href: string) => void opened.push(href);
    const yes = async (href: string) => (asked.push(href), true);
    const no = async (href: string) => (asked.push(href), false);
    await expect(openExternalWithConsent('https://example.org/a b', no, open)).resolves.toBe('declined');
    expect(opened).toEqual([]);
    await expect(openExternalWithConsent('https://example.org/a b', yes, open)).resolves.toBe('opened');
    expect(asked).toEqual(['https://example.org/a%20b', 'https://example.org/a%20b']);
    expect(opened).toEqual(['https://example.org/a%20b']);
  });

  it('never asks about, nor opens, a URL that is not http(s)', async () => {
    let asked = 0;
    let opened = 0;
    const outcome = await openExternalWithConsent(
      'file:///etc/passwd',
      async () => (asked++, true),
      async () => void opened++,
    );
    expect(outcome).toBe('refused');
    expect([asked, opened]).toEqual([0, 0]);
  });

  it('the dialog shows the exact URL and defaults to Cancel', () => {
    const options = externalOpenDialog('https://example.org/x');
    expect(options.detail).toBe('https://example.org/x');
    expect(options.buttons[options.defaultId]).toBe('Cancel');
    expect(options.cancelId).toBe(options.defaultId);
  });
});
