/**
 * Every place in the UI as a value and as a hash link (#/...). Hash links work the same from Electron's
 * file:// page and from `benchtop serve` (the server never sees the part after #, so no server routes are needed),
 * and the access token in the query string stays untouched.
 *
 * A ~100-line router of our own rather than a library: the routes are few, the state lives in zustand stores
 * (not in a router's context), and the maintained hash routers (wouter's hash hook, react-router's HashRouter)
 * would both own rendering, which here belongs to the stores.
 */
export type ScreenId = 'environments' | 'runs' | 'models' | 'data' | 'services' | 'cache' | 'settings';

export type Route =
  | { kind: 'environments'; name?: string; version?: string }
  | { kind: 'runs'; experiment?: string }
  | { kind: 'run'; runId: string }
  | { kind: 'compare'; runIds: string[] }
  | { kind: 'submit' }
  | { kind: 'import' }
  | { kind: 'sweeps' }
  | { kind: 'sweep'; sweepId: string }
  | { kind: 'models'; name?: string; version?: number }
  | { kind: 'data'; name?: string; version?: number }
  | { kind: 'services'; name?: string }
  | { kind: 'cache' }
  | { kind: 'settings' };

/** The screen (sidebar entry) a route belongs to. */
export function screenOf(route: Route): ScreenId {
  switch (route.kind) {
    case 'run':
    case 'compare':
    case 'submit':
    case 'import':
    case 'sweeps':
    case 'sweep':
      return 'runs';
    default:
      return route.kind;
  }
}

const enc = (s: string) => encodeURIComponent(s);
const path = (...parts: (string | number | undefined)[]) =>
  '#/' +
  parts
    .filter((p) => p !== undefined && p !== '')
    .map((p) => enc(String(p)))
    .join('/');

/** The hash link of a route, e.g. #/environments/my-env/2, #/runs/<id>, #/runs?experiment=X. */
export function href(route: Route): string {
  switch (route.kind) {
    case 'environments':
      return path('environments', route.name, route.name ? route.version : undefined);
    case 'runs':
      return route.experiment ? `#/runs?experiment=${enc(route.experiment)}` : '#/runs';
    case 'run':
      return path('runs', route.runId);
    case 'compare':
      return `#/compare?runs=${route.runIds.map(enc).join(',')}`;
    case 'submit':
      return '#/submit';
    case 'import':
      return '#/import';
    case 'sweeps':
      return '#/sweeps';
    case 'sweep':
      return path('sweeps', route.sweepId);
    case 'models':
    case 'data':
      return path(route.kind, route.name, route.name ? route.version : undefined);
    case 'services':
      return path('services', route.name);
    default:
      return path(route.kind);
  }
}

function decode(part: string | undefined): string | undefined {
  if (part === undefined || part === '') return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // A hand-typed link with a stray %: take it as written rather than failing.
  }
}

function versionNumber(part: string | undefined): number | undefined {
  const n = Number(part);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The route of a hash link; null when the link names no place (then the UI stays where it is). */
export function parseHash(hash: string): Route | null {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2) as [string?, string?];
  const parts = pathPart.split('/').filter((p) => p !== '');
  const query = new URLSearchParams(queryPart);
  const [head, a, b] = [parts[0], decode(parts[1]), parts[2]];
  switch (head) {
    case undefined:
      return null;
    case 'environments':
      return a ? { kind: 'environments', name: a, version: decode(b) } : { kind: 'environments' };
    case 'runs':
      if (a) return { kind: 'run', runId: a };
      return query.get('experiment')
        ? { kind: 'runs', experiment: query.get('experiment') as string }
        : { kind: 'runs' };
    case 'compare': {
      // Split before decoding: a run id may hold an (encoded) comma.
      const raw = /(?:^|&)runs=([^&]*)/.exec(queryPart)?.[1] ?? '';
      const runIds = raw
        .split(',')
        .map((id) => decode(id))
        .filter((id): id is string => id !== undefined);
      return runIds.length ? { kind: 'compare', runIds } : { kind: 'runs' };
    }
    case 'submit':
    case 'import':
    case 'cache':
    case 'settings':
      return { kind: head };
    case 'sweeps':
      return a ? { kind: 'sweep', sweepId: a } : { kind: 'sweeps' };
    case 'models':
    case 'data':
      return a ? { kind: head, name: a, version: versionNumber(b) } : { kind: head };
    case 'services':
      return a ? { kind: 'services', name: a } : { kind: 'services' };
    default:
      return null;
  }
}
