import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Serves the built renderer; anything outside `root` is refused, unknown paths get the app (client-side routes). */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): void {
  const decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  const target = path.resolve(root, `.${decoded}`);
  const inside = target === root || target.startsWith(root + path.sep);
  let file = inside && fs.existsSync(target) && fs.statSync(target).isFile() ? target : path.join(root, 'index.html');
  if (!fs.existsSync(file)) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('The UI is not built. Run `npm run build`.');
    return;
  }
  if (!inside) file = path.join(root, 'index.html');
  res.writeHead(200, {
    ...headers,
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  });
  fs.createReadStream(file).pipe(res);
}
