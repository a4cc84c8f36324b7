import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { BenchtopError } from '../../../shared/errors';

/** One file a registration copies: where it is now and the relative path it has in the dataset. */
export interface SourceFile {
  absolute: string;
  /** Relative, with `/`: a file's basename, a folder's contents below it, a glob's matches below its base folder. */
  path: string;
  size: number;
}

export interface DatasetSource {
  files: SourceFile[];
  size: number;
  /** What was registered, absolute (a glob stays a glob). */
  given: string[];
}

/**
 * The files of every path a registration names: files, folders (links followed, special files skipped) and globs
 * (picomatch: `*`, `**`, `?`, `[...]`, `{a,b}`, matched below the glob's non-wildcard base folder). A path that
 * exists as written is a path even if it has glob characters (a file really called `[draft].csv`).
 */
export function resolveSources(paths: string[], cwd = process.cwd()): DatasetSource {
  const byPath = new Map<string, { file: SourceFile; from: string }>();
  const given: string[] = [];
  for (const raw of paths) {
    const absolute = path.resolve(cwd, raw);
    given.push(absolute);
    for (const file of filesOf(raw, absolute, cwd)) {
      const earlier = byPath.get(file.path);
      if (earlier)
        throw new BenchtopError(
          'BAD_INPUT',
          `Two sources give the same file "${file.path}" in the dataset: ${earlier.file.absolute} (from ${earlier.from}) and ${file.absolute} (from ${raw}).`,
          'Rename one of them, or register the folder above both so each keeps its own path.',
        );
      byPath.set(file.path, { file, from: raw });
    }
  }
  const files = [...byPath.values()].map((entry) => entry.file).sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files, size: files.reduce((sum, f) => sum + f.size, 0), given };
}

function filesOf(raw: string, absolute: string, cwd: string): SourceFile[] {
  const stat = fs.statSync(absolute, { throwIfNoEntry: false });
  if (stat) return stat.isDirectory() ? folderFiles(absolute, raw) : [singleFile(absolute, raw, stat)];
  const scan = picomatch.scan(raw.replace(/\\/g, '/'));
  if (!scan.isGlob)
    throw new BenchtopError(
      'NOT_FOUND',
      `The path "${raw}" does not exist (looked for ${absolute}).`,
      'Give the path of an existing file or folder, or a glob such as data/**/*.csv (relative paths start from the current folder).',
    );
  const base = path.resolve(cwd, scan.base || '.');
  if (!fs.statSync(base, { throwIfNoEntry: false })?.isDirectory())
    throw new BenchtopError(
      'NOT_FOUND',
      `The glob "${raw}" starts in ${base}, which is not an existing folder.`,
      'Check the part of the glob before its first wildcard.',
    );
  const matches = picomatch(scan.glob);
  const files = walk(base).filter((file) => matches(file.path));
  if (!files.length)
    throw new BenchtopError(
      'NOT_FOUND',
      `The glob "${raw}" matches no files in ${base}.`,
      'Check the pattern (`*` stays within one folder, `**` crosses folders; files starting with "." are not matched).',
    );
  return files;
}

function singleFile(absolute: string, raw: string, stat: fs.Stats): SourceFile {
  if (!stat.isFile())
    throw new BenchtopError(
      'BAD_INPUT',
      `"${raw}" is neither a file nor a folder.`,
      'Register regular files or folders.',
    );
  return { absolute, path: path.basename(absolute), size: stat.size };
}

function folderFiles(absolute: string, raw: string): SourceFile[] {
  const files = walk(absolute);
  if (!files.length)
    throw new BenchtopError('BAD_INPUT', `The folder "${raw}" has no files.`, 'Register a folder that holds the data.');
  return files;
}

/** Every regular file below a folder (links followed, each folder once: a link to a parent would loop), relative to it. */
function walk(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, rel: string) => {
    const real = fs.realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      const inDataset = rel ? `${rel}/${entry}` : entry;
      const stat = fs.statSync(full, { throwIfNoEntry: false });
      if (stat?.isDirectory()) visit(full, inDataset);
      else if (stat?.isFile()) files.push({ absolute: full, path: inDataset, size: stat.size });
    }
  };
  visit(root, '');
  return files;
}
