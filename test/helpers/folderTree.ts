import fs from 'node:fs';
import path from 'node:path';

/**
 * Every entry under a folder, relative path -> content, with links as "-> target" (not followed):
 * what a download or copy left there, links included, compared in one toEqual.
 */
export function folderTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isSymbolicLink()) out[`${rel}${e.name}`] = `-> ${fs.readlinkSync(full)}`;
      else if (e.isDirectory()) walk(full, `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}
