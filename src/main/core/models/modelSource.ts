import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';

export interface SourceFile {
  absolute: string;
  /** Path in the model, starting with the registered basename ("model.joblib", "model/weights.bin"). */
  path: string;
  size: number;
}

export interface ModelSource {
  root: string;
  kind: 'file' | 'folder';
  files: SourceFile[];
  size: number;
}

/** What a registration copies: one file, or every file under a folder (links followed, special files skipped). */
export function scanSource(absolute: string, shownAs: string): ModelSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    throw new BenchtopError(
      'NOT_FOUND',
      `Error, provided model path "${shownAs}" cannot be found.`,
      'Give the path of an existing file or folder (relative paths start from the current folder).',
    );
  }
  const root = path.basename(absolute);
  if (stat.isFile()) return { root, kind: 'file', files: [{ absolute, path: root, size: stat.size }], size: stat.size };
  if (!stat.isDirectory())
    throw new BenchtopError(
      'BAD_INPUT',
      `"${shownAs}" is neither a file nor a folder.`,
      'Register a regular file or a folder.',
    );
  const files: SourceFile[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      const inModel = `${rel}/${entry}`;
      const entryStat = fs.statSync(full, { throwIfNoEntry: false });
      if (entryStat?.isDirectory()) walk(full, inModel);
      else if (entryStat?.isFile()) files.push({ absolute: full, path: inModel, size: entryStat.size });
    }
  };
  walk(absolute, root);
  if (files.length === 0)
    throw new BenchtopError(
      'BAD_INPUT',
      `The folder "${shownAs}" has no files.`,
      'Register a folder that holds the model files.',
    );
  return { root, kind: 'folder', files, size: files.reduce((sum, f) => sum + f.size, 0) };
}

/**
 * A path inside a run, as Azure ML's run.register_model takes it: "outputs/..."
 * and "logs/..." (live in the working copy while the run runs, kept with the
 * run after), or an uploaded file (run.upload_file).
 */
export function resolveRunPath(runDir: string, running: boolean, rel: string): string {
  const clean = rel.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (!clean || path.isAbsolute(clean) || clean.split('/').includes('..')) {
    throw new BenchtopError(
      'BAD_INPUT',
      `"${rel}" is not a path inside a run.`,
      'Give a path such as outputs/model.joblib.',
    );
  }
  const top = clean.split('/')[0];
  const candidates = [
    ...(running && (top === 'outputs' || top === 'logs') ? [path.join(runDir, 'work', clean)] : []),
    ...(top === 'outputs' || top === 'logs' ? [path.join(runDir, clean)] : []),
    path.join(runDir, 'files', 'uploads', clean),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    const outputs = listTop(path.join(runDir, running ? 'work/outputs' : 'outputs'));
    throw new BenchtopError(
      'NOT_FOUND',
      `The run has no "${clean}".`,
      outputs.length
        ? `Its outputs are: ${outputs
            .slice(0, 8)
            .map((o) => `outputs/${o}`)
            .join(', ')}${outputs.length > 8 ? ', ...' : ''}.`
        : 'The run wrote nothing to ./outputs; save the model there (or upload it with run.upload_file) first.',
    );
  }
  return found;
}

function listTop(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}
