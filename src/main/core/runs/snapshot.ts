import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';

export interface SnapshotLimits {
  maxBytes: number;
  maxFiles: number;
}

/** Azure ML's snapshot limits. */
export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { maxBytes: 300 * 1024 * 1024, maxFiles: 2000 };

/** `.amlignore` if present, else `.gitignore` (as Azure ML does); `.git` is never copied. */
function ignoreRules(sourceDir: string): { rules: Ignore; file: string | null } {
  const rules = ignore().add(['.git/', '.amlignore', '__pycache__/']);
  for (const name of ['.amlignore', '.gitignore']) {
    const file = path.join(sourceDir, name);
    if (fs.existsSync(file)) {
      rules.add(fs.readFileSync(file, 'utf8'));
      return { rules, file: name };
    }
  }
  return { rules, file: null };
}

/** The files a snapshot takes (relative, '/'-separated), and their total size. */
export function listSnapshotFiles(sourceDir: string): {
  files: { rel: string; size: number }[];
  bytes: number;
  ignoreFile: string | null;
} {
  const { rules, file } = ignoreRules(sourceDir);
  const files: { rel: string; size: number }[] = [];
  let bytes = 0;
  const walk = (dir: string, relDir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (rules.ignores(entry.isDirectory() ? `${rel}/` : rel)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, rel);
      else if (entry.isFile()) {
        const size = fs.statSync(full).size;
        files.push({ rel, size });
        bytes += size;
      }
    }
  };
  walk(sourceDir, '');
  return { files, bytes, ignoreFile: file };
}

/** The biggest top-level entries, to name in the "too large" hint. */
function biggest(files: { rel: string; size: number }[]): string {
  const byTop = new Map<string, { size: number; count: number }>();
  for (const f of files) {
    const top = f.rel.includes('/') ? `${f.rel.split('/')[0]}/` : f.rel;
    const entry = byTop.get(top) ?? { size: 0, count: 0 };
    entry.size += f.size;
    entry.count += 1;
    byTop.set(top, entry);
  }
  return [...byTop.entries()]
    .sort((a, b) => b[1].size - a[1].size || b[1].count - a[1].count)
    .slice(0, 3)
    .map(([name, e]) => `${name} (${formatBytes(e.size)}, ${e.count} file${e.count === 1 ? '' : 's'})`)
    .join(', ');
}

/** Copies the source folder (minus ignored files) into `target`, refusing snapshots over the limits. */
export function createSnapshot(
  sourceDir: string,
  target: string,
  limits: SnapshotLimits,
): { files: number; bytes: number } {
  if (!fs.existsSync(sourceDir) || !fs.statSync(sourceDir).isDirectory()) {
    throw new BenchtopError(
      'NOT_FOUND',
      `Source folder not found: ${sourceDir}`,
      'Give the folder that holds your training script with -d.',
    );
  }
  const { files, bytes, ignoreFile } = listSnapshotFiles(sourceDir);
  if (bytes > limits.maxBytes || files.length > limits.maxFiles) {
    throw new BenchtopError(
      'BAD_INPUT',
      `The snapshot of ${sourceDir} is ${formatBytes(bytes)} in ${files.length} files, over the limit of ${formatBytes(limits.maxBytes)} / ${limits.maxFiles} files.`,
      `Largest: ${biggest(files)}. Exclude data and outputs in ${ignoreFile ?? '.amlignore'} (same syntax as .gitignore), or raise the limit (--snapshot-max-mb / --snapshot-max-files).`,
    );
  }
  for (const file of files) {
    const to = path.join(target, ...file.rel.split('/'));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(sourceDir, ...file.rel.split('/')), to);
  }
  fs.mkdirSync(target, { recursive: true });
  return { files: files.length, bytes };
}
