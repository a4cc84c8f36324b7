import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

/** What a Host (or an absolute target's authority) says about who the request is for. */
export type HostVerdict = 'ours' | 'foreign' | 'malformed';

/** host[:port] as RFC 3986 allows it here: a bracketed IPv6 literal or a reg-name/IPv4, then an optional port. */
const HOST_SYNTAX = /^(?:\[[0-9a-f:.]+\]|[a-z0-9._~-]+)(?::\d{1,5})?$/i;

/**
 * DNS-rebinding and CSRF guards: a request must name this server in Host, a
 * browser's Origin must be this server, and API access needs the token.
 */
export class RequestGuard {
  private readonly hosts: Set<string>;

  constructor(
    private readonly token: string,
    host: string,
    port: number,
  ) {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`]);
  }

  /** Malformed (or missing) Host headers are a bad request (400); well-formed foreign ones are refused (403). */
  hostVerdict(host: string | undefined): HostVerdict {
    if (typeof host !== 'string' || !HOST_SYNTAX.test(host)) return 'malformed';
    return this.hosts.has(host.toLowerCase()) ? 'ours' : 'foreign';
  }

  hostAllowed(req: IncomingMessage): boolean {
    return this.hostVerdict(req.headers.host) === 'ours';
  }

  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // Not a browser (CLI tools, tests): Host and token still apply.
    try {
      const url = new URL(origin);
      return url.protocol === 'http:' && this.hosts.has(url.host.toLowerCase());
    } catch {
      return false;
    }
  }

  tokenValid(candidate: string | null): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** The renderer's CSP: only our own scripts, and sockets only back to this server. */
export function contentSecurityPolicy(connect: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Powerful features the UI never uses, denied so that an injected script cannot ask for them.
 * clipboard-write stays allowed: the service test console copies a curl line.
 */
const DENIED_FEATURES = [
  'accelerometer',
  'autoplay',
  'bluetooth',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
];

/**
 * Headers on every response (pages, downloads, errors, refusals). COOP cuts the opener link to
 * any page that opened us; CORP stops other sites from embedding our responses (`<img src=...>`,
 * `<script src=...>`) and reading them through side channels.
 */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': DENIED_FEATURES.map((feature) => `${feature}=()`).join(', '),
  };
}
