/** A request target the server can act on: its path (raw and decoded) and query. */
export interface RequestTarget {
  /** The path as sent, %-escapes intact (for matching segments that are decoded one by one). */
  pathname: string;
  /** The path with its %-escapes decoded. */
  decodedPath: string;
  query: URLSearchParams;
  /** host[:port] of an absolute-form target (`GET http://host/path`), which then stands for Host. */
  authority?: string;
}

/** decodeURIComponent without the URIError: null for a malformed escape (`%`, `%E0%A4%A`). */
export function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Parses `req.url` without ever throwing: null means 400. Accepts origin-form (`/path?query`) and
 * absolute-form with http (RFC 9112 3.2.2 asks servers to accept it); refuses asterisk- and
 * authority-form, malformed escapes and NUL bytes. Origin-form is split by hand, not given to
 * `new URL`, so that `//evil/x` stays the path `//evil/x` instead of becoming host `evil`.
 */
export function parseRequestTarget(raw: string | undefined): RequestTarget | null {
  if (!raw) return null;
  if (raw.startsWith('/')) {
    const queryAt = raw.indexOf('?');
    const pathname = queryAt === -1 ? raw : raw.slice(0, queryAt);
    return withDecodedPath(pathname, queryAt === -1 ? '' : raw.slice(queryAt + 1));
  }
  if (!/^http:\/\//i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null; // e.g. `http://[::1` (unclosed IPv6 literal)
  }
  if (!url.host || url.username || url.password) return null;
  const target = withDecodedPath(url.pathname, url.search.slice(1));
  return target && { ...target, authority: url.host };
}

function withDecodedPath(pathname: string, query: string): RequestTarget | null {
  const decodedPath = decodeComponent(pathname);
  if (decodedPath === null || decodedPath.includes('\0')) return null;
  return { pathname, decodedPath, query: new URLSearchParams(query) };
}
