/**
 * The desktop window's security decisions, as pure functions of plain values (no 'electron'
 * import), so that they are unit-tested without Electron's binary. security.ts, ipc.ts and
 * main.ts wire them to Electron's events.
 */
import path from 'node:path';

/**
 * The renderer is served from a privileged custom scheme, not file://: with the
 * GrantFileProtocolExtraPrivileges fuse off (electron-builder.yml) a file:// page may not load
 * its module scripts, and a file:// origin would reach every file on the disk. The scheme only
 * serves files inside dist/renderer (rendererFileFor).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'benchtop';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The file inside `rendererDir` that an app:// URL names, or null when the URL is not exactly our
 * origin (scheme and host, no user, password or port) or its path leaves the folder (`..`, encoded
 * or not, a backslash, a NUL). `app://benchtop/` is the index page. Query and fragment are ignored.
 */
export function rendererFileFor(url: string, rendererDir: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== APP_HOST) return null;
  if (parsed.port || parsed.username || parsed.password) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null; // a malformed %-escape
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${pathname === '' || pathname === '/' ? '/index.html' : pathname}`);
  const relative = path.relative(root, file);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
    return null;
  return file;
}

/** Whether a URL is a page of our renderer (the only thing the window may show or navigate to). */
export function isAppUrl(url: string, rendererDir: string): boolean {
  return rendererFileFor(url, rendererDir) !== null;
}

/** What the IPC handler knows about a call's sender, as plain values. */
export interface IpcSender {
  /** The sending web contents belongs to one of our BrowserWindows. */
  fromOurWindow: boolean;
  /** event.senderFrame; null when the frame was navigated away or destroyed before the call arrived. */
  frame: { url: string; processId: number; routingId: number; isTop: boolean } | null;
  /** The sending web contents' main frame. */
  mainFrame: { processId: number; routingId: number } | null;
}

/**
 * A call is answered only when it comes from the main frame of one of our windows and that frame
 * shows our renderer: never from a subframe, a frame that navigated elsewhere, or another window.
 */
export function isTrustedSender(sender: IpcSender, isApp: (url: string) => boolean): boolean {
  const { frame, mainFrame } = sender;
  if (!sender.fromOurWindow || !frame || !mainFrame || !frame.isTop) return false;
  if (frame.processId !== mainFrame.processId || frame.routingId !== mainFrame.routingId) return false;
  return isApp(frame.url);
}

/**
 * Permissions (camera, notifications, geolocation, clipboard reading, ...) are denied, for check
 * and request alike. The one exception is writing text to the clipboard from our own page (the
 * services' "Copy as curl"): Chromium asks for `clipboard-sanitized-write` on
 * navigator.clipboard.writeText, and a plain browser grants it.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string, rendererDir: string): boolean {
  if (permission !== 'clipboard-sanitized-write') return false;
  return requestingUrl === APP_ORIGIN || isAppUrl(requestingUrl, rendererDir);
}

/**
 * The URL the user's browser may be asked to open, or null: only http(s), with a host and
 * without credentials in it (`https://bank.example@evil.example/` reads as the first host).
 */
export function externalUrlToOpen(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return null;
  if (!parsed.hostname || parsed.username || parsed.password) return null;
  return parsed.href;
}

export type ExternalOpenOutcome = 'opened' | 'declined' | 'refused';

/**
 * Opens a link in the user's browser only if it is http(s) and the user, shown the exact URL,
 * says yes. `confirm` shows the question (a dialog in the app), `open` hands the URL to the OS.
 */
export async function openExternalWithConsent(
  url: string,
  confirm: (href: string) => Promise<boolean>,
  open: (href: string) => Promise<void>,
): Promise<ExternalOpenOutcome> {
  const href = externalUrlToOpen(url);
  if (!href) return 'refused';
  if (!(await confirm(href))) return 'declined';
  await open(href);
  return 'opened';
}

/** The question the confirmation dialog asks; "Cancel" is the default, so Enter opens nothing. */
export function externalOpenDialog(href: string): {
  type: 'question';
  buttons: string[];
  defaultId: number;
  cancelId: number;
  title: string;
  message: string;
  detail: string;
  noLink: true;
} {
  return {
    type: 'question',
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    title: 'Open link',
    message: 'Open this link in your web browser?',
    detail: href,
    noLink: true,
  };
}
