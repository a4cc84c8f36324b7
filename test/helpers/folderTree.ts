import fs from 'node:fs';
import path from 'node:path';

/**
 * Every entry under a folder, relative path -> content, with links as "-> target" (not followed):
 * what a download or copy left there, links included, compared in one toEqual. Binary content
 * compares as 'base64'.
 */
export function folderTree(dir: string, encoding: BufferEncoding = 'utf8'): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isSymbolicLink()) out[`${rel}${e.name}`] = `-> ${fs.readlinkSync(full)}`;
      else if (e.isDirectory()) walk(full, `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = fs.readFileSync(full, encoding);
    }
  };
  walk(dir, '');
  return out;
}

/** Writes files (relative path with "/" -> content) under `root`, making their folders; returns `root`. */
export function writeTree(root: string, files: Record<string, string | Buffer>): string {
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  }
  return root;
}
