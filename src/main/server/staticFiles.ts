import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isInside, realPathInside } from './realPathInside';

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

/**
 * Serves the built renderer. `decodedPath` comes from parseRequestTarget (escapes already valid).
 * A file is served only when its real path is inside the real `root`: a path that escapes by name
 * (`/../x`) or through a symlink gets 404; a path that does not exist gets the app (client-side routes).
 */
export async function serveStatic(
  root: string,
  decodedPath: string,
  method: string,
  res: ServerResponse,
): Promise<void> {
  const requested = path.resolve(root, `.${decodedPath}`);
  const real = await realPathInside(root, requested);
  if (!isInside(path.resolve(root), requested) || (real === null && (await exists(requested)))) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found.');
    return;
  }
  const file = real !== null && (await isFile(real)) ? real : await realPathInside(root, path.join(root, 'index.html'));
  if (file === null || !(await isFile(file))) {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The UI is not built. Run `npm run build`.');
    return;
  }
  const size = (await fs.promises.stat(file)).size;
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': String(size),
    'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  });
  if (method === 'HEAD') return void res.end();
  // pipeline, not pipe: a read error must not become an unhandled 'error' event (a crash).
  await pipeline(fs.createReadStream(file), res);
}

/** lstat, so that a dangling or looping link still counts as "there" (and is refused, not routed). */
async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.lstat(file);
    return true;
  } catch {
    return false;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(file)).isFile();
  } catch {
    return false;
  }
}
